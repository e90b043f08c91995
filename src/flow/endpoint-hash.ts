/**
 * Endpoint helpers of `TcpTracker` (./tcp-tracker.ts): the table hash of an endpoint pair,
 * exact address comparison, and the client/server guess for a connection seen without SYN.
 */
import type { DecodedPacket } from '../decode/decoded-packet.js';

/** An IPv4 address (4 bytes) as an unsigned number. */
export function addr32(a: Uint8Array): number {
  return ((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0;
}

/** True when the 16-byte address `a` equals `b[at, at + 16)`. */
export function sameBytesAt(a: Uint8Array, b: Uint8Array, at: number): boolean {
  if (a.length !== 16) return false;
  for (let i = 0; i < 16; i++) if (a[i] !== b[at + i]) return false;
  return true;
}

/** Mixes one (address, port) endpoint into 32 bits (murmur3 finaliser constants). */
function mixEndpoint(a: Uint8Array, port: number): number {
  let h = Math.imul(port + 0x9e3779b9, 0x85ebca6b);
  for (let i = 0; i + 3 < a.length; i += 4) {
    h ^= (a[i]! << 24) | (a[i + 1]! << 16) | (a[i + 2]! << 8) | a[i + 3]!;
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Hash of the unordered pair of endpoints (the same for both directions: a sum commutes),
 * folded to 30 bits so V8 keeps it a small integer (no heap number per lookup).
 */
export function endpointHash(pkt: DecodedPacket): number {
  return ((mixEndpoint(pkt.src, pkt.srcPort) + mixEndpoint(pkt.dst, pkt.dstPort)) | 0) & 0x3fffffff;
}

/**
 * Role guess for a connection first seen without SYN: does the sender's port look like the
 * server side? Well-known ports (below 1024, RFC 6335 "System Ports") against a non-well-known
 * one, or a non-ephemeral port against an ephemeral one (≥ 32768: Linux's default range starts
 * there, RFC 6335's dynamic range at 49152).
 */
export function looksLikeServerPort(srcPort: number, dstPort: number): boolean {
  if (srcPort < 1024 && dstPort >= 1024) return true;
  if (dstPort >= 32768 && srcPort < 32768) return true;
  return false;
}
