/**
 * Issue 15, the race of a large file: on a media tap, a file sent as one MSRP message in several
 * chunks closes before the trigger naming its session arrives (taps run at once). Its frames are
 * held whole (the X3); its finished message must not be lost beside them: its content is those
 * frames' bodies, so it must not cost the held budget a second time (./held-budget.ts). What
 * still cannot be held is reported in the session's audit, never dropped silently.
 */
import { describe, expect, it } from 'vitest';
import type { CorrelatorOptions } from '../../../src/correlate/correlator.js';
import { Harness, send } from '../../helpers/correlate-helpers.js';
import { A_MSRP, A_URI, ALICE_TASK, aTrigger, B_MSRP, B_URI } from '../../helpers/trigger-fixture.js';

/** Deterministic file bytes (a JPEG-sized blob, no two chunks alike). */
function fileBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * A media tap (a bus: `tapId`) sees Alice push `file` to Bob in chunks of `chunk` bytes (RFC 4975
 * section 7.1.1 Byte-Range), then the trigger arrives a second after the message closed.
 */
function lateTriggerFile(file: Uint8Array, chunk: number, options: Partial<CorrelatorOptions> = {}): Harness {
  const h = new Harness(ALICE_TASK, { tapId: 'tap-media', ...options });
  const conn = h.conn(1, A_MSRP, B_MSRP);
  for (let o = 0; o < file.length; o += chunk) {
    const end = Math.min(o + chunk, file.length);
    const last = end === file.length;
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'file-1', range: `${o + 1}-${end}/${file.length}`, ct: 'image/jpeg', body: file.subarray(o, end), flag: last ? '$' : '+' }), 1460);
  }
  // Nothing before the trigger: the session (no SIP, no CPIM) is held.
  expect(h.records).toEqual([]);
  h.wait(1);
  h.correlator.applyTrigger(aTrigger());
  return h;
}

function rcsMessages(h: Harness) {
  return h.iri().flatMap((r) => (r.event.kind === 'rCSMessage' ? [r.event] : []));
}

describe('a late trigger and a large file held on the media tap', () => {
  it.each([
    // The file-transfer sample's JPEG (50 KiB in four chunks) under the default 64 KiB budget.
    { name: '50 KiB file, default budget', size: 51_200, chunk: 16_384, options: {} },
    // 70 KB whose frames fit a 96 KiB per-session budget: the message beside them would not.
    { name: '70 KB file, 96 KiB budget', size: 70_000, chunk: 16_384, options: { maxHeldBytesPerSession: 96 * 1024 } },
  ])('$name: its rCSMessage is emitted with the full content, beside every frame', ({ size, chunk, options }) => {
    const file = fileBytes(size);
    const h = lateTriggerFile(file, chunk, options);
    h.finish();
    const chunks = Math.ceil(size / chunk);
    expect(h.cc().length).toBe(chunks);
    const msgs = rcsMessages(h);
    expect(msgs.length).toBe(1);
    expect(msgs[0]!.msrpMessageId).toBe('file-1');
    expect(msgs[0]!.contentTruncated).toBeUndefined();
    expect(Buffer.from(msgs[0]!.content).equals(Buffer.from(file))).toBe(true);
    expect(h.anomalies.toJSON()).not.toHaveProperty(['correlate.uncorrelated_held_message_dropped']);
    expect(h.correlator.stats()).toMatchObject({ heldBytes: 0, triggerClaimedSessions: 1 });
  });

  it('a held message does not cost the budget again: the held bytes are its frames; unclaimed, they are discarded unreported', () => {
    const file = fileBytes(20_000);
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media', uncorrelatedIdleSec: 10 });
    const conn = h.conn(1, A_MSRP, B_MSRP);
    const frames = [0, 1].map((i) => send({ to: [B_URI], from: [A_URI], mid: 'file-1', range: `${i * 10_000 + 1}-${(i + 1) * 10_000}/20000`, ct: 'image/jpeg', body: file.subarray(i * 10_000, (i + 1) * 10_000), flag: i === 1 ? '$' : '+' }));
    for (const f of frames) conn.push(0, f);
    const frameBytes = frames.reduce((n, f) => n + f.length, 0);
    expect(h.correlator.stats().heldBytes).toBe(frameBytes);
    // No trigger, not a target's: discarded at the hold timeout, counted, no anomaly, no record.
    h.wait(30);
    h.finish();
    expect(h.records).toEqual([]);
    expect(h.correlator.stats()).toMatchObject({ heldBytes: 0, heldUnclaimedBytesDiscarded: frameBytes });
    expect(h.anomalies.toJSON()).not.toHaveProperty(['correlate.uncorrelated_held_message_dropped']);
  });

  it('a file whose frames do not all fit the budget: the dropped message is reported in the session audit, with the frames', () => {
    const file = fileBytes(100_000);
    const h = lateTriggerFile(file, 16_384);
    h.finish();
    // The held frames are emitted; the message (its content cut at the hold cap, its frames not
    // all held) could not be kept: reported, counted, in the session's audit entry.
    expect(h.cc().length).toBeGreaterThan(0);
    expect(h.cc().length).toBeLessThan(Math.ceil(100_000 / 16_384));
    expect(rcsMessages(h)).toEqual([]);
    expect(h.anomalies.toJSON()).toMatchObject({ 'correlate.uncorrelated_held_message_dropped': 1, 'correlate.uncorrelated_held_dropped': 1 });
    const { report } = h.correlator.auditWithDetails();
    expect(report.uncorrelated.length).toBe(1);
    expect(report.uncorrelated[0]!.anomalies).toMatchObject({ 'correlate.uncorrelated_held_message_dropped': 1 });
  });
});
