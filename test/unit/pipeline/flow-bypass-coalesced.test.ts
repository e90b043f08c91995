/**
 * Flow bypass and MSRP frames coalesced in one TCP segment (review finding F10). A bypass asked
 * at the end of a non-target frame used to take effect at the next delivery even when the same
 * segment already held the start of the next frame: that frame (a target's without SIP here)
 * was cut, and its session missed until a re-probe. A bypass now begins only where a delivery
 * ends exactly at a frame's end (src/analyzers/app-stream-consumer.ts), so every frame that
 * starts while the direction is framed is seen whole: with bypass as without.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../src/util/bytes.js';
import type { LiRecord } from '../../../src/records/li-record.js';
import { containsBytes } from '../../helpers/correlate-helpers.js';
import { bypassPipeline, CAROL, DAVE, dialog, MARK, messageIds, msrpConnection, sendFrame, TARGET } from '../../helpers/flow-bypass-scenario.js';

const PEER = 'sip:someone@ims.example.net';
const nonTarget = (mid: string): Uint8Array => sendFrame('nA', 'nB', mid, CAROL, DAVE, `${MARK} ${mid}`);
/** A target's SEND in a session no SDP announced (found by its CPIM From). */
const target = (mid: string, text: string): Uint8Array => sendFrame('xA', 'xB', mid, TARGET, PEER, text);

/**
 * A non-target frame, then in ONE segment its successor's end (or the whole of it) and the first
 * `cut` bytes of the target's first frame, then the rest, then a second target frame.
 */
function coalescedRun(bypass: boolean, cut: number): LiRecord[] {
  const { p, f, records } = bypassPipeline(TARGET, { tcp: { bypass } });
  dialog(f, 'nt-9', CAROL, DAVE, 'nA', 'nB');
  const conn = msrpConnection(f);
  const n1 = nonTarget('n1');
  const x1 = target('x1', 'no SIP for this one');
  const x2 = target('x2', 'and another');
  for (const s of conn.sendCut('c2s', concatBytes([n1, x1]), [n1.length + cut])) f.put(s.ip);
  for (const s of conn.send('c2s', x2)) f.put(s.ip);
  p.finish();
  return records;
}

describe('flow bypass: a frame that starts in the segment ending a non-target frame', () => {
  // 1 byte ("M"), 4 ("MSRP" without its space), 20 (inside the start line), 120 (inside the
  // headers). Once the whole head is in, the frame's own verdict (a session without SIP) cancels
  // the request, as it did before.
  it.each([1, 4, 20, 120])('is recorded with bypass as without (first %i bytes in that segment)', (cut) => {
    const off = coalescedRun(false, cut);
    expect(messageIds(off)).toEqual(['x1', 'x2']);
    const on = coalescedRun(true, cut);
    expect(messageIds(on)).toEqual(['x1', 'x2']);
    expect(on).toEqual(off);
    for (const r of on) expect(containsBytes(r, Buffer.from(MARK))).toBe(false);
  });

  it('re-probe window (docs/performance.md): no bypass inside it; a frame started in it is seen whole, and so is the frame after it that shares its last segment', () => {
    const run = (bypass: boolean) => {
      const { p, f, records } = bypassPipeline(TARGET, { tcp: { bypass, bypassReprobeSec: 5, bypassProbeSec: 1 } });
      dialog(f, 'nt-10', CAROL, DAVE, 'nA', 'nB');
      const conn = msrpConnection(f);
      const put = (bytes: Uint8Array): void => {
        for (const s of conn.send('c2s', bytes)) f.put(s.ip);
      };
      // Bypassed from n2 (T0 + 1) to the re-probe at n7 (T0 + 6); the window lasts to T0 + 7.
      for (let i = 1; i <= 6; i++) {
        put(nonTarget(`n${i}`));
        f.sec++;
      }
      const bypassedBefore = p.packets.tcpStats().bypassed;
      put(nonTarget('n7'));
      // Inside the window: n7 ended (a request, refused), n8 starts (T0 + 6).
      const n8 = nonTarget('n8');
      const x1 = target('x1', 'no SIP for this one');
      put(n8.subarray(0, 40));
      const inWindow = p.packets.tcpStats();
      // After the window (T0 + 7.5): n8 ends and the target's frame starts in the same segment.
      f.sec++;
      f.nsec = 500_000_000;
      put(concatBytes([n8.subarray(40), x1.subarray(0, 20)]));
      put(x1.subarray(20));
      put(target('x2', 'and another'));
      p.finish();
      return { records, bypassedBefore, inWindow, stats: p.packets.tcpStats() };
    };
    const on = run(true);
    expect(on.bypassedBefore).toBe(1);
    expect(on.inWindow.bypassReprobes).toBe(1);
    expect(on.inWindow.bypassed).toBe(1);
    expect(on.inWindow.bypassActive).toBe(0);
    const off = run(false);
    expect(messageIds(off.records)).toEqual(['x1', 'x2']);
    expect(messageIds(on.records)).toEqual(['x1', 'x2']);
    expect(on.records).toEqual(off.records);
  });
});
