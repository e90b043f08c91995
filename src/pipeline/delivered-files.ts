/**
 * What `msrptap verify` reads back from an output folder: each record file split into its
 * records (offsets from the decoder) with its X2/X3 PDUs decoded, and the custody manifest
 * checked against its schema.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, type CustodyManifest } from '../audit/custody-manifest.js';
import { custodyManifestSchema } from '../audit/custody-manifest-schema.js';
import { endpointKeyOf, type DeliveredFile, type DeliveredPdu } from '../audit/verify-delivery.js';
import { checkJson } from '../core/check-json.js';
import { decodeRecordFile, formatDecodeError } from '../encode/index.js';

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Splits a record file into its records (offsets from the decoder) and decodes the X2/X3 PDUs. */
export function readDelivered(path: string, name: string): { file: DeliveredFile; pdus: DeliveredPdu[]; iriMessageIds: string[] } {
  const bytes = readFileSync(path);
  const d = decodeRecordFile(bytes);
  const pdus: DeliveredPdu[] = [];
  const iriMessageIds: string[] = [];
  let offsets: number[] = [];
  let decodeError: string | null = d.error !== undefined ? formatDecodeError(d.error) : null;
  if (d.kind === 'unknown') decodeError = formatDecodeError(d.error);
  else offsets = d.items.map((it) => it.offset);
  // The last record ends where decoding stopped (the error offset) or at the end of the file.
  const end = d.error !== undefined && d.kind !== 'unknown' ? Math.max(offsets[offsets.length - 1] ?? 0, d.error.offset) : bytes.length;
  const records = offsets.map((o, i) => bytes.subarray(o, i + 1 < offsets.length ? offsets[i + 1]! : end));
  if (d.kind === 'x2x3') {
    for (const it of d.items) {
      const p = it.pdu;
      let seq: number | null = null;
      let ts: { sec: number; nsec: number } | null = null;
      let sa: Uint8Array | null = null;
      let da: Uint8Array | null = null;
      let sp: number | null = null;
      let dp: number | null = null;
      let matched: string | null = null;
      for (const a of p.attributes) {
        if (a.kind === 'sequenceNumber') seq = a.value;
        else if (a.kind === 'timestamp') ts = { sec: a.sec, nsec: a.nsec };
        else if (a.kind === 'sourceIPv4Address' || a.kind === 'sourceIPv6Address') sa = a.address;
        else if (a.kind === 'destinationIPv4Address' || a.kind === 'destinationIPv6Address') da = a.address;
        else if (a.kind === 'sourcePort') sp = a.port;
        else if (a.kind === 'destinationPort') dp = a.port;
        else if (a.kind === 'matchedTargetIdentifier') matched = a.text;
      }
      pdus.push({
        pduType: p.pduType,
        xid: p.xid,
        correlationId: hex(p.correlationId),
        sequenceNumber: seq,
        tsSec: ts?.sec ?? null,
        tsNsec: ts?.nsec ?? null,
        src: sa !== null && sp !== null ? endpointKeyOf(sa, sp) : null,
        dst: da !== null && dp !== null ? endpointKeyOf(da, dp) : null,
        matchedTarget: matched,
        payload: p.payload,
      });
    }
  } else if (d.kind === 'protobuf') {
    for (const it of d.items) {
      // schemas/proto/msrptap.proto: Record.body is `message` (rCSMessage) or `file` (a file transfer's rCSMessage).
      const file = it.record.file as { message?: { msrpMessageId?: unknown } } | undefined;
      const msg = (it.record.message ?? file?.message) as { msrpMessageId?: unknown } | undefined;
      if (typeof msg?.msrpMessageId === 'string') iriMessageIds.push(msg.msrpMessageId);
    }
  }
  return { file: { name, records, sha256: sha256(bytes), bytes: bytes.length, decodeError }, pdus, iriMessageIds };
}

/** Larger than any manifest msrptap writes (~80 bytes per stored chain entry): a bigger file is not one. */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

/**
 * Reads and checks a manifest against its schema (src/audit/custody-manifest-schema.ts): a
 * manifest that fails it is treated as absent, with the field named, so nothing in it steers
 * the checks.
 */
export function readManifest(dir: string): { manifest: CustodyManifest | null; error: string | null } {
  const p = join(dir, MANIFEST_FILE);
  if (!existsSync(p)) return { manifest: null, error: `${MANIFEST_FILE} missing` };
  let text: string;
  try {
    if (statSync(p).size > MAX_MANIFEST_BYTES) return { manifest: null, error: `${MANIFEST_FILE} larger than ${MAX_MANIFEST_BYTES} bytes` };
    text = readFileSync(p, 'utf8');
  } catch (e) {
    return { manifest: null, error: `${MANIFEST_FILE} unreadable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  const r = checkJson(custodyManifestSchema, text);
  return r.ok ? { manifest: r.value, error: null } : { manifest: null, error: `${p} is not a valid manifest: ${r.problem}` };
}
