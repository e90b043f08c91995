/**
 * The X2/X3 PDUs of `run` output folders as comparable keys (issue 15): the splitter test
 * (test/integration/trigger-bus-cli.test.ts) and the bench's 3-tap run (bench/bus-cluster.ts)
 * compare the union of several taps' PDUs with one tap's, up to sequence numbering.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeRecordFile } from '../../src/encode/index.js';
import { toHex } from '../../src/util/bytes.js';

export interface PduKey {
  readonly liid: string;
  readonly type: number;
  readonly format: number;
  readonly direction: number;
  readonly xid: string;
  readonly correlationId: string;
  readonly attrs: readonly string[];
  readonly payload: string;
}

/** PDU type of X3 (TS 103 221-2 clause 5.2.1: 1 X2, 2 X3). */
export const X3_PDU_TYPE = 2;

/** The X2/X3 PDUs of an output folder (per LIID folder), sequence numbers left out. */
export function pduList(out: string): PduKey[] {
  const list: PduKey[] = [];
  if (!existsSync(out)) return list;
  for (const d of readdirSync(out)) {
    const f = join(out, d, 'x2x3.pdu');
    if (!statSync(join(out, d)).isDirectory() || !existsSync(f)) continue;
    const dec = decodeRecordFile(readFileSync(f));
    if (dec.kind !== 'x2x3') throw new Error(`${f} is not x2x3`);
    for (const { pdu } of dec.items) {
      const attrs = pdu.attributes.filter((a) => a.kind !== 'sequenceNumber').map((a) => JSON.stringify(a, (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v)));
      list.push({ liid: d, type: pdu.pduType, format: pdu.payloadFormat, direction: pdu.payloadDirection, xid: pdu.xid, correlationId: toHex(pdu.correlationId), attrs, payload: toHex(pdu.payload) });
    }
  }
  return list;
}

/** Comparable keys, sorted: every field (`full`), or the X3 PDUs' XID, direction, attributes and payload. */
export function pdus(out: string, view: 'full' | 'x3' = 'full'): string[] {
  return pduList(out)
    .filter((p) => view === 'full' || p.type === X3_PDU_TYPE)
    .map((p) => JSON.stringify(view === 'full' ? p : [p.liid, p.xid, p.direction, p.attrs, p.payload]))
    .sort();
}

/** Every byte of every file under `out` (to look for non-target markers). */
export function allOutputBytes(out: string): Buffer {
  const parts: Buffer[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else parts.push(readFileSync(p));
    }
  };
  if (existsSync(out)) walk(out);
  return Buffer.concat(parts);
}
