/**
 * Entry point of the `msrptap decode` command: detects what a record file holds and decodes all
 * of it. Kinds:
 *
 * - 'x2x3': back-to-back TS 103 221-2 PDUs (starts 00 05, PDU type 1..4). Payloads of format 2
 *   (33.128) are decoded as XIRIPayload, format 1 (102 232-1) as PS-PDU.
 * - 'ps-pdu': back-to-back BER TS 102 232-1 PS-PDUs (starts with SEQUENCE then [1] PSHeader).
 * - 'protobuf': length-delimited msrptap.v1.Record messages.
 *
 * Decoding continues as far as the bytes allow; the first framing error is returned with the
 * items decoded before it. Never throws on input.
 */
import { decodeLiStructure } from '../asn1/decode-li-payloads.js';
import type { AsnNode } from '../asn1/ber-decoder.js';
import { readProtobufRecords, startsWithProtobufRecord, type ProtobufRecordEntry } from '../protobuf/read-protobuf-records.js';
import { X2X3Framer } from '../x2x3/x2x3-framer.js';
import { PayloadFormat } from '../x2x3/x2x3-constants.js';
import type { X2X3Pdu } from '../x2x3/x2x3-pdu.js';
import type { RecordDecodeError } from './decode-error.js';

export type RecordFileKind = 'x2x3' | 'ps-pdu' | 'protobuf';

export interface DecodedX2X3Item {
  readonly offset: number;
  readonly pdu: X2X3Pdu;
  /** Decoded payload for formats 1 (PS-PDU) and 2 (XIRIPayload). */
  readonly payloadTree?: AsnNode;
  /** Why the payload could not be decoded (offset relative to the payload). */
  readonly payloadError?: RecordDecodeError;
}

export interface DecodedPsPduItem {
  readonly offset: number;
  readonly tree: AsnNode;
}

export type DecodedRecordFile =
  | { readonly kind: 'x2x3'; readonly items: readonly DecodedX2X3Item[]; readonly error?: RecordDecodeError }
  | { readonly kind: 'ps-pdu'; readonly items: readonly DecodedPsPduItem[]; readonly error?: RecordDecodeError }
  | { readonly kind: 'protobuf'; readonly items: readonly ProtobufRecordEntry[]; readonly error?: RecordDecodeError }
  | { readonly kind: 'unknown'; readonly error: RecordDecodeError };

/** Guesses the kind from the first bytes; undefined when nothing fits. */
export function detectRecordFileKind(b: Uint8Array): RecordFileKind | undefined {
  if (b.length >= 12 && b[0] === 0x00 && b[1] === 0x05 && b[2] === 0x00 && b[3]! >= 1 && b[3]! <= 4) return 'x2x3';
  if (b.length >= 2 && b[0] === 0x30) {
    // SEQUENCE; its first element must be pSHeader [1] (constructed context 1 = 0xa1).
    const lenOctets = b[1]! < 0x80 ? 1 : 1 + (b[1]! & 0x7f);
    if (b[1] === 0x80 || b[1 + lenOctets] === 0xa1) return 'ps-pdu';
  }
  if (startsWithProtobufRecord(b)) return 'protobuf';
  return undefined;
}

function decodeX2X3File(b: Uint8Array): DecodedRecordFile {
  const framer = new X2X3Framer();
  const r = framer.push(b);
  const items: DecodedX2X3Item[] = r.pdus.map((pdu, i) => {
    const offset = r.offsets[i]!;
    const which = pdu.payloadFormat === PayloadFormat.TS_33128 ? 'XIRIPayload' : pdu.payloadFormat === PayloadFormat.ETSI_102232_1 ? 'PS-PDU' : undefined;
    if (which === undefined || pdu.payload.length === 0) return { offset, pdu };
    const d = decodeLiStructure(which, pdu.payload);
    if (!d.ok) return { offset, pdu, payloadError: d.error };
    if (d.value.end !== pdu.payload.length) {
      return { offset, pdu, payloadTree: d.value.node, payloadError: { code: 'bad_length', offset: d.value.end, expected: `payload to end at ${pdu.payload.length}` } };
    }
    return { offset, pdu, payloadTree: d.value.node };
  });
  const error = r.error ?? framer.end();
  return error === undefined ? { kind: 'x2x3', items } : { kind: 'x2x3', items, error };
}

function decodePsPduFile(b: Uint8Array): DecodedRecordFile {
  const items: DecodedPsPduItem[] = [];
  let off = 0;
  while (off < b.length) {
    const d = decodeLiStructure('PS-PDU', b, off);
    if (!d.ok) return { kind: 'ps-pdu', items, error: d.error };
    items.push({ offset: off, tree: d.value.node });
    off = d.value.end;
  }
  return { kind: 'ps-pdu', items };
}

/** Detects the kind (or uses `kind`) and decodes the whole file. */
export function decodeRecordFile(b: Uint8Array, kind?: RecordFileKind): DecodedRecordFile {
  const k = kind ?? detectRecordFileKind(b);
  switch (k) {
    case 'x2x3':
      return decodeX2X3File(b);
    case 'ps-pdu':
      return decodePsPduFile(b);
    case 'protobuf': {
      const r = readProtobufRecords(b);
      return r.ok ? { kind: 'protobuf', items: r.value } : { kind: 'protobuf', items: [], error: r.error };
    }
    default:
      return { kind: 'unknown', error: { code: 'unknown_format', offset: 0, expected: 'an X2/X3 PDU (00 05), a BER PS-PDU (30 .. a1) or length-delimited msrptap.v1.Record' } };
  }
}
