/**
 * State files read back at start (src/core/check-json.ts with each file's schema): another
 * msrptap JSON file put in the place of one (a copy or restore gone wrong) is refused with one
 * ConfigError naming the file and the fix, and says which fields do not belong there, rather
 * than reporting the first field it lacks as if the file were merely damaged.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../../src/core/errors.js';
import { PduSpool } from '../../../src/deliver/pdu-spool.js';
import { ReceivedPduStore } from '../../../src/deliver/received-pdu-store.js';
import { SEQUENCE_STATE_FILE, SequenceStateFile } from '../../../src/deliver/sequence-state-file.js';

const XID = '3a0b508c-3616-48ba-849d-f485418efd49';
const fresh = (): string => mkdtempSync(join(tmpdir(), 'msrptap-foreign-'));

/** The ConfigError `open` throws. */
function refusal(open: () => unknown): { message: string; fix: string } {
  try {
    open();
  } catch (e) {
    expect(isConfigError(e)).toBe(true);
    return { message: (e as Error).message, fix: (e as { fix?: string }).fix ?? '' };
  }
  throw new Error('accepted');
}

describe('a foreign JSON file in the place of a state file', () => {
  it('released.json holding a sequence state', () => {
    const d = join(fresh(), 'spool');
    mkdirSync(d, { mode: 0o700 });
    const path = join(d, 'released.json');
    writeFileSync(path, '{"version":1,"next":{}}');
    const r = refusal(() => new PduSpool({ dir: d }));
    expect(r.message).toBe(`${path}: not a spool position: field (top level): unknown field(s) "version", "next"`);
    expect(r.fix).not.toBe('');
  });

  it('x2x3-sequence.json holding a spool position', () => {
    const d = fresh();
    const path = join(d, SEQUENCE_STATE_FILE);
    writeFileSync(path, '{"seg":1,"off":0}');
    const r = refusal(() => new SequenceStateFile(d));
    expect(r.message).toBe(`${path}: not a version-1 sequence-number state file: field (top level): unknown field(s) "seg", "off"`);
    expect(r.fix).toMatch(/backup/);
  });

  it('index.jsonl holding a tasks file line', () => {
    const d = fresh();
    mkdirSync(join(d, XID), { mode: 0o700 });
    const path = join(d, XID, 'index.jsonl');
    writeFileSync(path, '{"tasks":[],"destinations":[]}\n');
    const s = new ReceivedPduStore(d);
    const r = refusal(() => s.accept({ xid: XID, sequenceNumber: 0, pduType: 2, payloadFormat: 13 }, new Uint8Array(8)));
    expect(r.message).toBe(`${path}: line 1 is not an index entry: field (top level): unknown field(s) "tasks", "destinations"`);
    expect(r.fix).toMatch(/backup/);
  });
});
