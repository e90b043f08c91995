/**
 * PduSpool: append → flush → read back in order, release and reopen (only unreleased entries
 * survive), segment rolling and deletion, a torn tail cut off at reopen, the size cap refusing
 * loudly, and the single-process lock.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { PduSpool } from '../../../src/deliver/pdu-spool.js';
import { SequenceStateFile } from '../../../src/deliver/sequence-state-file.js';

const dir = (): string => join(mkdtempSync(join(tmpdir(), 'msrptap-spool-')), 'd');
/** A recognisable PDU: n repeated, length 10 + n. */
const pdu = (n: number): Uint8Array => new Uint8Array(10 + n).fill(n & 0xff);

describe('PduSpool', () => {
  it('reads back flushed entries in order; unflushed ones are not visible', () => {
    const s = new PduSpool({ dir: dir() });
    for (let i = 0; i < 5; i++) expect(s.append(pdu(i))).toBe(true);
    expect(s.read(s.released)).toEqual([]);
    s.flush();
    const got = s.read(s.released);
    expect(got.map((e) => e.bytes.length)).toEqual([10, 11, 12, 13, 14]);
    expect(got.map((e) => e.bytes[0])).toEqual([0, 1, 2, 3, 4]);
    expect(s.count).toBe(5);
    s.close();
  });

  it('survives a reopen with exactly the unreleased entries; files 0600 in a 0700 folder', () => {
    const d = dir();
    const s = new PduSpool({ dir: d });
    for (let i = 0; i < 6; i++) s.append(pdu(i));
    s.flush();
    const e = s.read(s.released);
    // Release the first three (8-byte header each).
    s.release(e[2]!.next, 3, 3 * 8 + 10 + 11 + 12);
    s.close();
    const r = new PduSpool({ dir: d });
    expect(r.count).toBe(3);
    expect(r.bytes).toBe(3 * 8 + 13 + 14 + 15);
    expect(r.read(r.released).map((x) => x.bytes[0])).toEqual([3, 4, 5]);
    expect(statSync(d).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(d)) expect(statSync(join(d, f)).mode & 0o777, f).toBe(0o600);
    r.close();
  });

  it('rolls segments and deletes the released ones', () => {
    const d = dir();
    const s = new PduSpool({ dir: d, segmentBytes: 100, bufferBytes: 1 });
    for (let i = 0; i < 20; i++) s.append(pdu(40));
    const segs = readdirSync(d).filter((f) => f.endsWith('.seg'));
    expect(segs.length).toBeGreaterThan(3);
    const all = s.read(s.released, 1 << 20);
    expect(all).toHaveLength(20);
    s.release(all[19]!.next, 20, 20 * 58);
    expect(s.count).toBe(0);
    expect(readdirSync(d).filter((f) => f.endsWith('.seg')).length).toBeLessThanOrEqual(2);
    s.close();
  });

  it('cuts a torn last entry at reopen and reports it', () => {
    const d = dir();
    const s = new PduSpool({ dir: d });
    s.append(pdu(1));
    s.append(pdu(2));
    s.close();
    const seg = readdirSync(d).find((f) => f.endsWith('.seg'))!;
    // A crash mid-write: a header announcing 100 bytes, and 3 of them.
    appendFileSync(join(d, seg), Buffer.from([0, 0, 0, 100, 1, 2, 3, 4, 9, 9, 9]));
    const a = new AnomalyCounter();
    const r = new PduSpool({ dir: d, anomalies: a });
    expect(a.count('deliver.spool_torn_tail')).toBe(1);
    expect(r.count).toBe(2);
    r.append(pdu(3));
    r.flush();
    expect(r.read(r.released).map((e) => e.bytes[0])).toEqual([1, 2, 3]);
    r.close();
  });

  it('refuses PDUs beyond the cap, counted and alarmed, never silently', () => {
    const a = new AnomalyCounter();
    const alarms: number[] = [];
    const s = new PduSpool({ dir: dir(), maxBytes: 100, anomalies: a, onAlarm: (_m, n) => alarms.push(n) });
    const results = [0, 1, 2, 3].map(() => s.append(pdu(30))); // 48 bytes each with header
    expect(results).toEqual([true, true, false, false]);
    expect(s.refused).toBe(2);
    expect(a.count('deliver.spool_full')).toBe(2);
    expect(alarms).toEqual([1]);
    s.close();
  });

  it('refuses a second live user of the same folder', () => {
    const d = dir();
    const s = new PduSpool({ dir: d });
    s.close();
    // A lock held by a live foreign process (pid 1 always exists) refuses the open.
    appendFileSync(join(d, 'lock'), '1\n');
    expect(() => new PduSpool({ dir: d })).toThrow(/in use by process 1/);
  });

  it('a segment, lock or release file planted as a symlink is never read, truncated or written through', () => {
    // A planted segment or release record stops the open (the release record is state that is
    // read back: never guessed past); the lock and the temporary file are replaced by rename (the
    // link itself goes, its target is untouched).
    for (const [name, refused] of [
      ['000000000001.seg', true],
      ['lock', false],
      ['released.json.tmp', false],
      ['released.json', true],
    ] as const) {
      const base = mkdtempSync(join(tmpdir(), 'msrptap-spool-'));
      writeFileSync(join(base, 'victim'), 'precious, and no valid spool entry');
      mkdirSync(join(base, 'd'));
      symlinkSync(join(base, 'victim'), join(base, 'd', name));
      let error = '';
      try {
        const s = new PduSpool({ dir: join(base, 'd') });
        s.append(pdu(1));
        s.flush();
        s.release(s.read(s.released)[0]!.next, 1, 19);
        s.close();
      } catch (e) {
        error = (e as Error).message;
      }
      expect(error, name).toMatch(refused ? /symbolic link/ : /^$/);
      expect(readFileSync(join(base, 'victim'), 'utf8'), name).toBe('precious, and no valid spool entry');
    }
  });

  it('the sequence state is not read or written through a planted symlink', () => {
    const base = mkdtempSync(join(tmpdir(), 'msrptap-seq-'));
    const state = '{"version":1,"next":{"x":7}}';
    writeFileSync(join(base, 'victim'), state);
    mkdirSync(join(base, 'd'));
    symlinkSync(join(base, 'victim'), join(base, 'd', 'x2x3-sequence.json'));
    expect(() => new SequenceStateFile(join(base, 'd'))).toThrow(/symbolic link/);
    mkdirSync(join(base, 'e'));
    symlinkSync(join(base, 'victim'), join(base, 'e', 'x2x3-sequence.json.tmp'));
    new SequenceStateFile(join(base, 'e')).reserve('y', 100);
    expect(readFileSync(join(base, 'victim'), 'utf8')).toBe(state);
    expect(JSON.parse(readFileSync(join(base, 'e', 'x2x3-sequence.json'), 'utf8'))).toEqual({ version: 1, next: { y: 100 } });
  });
});
