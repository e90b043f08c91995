/**
 * Reader of a length-delimited `msrptap.v1.Record` stream. protobufjs throws on malformed input;
 * this wrapper turns that into the typed result of every msrptap decoder, with the offset of the
 * message that failed, and caps message sizes so a corrupt length cannot allocate gigabytes.
 */
import { decodeFail, type DecodeResult } from '../common/decode-error.js';
import { recordType } from './msrptap-proto.js';

export interface ProtobufReadOptions {
  /** Largest message accepted (default 64 MiB). */
  readonly maxMessageLength?: number;
}

/** One decoded record as a plain object (camelCase names, enums as names, 64-bit as numbers). */
export interface ProtobufRecordEntry {
  readonly offset: number;
  readonly record: Record<string, unknown>;
}

/** Reads a base-128 varint (at most 5 bytes / 32 bits, as length prefixes are). */
function readVarint32(b: Uint8Array, off: number): { value: number; next: number } | undefined {
  let v = 0;
  for (let i = 0; i < 5; i++) {
    if (off + i >= b.length) return undefined;
    const c = b[off + i]!;
    v += (c & 0x7f) * 2 ** (7 * i);
    if ((c & 0x80) === 0) return { value: v, next: off + i + 1 };
  }
  return undefined;
}

/** Decodes every record of a length-delimited stream; stops at the first malformed one. */
export function readProtobufRecords(b: Uint8Array, opts: ProtobufReadOptions = {}): DecodeResult<ProtobufRecordEntry[]> {
  const max = opts.maxMessageLength ?? 64 * 1024 * 1024;
  const T = recordType();
  const out: ProtobufRecordEntry[] = [];
  let off = 0;
  while (off < b.length) {
    const len = readVarint32(b, off);
    if (len === undefined) return decodeFail('bad_protobuf', off, 'a varint length prefix (<= 5 bytes)');
    if (len.value > max) return decodeFail('too_large', off, `message length <= ${max}`);
    if (len.next + len.value > b.length) return decodeFail('truncated', b.length, `${len.next + len.value - b.length} more message bytes`);
    try {
      const msg = T.decode(b.subarray(len.next, len.next + len.value));
      const err = T.verify(msg);
      if (err !== null) return decodeFail('bad_protobuf', len.next, `a valid msrptap.v1.Record (${err})`);
      out.push({ offset: off, record: T.toObject(msg, { longs: Number, enums: String, oneofs: true }) });
    } catch (e) {
      const what = e instanceof Error ? e.message : String(e);
      return decodeFail('bad_protobuf', len.next, `a decodable msrptap.v1.Record (${what})`);
    }
    off = len.next + len.value;
  }
  return { ok: true, value: out };
}

/**
 * True when the bytes start with one complete, valid length-delimited msrptap.v1.Record (used to
 * detect the file kind without decoding the whole file).
 */
export function startsWithProtobufRecord(b: Uint8Array): boolean {
  const len = readVarint32(b, 0);
  if (len === undefined || len.value === 0 || len.next + len.value > b.length) return false;
  return readProtobufRecords(b.subarray(0, len.next + len.value)).ok;
}
