/**
 * Issue 12 property: on a TCP connection shared by a target and a non-target MSRP session, no
 * damage to the TCP payloads (./shared-connection-mutants.ts) ever moves a non-target byte into
 * an output: the LI records, their X2/X3, ETSI (HI2/HI3) and protobuf encodings, and the audit.
 * Nothing throws. fast-check: a failure prints the mutations of the shrunk case and the seed and
 * path that replay it (MSRPTAP_SEED=<seed> MSRPTAP_FC_PATH=<path>, test/helpers/check-property.ts).
 * MSRPTAP_MUTANTS=N runs a longer campaign (default 1500: about 5 s on an idle core).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRecordEncoder } from '../../src/encode/index.js';
import { checkProperty, envCount, randOf } from '../helpers/check-property.js';
import { type MutantResult, NONTARGET_MARKERS, runMutant, runSeededMutant } from './shared-connection-mutants.js';

const MUTANTS = envCount('MSRPTAP_MUTANTS', 1500);
/**
 * mulberry32 seeds (runSeededMutant) that once leaked, always run, replayed exactly: 26 (a '*' body through a response whose start line and
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
  const markers = NONTARGET_MARKERS.map((m) => Buffer.from(m, 'latin1'));
  const encoders = (['x2x3', 'etsi', 'protobuf'] as const).map((f) => createRecordEncoder(f));
  let cc = 0;
  let cut = 0;

  /** Fails on any marker in a record, its three encodings or the audit; counts CC records and cuts. */
  function check(r: MutantResult, where: string): void {
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

  it('the seeds that once leaked', () => {
    for (const seed of REGRESSION_SEEDS) {
      const r = runSeededMutant(seed);
      check(r, `seed ${seed} (${r.mutations.join(', ')})`);
    }
  });

  it(`${MUTANTS} mutants`, () => {
    cc = 0;
    cut = 0;
    checkProperty(
      { seed: 1, numRuns: MUTANTS },
      fc.property(fc.gen(), fc.nat(), (g, id) => {
        const r = runMutant(randOf(g), id);
        check(r, r.mutations.join(', '));
      }),
    );
    // The campaign did exercise the target's CC and the cuts.
    expect(cc).toBeGreaterThan(MUTANTS * 3);
    expect(cut).toBeGreaterThan(MUTANTS / 10);
  });
});
