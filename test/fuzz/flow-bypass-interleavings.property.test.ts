/**
 * Flow bypass (issue 13, src/flow/stream-bypass.ts) never changes a target's records where its
 * guarantees apply (docs/performance.md, "Flow bypass"): random interleavings of a target's and
 * a non-target's MSRP frames on one connection, cut into random TCP segments at random capture
 * times (so re-probes happen), give the same records with bypass on as with bypass off.
 *
 * Two kinds of target, the two the guarantee covers:
 * - announced: its SIP dialog (SDP naming the connection) comes at a random segment boundary
 *   before its first frame, however long the direction was bypassed before;
 * - without SIP: found by its CPIM From, so it is seen when its first frame starts while the
 *   direction is framed. The segments before that frame never end exactly at a frame end (no
 *   bypass can begin there), but may end anywhere inside frames, the last one inside the target's
 *   own head (review finding F10: frames coalesced in one segment).
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/util/bytes.js';
import type { LiRecord } from '../../src/records/li-record.js';
import { checkProperty, envCount, type Rand, randOf } from '../helpers/check-property.js';
import { containsBytes } from '../helpers/correlate-helpers.js';
import { bypassPipeline, CAROL, DAVE, dialog, MARK, messageIds, msrpConnection, sendFrame, T0, TARGET } from '../helpers/flow-bypass-scenario.js';

const CASES = envCount('MSRPTAP_BYPASS_CASES', 150);
const PEER = 'sip:peer@ims.example.net';

interface Scenario {
  readonly announced: boolean;
  /** The frames in stream order; `target` marks the target's. */
  readonly frames: readonly { readonly bytes: Uint8Array; readonly target: boolean; readonly mid: string }[];
  /** Segment boundaries (stream offsets, increasing, inside the stream). */
  readonly cuts: readonly number[];
  /** Capture time of each segment, in ms after T0 (non-decreasing). */
  readonly times: readonly number[];
  /** Announced: the target's dialog comes before this segment. */
  readonly dialogBefore: number;
}

function scenario(rnd: Rand): Scenario {
  const announced = rnd.int(0, 1) === 1;
  const lead = rnd.int(1, 6);
  const rest = rnd.int(1, 8);
  const frames: Scenario['frames'][number][] = [];
  const text = (mid: string): string => `${mid} ${'lorem ipsum '.repeat(rnd.int(0, 30))}`;
  const add = (target: boolean): void => {
    const mid = `${target ? 't' : 'n'}${frames.length + 1}`;
    const bytes = target ? sendFrame(announced ? 'tA' : 'xA', announced ? 'tB' : 'xB', mid, TARGET, PEER, text(mid)) : sendFrame('nA', 'nB', mid, CAROL, DAVE, `${MARK} ${text(mid)}`);
    frames.push({ bytes, target, mid });
  };
  for (let i = 0; i < lead; i++) add(false);
  add(true);
  for (let i = 0; i < rest; i++) add(rnd.int(0, 1) === 1);
  const ends: number[] = [];
  let off = 0;
  for (const f of frames) {
    off += f.bytes.length;
    ends.push(off);
  }
  const total = off;
  const firstTarget = ends[lead - 1]!;
  const cutSet = new Set<number>();
  for (let at = 0; ; ) {
    // Mostly short segments, sometimes one that holds several frames.
    at += rnd.int(0, 3) === 0 ? rnd.int(1, 900) : rnd.int(1, 120);
    if (at >= total) break;
    cutSet.add(at);
  }
  // Segments that end exactly at a frame's end (where a bypass may begin), often.
  for (const e of ends) if (e < total && rnd.int(0, 1) === 1) cutSet.add(e);
  // Without SIP: no segment before the target's first frame ends at a frame end.
  const cuts = [...cutSet].filter((at) => announced || at > firstTarget || !ends.includes(at)).sort((a, b) => a - b);
  const times: number[] = [];
  let ms = 0;
  for (let i = 0; i <= cuts.length; i++) {
    ms += rnd.int(0, 3) === 0 ? rnd.int(0, 4000) : rnd.int(0, 300);
    times.push(ms);
  }
  const firstTargetSegment = cuts.filter((c) => c <= firstTarget).length;
  return { announced, frames, cuts, times, dialogBefore: rnd.int(0, firstTargetSegment) };
}

function run(s: Scenario, bypass: boolean): { records: LiRecord[]; bypassed: number; reprobes: number } {
  const { p, f, records } = bypassPipeline(TARGET, { tcp: { bypass, bypassReprobeSec: 5, bypassProbeSec: 1 } });
  dialog(f, 'nt-1', CAROL, DAVE, 'nA', 'nB');
  const conn = msrpConnection(f);
  const segments = conn.sendCut('c2s', concatBytes(s.frames.map((x) => x.bytes)), s.cuts);
  segments.forEach((seg, i) => {
    f.sec = T0 + Math.floor(s.times[i]! / 1000);
    f.nsec = (s.times[i]! % 1000) * 1_000_000;
    if (s.announced && i === s.dialogBefore) dialog(f, 'tg-1', TARGET, PEER, 'tA', 'tB');
    f.put(seg.ip);
  });
  p.finish();
  const t = p.packets.tcpStats();
  return { records, bypassed: t.bypassed, reprobes: t.bypassReprobes };
}

describe('flow bypass: random interleavings and segmentations', () => {
  it('the target records are the same with bypass on as with bypass off', () => {
    let bypassedRuns = 0;
    let reprobedRuns = 0;
    checkProperty(
      { seed: 0x5b9a55, numRuns: CASES },
      fc.property(fc.gen(), (g) => {
        const s = scenario(randOf(g));
        const off = run(s, false);
        const on = run(s, true);
        if (on.bypassed > 0) bypassedRuns++;
        if (on.reprobes > 0) reprobedRuns++;
        const want = s.frames.filter((x) => x.target).map((x) => x.mid);
        return isDeepStrictEqual(messageIds(off.records), want) && isDeepStrictEqual(on.records, off.records) && !on.records.some((r) => containsBytes(r, Buffer.from(MARK)));
      }),
    );
    // The property is not vacuous: many runs did bypass the non-target's frames. Since the watch
    // also checks offset 0 of the first bypassed segment (review R2), a bypass whose next segment
    // opens with another session's frame ends at once: 14 of the 150 default cases bypass (16+
    // before) and none stays bypassed the 5 s a re-probe needs, so re-probes are no longer
    // reached here; they are tested in test/unit/flow/tcp-bypass.test.ts and
    // test/unit/pipeline/flow-bypass.test.ts. Their count is still reported for a larger run.
    expect(bypassedRuns).toBeGreaterThan(CASES / 20);
    if (reprobedRuns === 0) console.info('flow-bypass interleavings: no case reached a re-probe');
  });
});
