/**
 * Fuzz (fast-check): a spool whose segment bytes were damaged (random byte flips, truncations and
 * random garbage appended) reopens without throwing, replays only entries that pass the
 * length/CRC check, each byte-identical to one that was appended, in order.
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../src/core/anomaly.js';
import { PduSpool } from '../../src/deliver/pdu-spool.js';
import { checkProperty, randOf } from '../helpers/check-property.js';

describe('PduSpool fuzz', () => {
  it('damaged segments never throw and replay only intact appended entries, in order', () => {
    checkProperty(
      { seed: 0x5eed, numRuns: 60 },
      fc.property(fc.gen(), (gen) => {
        const rnd = randOf(gen);
        const d = join(mkdtempSync(join(tmpdir(), 'msrptap-spool-fuzz-')), 's');
        const s = new PduSpool({ dir: d, segmentBytes: 300 });
        const appended: string[] = [];
        const n = 1 + Math.floor(rnd() * 20);
        for (let i = 0; i < n; i++) {
          const b = rnd.bytes(1 + Math.floor(rnd() * 120));
          s.append(b);
          appended.push(Buffer.from(b).toString('hex'));
          if (rnd() < 0.3) s.flush();
        }
        s.close();
        for (const f of readdirSync(d).filter((x) => x.endsWith('.seg'))) {
          const p = join(d, f);
          const bytes = readFileSync(p);
          const mode = rnd();
          if (mode < 0.4 && bytes.length > 0) bytes[Math.floor(rnd() * bytes.length)]! ^= 1 + Math.floor(rnd() * 255);
          if (mode >= 0.4 && mode < 0.7) writeFileSync(p, bytes.subarray(0, Math.floor(rnd() * bytes.length)));
          else writeFileSync(p, bytes);
          if (mode >= 0.7) appendFileSync(p, rnd.bytes(Math.floor(rnd() * 40)));
        }
        const r = new PduSpool({ dir: d, anomalies: new AnomalyCounter() });
        const got = r.read(r.released, 1 << 20).map((e) => Buffer.from(e.bytes).toString('hex'));
        expect(got.length).toBeLessThanOrEqual(appended.length);
        // Replayed entries are appended ones, in append order (a subsequence).
        let k = 0;
        for (const g of got) {
          while (k < appended.length && appended[k] !== g) k++;
          expect(k).toBeLessThan(appended.length);
          k++;
        }
        r.close();
      }),
    );
  });
});
