/**
 * Issue 12 property: on a TCP connection shared by a target and a non-target MSRP session, no
 * damage to the TCP payloads (./shared-connection-mutants.ts) ever moves a non-target byte into
 * an output: the LI records, their X2/X3, ETSI (HI2/HI3) and protobuf encodings, and the audit.
 * Nothing throws. Seeded: a failure names its seed (rerun one with MSRPTAP_SEED=<seed>
 * MSRPTAP_MUTANTS=1). MSRPTAP_MUTANTS=N runs a longer campaign (default 1500: about 5 s on an idle core).
 */
import { describe, expect, it } from 'vitest';
import { createRecordEncoder } from '../../src/encode/index.js';
import { NONTARGET_MARKERS, runMutant } from './shared-connection-mutants.js';

const MUTANTS = Number(process.env.MSRPTAP_MUTANTS ?? 1500);
const FIRST_SEED = Number(process.env.MSRPTAP_SEED ?? 1);
/**
 * Seeds that once leaked, always run: 26 (a '*' body through a response whose start line and
 * end-line were both damaged), 2459 (a damaged end-line, then an overlapping retransmission
 * that ate the next start line: the framer is now told of the conflict and cuts), 2728 (a '*'
 * body whose end-line and the CR LF after it were damaged, the next start line glued on and
 * split across two segments), 3863 (a '*' body whose end-line dashes were damaged and the next start
 * line too: our id, flag and CR LF after mostly-dash bytes end it), 18861 (a retransmission
 * contradicting held bytes: the consumer now hears of it when they are delivered).
 */
const REGRESSION_SEEDS = [26, 2459, 2728, 3863, 18861];

/** Every byte array and string of a record (deep), concatenated: one search per marker. */
function recordBytes(value: unknown, out: Buffer[] = [], seen = new Set<unknown>()): Buffer[] {
  if (value === null || value === undefined || seen.has(value)) return out;
  if (value instanceof Uint8Array) out.push(Buffer.from(value.buffer, value.byteOffset, value.length));
  else if (typeof value === 'string') out.push(Buffer.from(value, 'latin1'), Buffer.from(value, 'utf8'));
  else if (typeof value === 'object') {
    seen.add(value);
    for (const v of Object.values(value as Record<string, unknown>)) recordBytes(v, out, seen);
  }
  return out;
}

describe('shared connection: damaged TCP payloads never leak a non-target byte', () => {
  it(`${MUTANTS} mutants from seed ${FIRST_SEED}`, () => {
    const markers = NONTARGET_MARKERS.map((m) => Buffer.from(m, 'latin1'));
    const encoders = (['x2x3', 'etsi', 'protobuf'] as const).map((f) => createRecordEncoder(f));
    let cc = 0;
    let cut = 0;
    const seeds = [...REGRESSION_SEEDS, ...Array.from({ length: MUTANTS }, (_, i) => FIRST_SEED + i)];
    for (const seed of seeds) {
      let r: ReturnType<typeof runMutant>;
      try {
        r = runMutant(seed);
      } catch (e) {
        throw new Error(`seed ${seed}: ${(e as Error).stack ?? String(e)}`);
      }
      const where = `seed ${seed} (${r.mutations.join(', ')})`;
      for (const rec of r.records) {
        // Pieces joined by a byte no marker holds, so no marker is made up across two pieces.
        const fields = Buffer.concat(recordBytes(rec).flatMap((b) => [b, Buffer.of(0)]));
        const encoded = encoders.map((enc) => [enc.format, enc.encode(rec)?.bytes] as const);
        for (const m of markers) {
          if (fields.includes(m)) expect.fail(`${where}: record ${rec.kind} holds ${m.toString()}`);
          for (const [format, out] of encoded) if (out !== undefined && Buffer.from(out.buffer, out.byteOffset, out.length).includes(m)) expect.fail(`${where}: ${format} bytes hold ${m.toString()}`);
        }
        if (rec.kind === 'cc') cc++;
      }
      const audit = JSON.stringify(r.audit);
      for (const m of NONTARGET_MARKERS) if (audit.includes(m)) expect.fail(`${where}: audit holds ${m}`);
      cut += (r.anomalies['msrp.body_overrun'] ?? 0) + (r.anomalies['msrp.frame_boundary_in_body'] ?? 0);
    }
    // The campaign did exercise the target's CC and the cuts.
    expect(cc).toBeGreaterThan(MUTANTS * 3);
    expect(cut).toBeGreaterThan(MUTANTS / 10);
  });
});
