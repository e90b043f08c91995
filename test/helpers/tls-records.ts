/**
 * Builders of clear TLS records and hellos for the decryptor's unit and fuzz tests
 * (RFC 8446 4.1.2 / 4.1.3, RFC 5246 6.2.1). Protected records come from real stacks
 * (tls-transcript.ts), never from these.
 */
import { concatBytes } from '../../src/util/bytes.js';

const u16 = (n: number): number[] => [n >> 8, n & 0xff];
const u24 = (n: number): number[] => [n >> 16, (n >> 8) & 0xff, n & 0xff];

export function tlsRecord(type: number, body: Uint8Array, version = 0x0303): Uint8Array {
  return concatBytes([Uint8Array.from([type, ...u16(version), ...u16(body.length)]), body]);
}

export function handshakeMsg(type: number, body: Uint8Array): Uint8Array {
  return concatBytes([Uint8Array.from([type, ...u24(body.length)]), body]);
}

export function ext(type: number, body: number[]): number[] {
  return [...u16(type), ...u16(body.length), ...body];
}

function withExts(exts: number[]): number[] {
  return exts.length === 0 ? [] : [...u16(exts.length), ...exts];
}

export function clientHelloBody(o: { random: Uint8Array; suites: number[]; exts?: number[] }): Uint8Array {
  return Uint8Array.from([0x03, 0x03, ...o.random, 0, ...u16(o.suites.length * 2), ...o.suites.flatMap(u16), 1, 0, ...withExts(o.exts ?? [])]);
}

export function serverHelloBody(o: { random: Uint8Array; suite: number; version?: number; exts?: number[] }): Uint8Array {
  const exts = [...(o.exts ?? []), ...(o.version === undefined ? [] : ext(43, u16(o.version)))];
  return Uint8Array.from([0x03, 0x03, ...o.random, 0, ...u16(o.suite), 0, ...withExts(exts)]);
}

/** server_name extension (RFC 6066 3) with one host_name. */
export function sniExt(host: string): number[] {
  const name = [...new TextEncoder().encode(host)];
  return ext(0, [...u16(name.length + 3), 0, ...u16(name.length), ...name]);
}
