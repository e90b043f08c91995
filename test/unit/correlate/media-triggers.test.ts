/**
 * Issue 15, correlator side: the LI_T3 triggers a tap publishes for the MSRP media of the target
 * sessions whose SIP it sees (CC-TF), and a second tap that sees only the MSRP applying them
 * (triggered CC-POI). Two correlators driven in lockstep (same capture clock and frame numbers)
 * stand for the two taps; a third seeing everything is the single-tap reference.
 */
import { describe, expect, it } from 'vitest';
import type { CorrelatorOptions } from '../../../src/correlate/correlator.js';
import type { CaptureInstant, MediaTrigger, MediaTriggerSink } from '../../../src/correlate/media-trigger.js';
import type { LiRecord } from '../../../src/records/li-record.js';
import { cpim, type Endpoint, Harness, msrpSdp, ok, PCSCF, report, send, T0, TestCall, type TaskSpec, UE_A, uri, XID_A, XID_B } from '../../helpers/correlate-helpers.js';
import { aTrigger } from '../../helpers/trigger-fixture.js';

const ALICE = 'sip:alice@ims.example.com';
const BOB = 'sip:bob@ims.example.com';
const A_MSRP = { ip: '10.0.0.1', port: 40001 };
const B_MSRP = { ip: '10.0.1.2', port: 2855 };
const A_URI = uri(A_MSRP.ip, A_MSRP.port, 'sidA');
const B_URI = uri(B_MSRP.ip, B_MSRP.port, 'sidB');
const ALICE_TASK: TaskSpec[] = [{ ids: [{ sipUri: ALICE }] }];

/** What a trigger sink received, in order. */
type SinkEvent = { op: 'activate' | 'modify'; t: MediaTrigger } | { op: 'deactivate'; xId: string; end: CaptureInstant };

class CollectingSink implements MediaTriggerSink {
  readonly events: SinkEvent[] = [];
  constructor(private readonly forward?: (e: SinkEvent) => void) {}
  activate(t: MediaTrigger): void {
    this.push({ op: 'activate', t });
  }
  modify(t: MediaTrigger): void {
    this.push({ op: 'modify', t });
  }
  deactivate(xId: string, end: CaptureInstant): void {
    this.push({ op: 'deactivate', xId, end });
  }
  private push(e: SinkEvent): void {
    this.events.push(e);
    this.forward?.(e);
  }
  /** Each trigger as a bus would keep it at the end: the last content, the window closed by the deactivation. */
  final(): MediaTrigger[] {
    const byXid = new Map<string, MediaTrigger>();
    for (const e of this.events) {
      if (e.op === 'deactivate') byXid.set(e.xId, { ...byXid.get(e.xId)!, windowEnd: e.end });
      else byXid.set(e.t.xId, { ...e.t, windowEnd: byXid.get(e.t.xId)?.windowEnd ?? null });
    }
    return [...byXid.values()];
  }
}

/** Applies a sink event to a correlator as the bus side would. */
function deliver(h: Harness, e: SinkEvent): void {
  if (e.op === 'deactivate') h.correlator.withdrawTrigger(e.xId, e.end);
  else h.correlator.applyTrigger(e.t);
}

/**
 * Three taps in lockstep: `single` sees everything; `sipTap` only the SIP (it publishes to
 * `sink`); `mediaTap` only the MSRP. `online`: triggers reach the media tap as published.
 */
class Split {
  readonly single: Harness;
  readonly sipTap: Harness;
  readonly mediaTap: Harness;
  readonly sink: CollectingSink;
  constructor(tasks: TaskSpec[], o: { online?: boolean; media?: Partial<CorrelatorOptions> } = {}) {
    this.single = new Harness(tasks);
    this.sink = new CollectingSink(o.online === true ? (e) => deliver(this.mediaTap, e) : undefined);
    this.sipTap = new Harness(tasks, { triggerSink: this.sink, tapId: 'tap-sip' });
    this.mediaTap = new Harness(tasks, { tapId: 'tap-media', ...o.media });
  }
  sip(bytes: Uint8Array, src: Endpoint, dst: Endpoint): void {
    this.single.sip(bytes, src, dst);
    this.sipTap.sip(bytes, src, dst);
    this.mediaTap.advance();
    this.mediaTap.nextFrame();
  }
  conn(id: number, client: Endpoint, server: Endpoint): { push: (dir: 0 | 1, b: Uint8Array) => void } {
    const a = this.single.conn(id, client, server);
    const b = this.mediaTap.conn(id, client, server);
    return {
      push: (dir, bytes) => {
        a.push(dir, bytes);
        b.push(dir, bytes);
        this.sipTap.advance();
        this.sipTap.nextFrame();
      },
    };
  }
  /** Time passes on every tap (timeouts run). */
  wait(sec: number): void {
    this.single.wait(sec);
    this.sipTap.wait(sec);
    this.mediaTap.wait(sec);
  }
  finish(): void {
    this.single.finish();
    this.sipTap.finish();
    this.mediaTap.finish();
  }
}

function setUp(t: Split | Harness, call: TestCall, sip = (b: Uint8Array, s: Endpoint, d: Endpoint) => t.sip(b, s, d)): void {
  sip(call.request(msrpSdp({ ...A_MSRP, path: [A_URI] })), UE_A, PCSCF);
  sip(call.response(180, { toTag: 'tt' }), PCSCF, UE_A);
  sip(call.response(200, { toTag: 'tt', sdp: msrpSdp({ ...B_MSRP, path: [B_URI] }) }), PCSCF, UE_A);
  sip(call.inDialog('ACK', 1, 'tt'), UE_A, PCSCF);
}

function tearDown(t: Split | Harness, call: TestCall): void {
  t.sip(call.inDialog('BYE', 2, 'tt'), UE_A, PCSCF);
  t.sip(call.inDialogResponse(200, 'BYE', 2, 'tt'), PCSCF, UE_A);
}

/**
 * Two messages each way and a REPORT on one connection, built once (the helpers number
 * transactions globally). `cpim`: CPIM bodies naming the parties (a tap without SIP identifies
 * such a session by itself, ./msrp-messages.ts); `plain`: text bodies naming nobody.
 */
function exchangeFrames(kind: 'cpim' | 'plain'): [0 | 1, Uint8Array][] {
  const m1 = kind === 'cpim' ? cpim(ALICE, BOB, 'Hello Bob', 'text/plain;charset=UTF-8', 'imdn-1') : 'Hello Bob';
  const m2 = kind === 'cpim' ? cpim(BOB, ALICE, 'Hi Alice', 'text/plain', 'imdn-2') : 'Hi Alice';
  const ct = kind === 'cpim' ? 'message/cpim' : 'text/plain';
  const len1 = typeof m1 === 'string' ? m1.length : m1.length;
  return [
    [0, send({ to: [B_URI], from: [A_URI], mid: 'm1', body: m1, ct, tid: 't1', extra: [['Success-Report', 'yes']] })],
    [1, ok('t1', A_URI, B_URI)],
    [1, report({ to: [A_URI], from: [B_URI], mid: 'm1', range: `1-${len1}/${len1}` })],
    [1, send({ to: [A_URI], from: [B_URI], mid: 'm2', body: m2, ct, tid: 't2' })],
    [0, ok('t2', B_URI, A_URI)],
  ];
}
const CPIM_FRAMES = exchangeFrames('cpim');
const PLAIN_FRAMES = exchangeFrames('plain');

function exchange(conn: { push: (dir: 0 | 1, b: Uint8Array) => void }, frames = CPIM_FRAMES): void {
  for (const [dir, b] of frames) conn.push(dir, b);
}

/** The X3 view of CC records: what the MDF compares (XID, correlation id, direction, payload, SDP, capture time). */
function x3(records: readonly LiRecord[]): string[] {
  return records
    .filter((r) => r.kind === 'cc')
    .map((r) => {
      const e = r.event as { bytes: Uint8Array; sdp?: Uint8Array };
      return [
        r.task.xid,
        Buffer.from(r.correlationId).toString('hex'),
        r.direction,
        r.network.tsSec,
        r.network.tsNsec,
        r.network.frameNo,
        Buffer.from(e.bytes).toString('latin1'),
        e.sdp === undefined ? '-' : Buffer.from(e.sdp).toString('latin1'),
      ].join('|');
    });
}

describe('media triggers: publishing (CC-TF)', () => {
  it('one trigger per (target session, CC task) at the answer, the fields the CC-POI needs, deactivated at the dialog close', () => {
    const sink = new CollectingSink();
    const h = new Harness([{ ids: [{ sipUri: ALICE }] }, { ids: [{ sipUri: BOB }], deliveryType: 'X2Only' }], { triggerSink: sink, tapId: 'tap-1' });
    const call = new TestCall({ callId: 'pub-1@x', from: ALICE, to: BOB, pai: ALICE });
    setUp(h, call);
    expect(sink.events.map((e) => e.op)).toEqual(['activate']);
    const t = (sink.events[0] as { t: MediaTrigger }).t;
    // The X2Only task (BOB) wants no CC: no trigger. The correlation id is the one the SIP tap's X2 records carry.
    const iriCid = new Set(
      h
        .iri()
        .filter((r) => r.task.xid === XID_A)
        .map((r) => Buffer.from(r.correlationId).toString('hex')),
    );
    expect(iriCid).toEqual(new Set([t.correlationId]));
    expect(t).toMatchObject({ originTap: 'tap-1', productId: XID_A, sessionIds: ['sidA', 'sidB'], targetSessionIds: ['sidA'], windowEnd: null });
    expect(t.xId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(t.endpoints).toEqual([
      { addr: '10.0.0.1', port: 40001 },
      { addr: '10.0.1.2', port: 2855 },
    ]);
    expect(t.sdpOffer).toContain(`a=path:${A_URI}`);
    expect(t.sdpAnswer).toContain(`a=path:${B_URI}`);
    // The window starts at the 200 OK carrying the answer (the third SIP message, 3 ms after T0).
    expect(t.windowStart).toEqual({ sec: T0, nsec: 3_000_000 });
    tearDown(h, call);
    h.wait(60);
    expect(sink.events.map((e) => e.op)).toEqual(['activate', 'deactivate']);
    const d = sink.events[1] as { xId: string; end: CaptureInstant };
    expect(d.xId).toBe(t.xId);
    expect(d.end.sec).toBeGreaterThan(T0);

    // Deterministic: a rerun publishes the same xId.
    const sink2 = new CollectingSink();
    const h2 = new Harness([{ ids: [{ sipUri: ALICE }] }, { ids: [{ sipUri: BOB }], deliveryType: 'X2Only' }], { triggerSink: sink2, tapId: 'tap-1' });
    setUp(h2, new TestCall({ callId: 'pub-1@x', from: ALICE, to: BOB, pai: ALICE }));
    expect((sink2.events[0] as { t: MediaTrigger }).t.xId).toBe(t.xId);
  });

  it('never for a non-target session; two CC tasks give two triggers with their own ids', () => {
    const sink = new CollectingSink();
    const h = new Harness([{ ids: [{ sipUri: 'sip:carol@ims.example.com' }] }], { triggerSink: sink });
    setUp(h, new TestCall({ callId: 'nt@x', from: ALICE, to: BOB, pai: ALICE }));
    expect(sink.events).toEqual([]);

    const sink2 = new CollectingSink();
    const h2 = new Harness([{ ids: [{ sipUri: ALICE }] }, { ids: [{ sipUri: BOB }], deliveryType: 'X3Only' }], { triggerSink: sink2 });
    setUp(h2, new TestCall({ callId: 'two@x', from: ALICE, to: BOB, pai: ALICE }));
    const ts = sink2.events.map((e) => (e as { t: MediaTrigger }).t);
    expect(ts.map((t) => [t.productId, t.targetSessionIds])).toEqual([
      [XID_A, ['sidA']],
      [XID_B, ['sidB']],
    ]);
    expect(new Set(ts.map((t) => t.xId)).size).toBe(2);
    expect(new Set(ts.map((t) => t.correlationId)).size).toBe(2);
  });

  it('a re-INVITE whose answer changes the path modifies the trigger (same xId)', () => {
    const sink = new CollectingSink();
    const h = new Harness(ALICE_TASK, { triggerSink: sink });
    const call = new TestCall({ callId: 'reinv@x', from: ALICE, to: BOB, pai: ALICE });
    setUp(h, call);
    const B2 = uri(B_MSRP.ip, 2856, 'sidB2');
    h.sip(call.inDialog('INVITE', 3, 'tt', { sdp: msrpSdp({ ...A_MSRP, path: [A_URI] }) }), UE_A, PCSCF);
    // The offer alone changes nothing: the path changes with the answer.
    expect(sink.events.map((e) => e.op)).toEqual(['activate']);
    h.sip(call.inDialogResponse(200, 'INVITE', 3, 'tt', { sdp: msrpSdp({ ...B_MSRP, port: 2856, path: [B2] }) }), PCSCF, UE_A);
    expect(sink.events.map((e) => e.op)).toEqual(['activate', 'modify']);
    const [a, m] = sink.events.map((e) => (e as { t: MediaTrigger }).t);
    expect(m!.xId).toBe(a!.xId);
    // The old ids stay: the SIP tap still binds their frames to the session.
    expect(m!.sessionIds).toEqual(['sidA', 'sidB', 'sidB2']);
    expect(m!.targetSessionIds).toEqual(['sidA']);
    expect(m!.windowStart).toEqual(a!.windowStart);
  });
});

describe('media triggers: applying (triggered CC-POI)', () => {
  it('online: the media tap emits the same X3 (XID, correlation id, direction, bytes, SDP) as a single tap; audit marks the trigger', () => {
    const sp = new Split(ALICE_TASK, { online: true });
    const call = new TestCall({ callId: 'split-1@x', from: ALICE, to: BOB, pai: ALICE });
    setUp(sp, call);
    exchange(sp.conn(1, A_MSRP, B_MSRP));
    tearDown(sp, call);
    sp.wait(60);
    sp.finish();
    const want = x3(sp.single.records);
    expect(want).toHaveLength(3);
    expect(x3(sp.mediaTap.records)).toEqual(want);
    // The SIP tap saw no MSRP: no CC there; no SIP-derived IRI on the media tap.
    expect(x3(sp.sipTap.records)).toEqual([]);
    expect(sp.mediaTap.iri().map((r) => `${r.iriType}:${r.event.kind}`)).toEqual(['continue:rCSMessage', 'continue:rCSMessage']);
    const trig = sp.sink.final()[0]!;
    const unc = sp.mediaTap.correlator.auditReport().uncorrelated;
    expect(unc).toHaveLength(1);
    expect(unc[0]).toMatchObject({ xid: XID_A, trigger: { originTap: 'tap-sip', xId: trig.xId } });
    expect(sp.single.correlator.auditReport().sessions[0]!.trigger).toBeUndefined();
    expect(sp.mediaTap.correlator.stats()).toMatchObject({ triggersApplied: 1, triggersWithdrawn: 1, triggerClaimedSessions: 1, triggerClaimedHeldSessions: 0 });
    expect(sp.sipTap.correlator.stats()).toMatchObject({ triggersPublished: 1, triggersDeactivated: 1 });
  });

  it('offline: the SIP half first, then the MSRP half with the triggers applied beforehand gives the same X3', () => {
    const sp = new Split(ALICE_TASK);
    const call = new TestCall({ callId: 'split-2@x', from: ALICE, to: BOB, pai: ALICE });
    setUp(sp, call);
    const conn = sp.conn(1, A_MSRP, B_MSRP);
    exchange(conn);
    tearDown(sp, call);
    sp.wait(60);
    sp.finish();
    // Rerun the media tap alone, triggers first.
    const media = new Split(ALICE_TASK);
    for (const t of sp.sink.final()) media.mediaTap.correlator.applyTrigger(t);
    setUp(media, call);
    exchange(media.conn(1, A_MSRP, B_MSRP));
    media.finish();
    expect(sp.sink.final()[0]!.windowEnd).not.toBeNull();
    expect(x3(media.mediaTap.records)).toEqual(x3(sp.single.records));
  });

  it('race: frames before the trigger are held, then claimed in order when it arrives; latency measured', () => {
    let now = 1000;
    const sp = new Split(ALICE_TASK, { media: { wallClockMs: () => now } });
    const call = new TestCall({ callId: 'race@x', from: ALICE, to: BOB, pai: ALICE });
    setUp(sp, call);
    exchange(sp.conn(1, A_MSRP, B_MSRP), PLAIN_FRAMES);
    // Nothing before identification.
    expect(sp.mediaTap.records).toEqual([]);
    expect(sp.mediaTap.correlator.stats().heldBytes).toBeGreaterThan(0);
    now += 250;
    for (const t of sp.sink.final()) sp.mediaTap.correlator.applyTrigger(t);
    expect(x3(sp.mediaTap.records)).toEqual(x3(sp.single.records));
    const st = sp.mediaTap.correlator.stats();
    expect(st).toMatchObject({ heldBytes: 0, triggerClaimedSessions: 1, triggerClaimedHeldSessions: 1 });
    expect(st.triggerLatencyWallMs).toEqual({ count: 1, p50: 250, p90: 250, p99: 250, max: 250 });
    // First frame held at the 5th event (1 ms apart), trigger applied at the 9th's capture time.
    expect(st.triggerLatencyCaptureMs!.count).toBe(1);
    expect(st.triggerLatencyCaptureMs!.max).toBeCloseTo(4, 3);
  });

  it('race with CPIM: with a bus, a session whose CPIM names the target waits; the late trigger claims it with its correlation id', () => {
    const sp = new Split(ALICE_TASK);
    const call = new TestCall({ callId: 'race-cpim@x', from: ALICE, to: BOB, pai: ALICE });
    setUp(sp, call);
    exchange(sp.conn(1, A_MSRP, B_MSRP), CPIM_FRAMES);
    // Before: the CPIM match identified it at once, with this tap's own correlation id (preempted).
    expect(sp.mediaTap.records).toEqual([]);
    expect(sp.mediaTap.correlator.stats()).toMatchObject({ cpimDeferred: 1 });
    const triggers = sp.sink.final();
    for (const t of triggers) sp.mediaTap.correlator.applyTrigger(t);
    expect(sp.mediaTap.records.length).toBeGreaterThan(0);
    expect(new Set(sp.mediaTap.records.map((r) => Buffer.from(r.correlationId).toString('hex')))).toEqual(new Set(triggers.map((t) => t.correlationId.toLowerCase())));
    expect(sp.mediaTap.correlator.stats()).toMatchObject({ triggerClaimsPreempted: 0, triggerClaimedSessions: 1, cpimDeferredClaimed: 1, cpimDeferredIdentified: 0 });
  });

  it('race with CPIM: no trigger comes before the session ends: the CPIM rule applies (never lose a target)', () => {
    const sp = new Split(ALICE_TASK, { media: { uncorrelatedIdleSec: 10 } });
    const call = new TestCall({ callId: 'race-cpim2@x', from: ALICE, to: BOB, pai: ALICE });
    setUp(sp, call);
    exchange(sp.conn(1, A_MSRP, B_MSRP), CPIM_FRAMES);
    expect(sp.mediaTap.records).toEqual([]);
    sp.mediaTap.wait(30);
    expect(sp.mediaTap.records.filter((r) => r.kind === 'cc').length).toBeGreaterThan(0);
    expect(sp.mediaTap.correlator.stats()).toMatchObject({ cpimDeferred: 1, cpimDeferredIdentified: 1, heldBytes: 0 });
  });

  it('held bytes no trigger claims are discarded at expiry and counted', () => {
    const h = new Harness(ALICE_TASK, { uncorrelatedIdleSec: 10 });
    exchange(h.conn(1, A_MSRP, B_MSRP), PLAIN_FRAMES);
    const held = h.correlator.stats().heldBytes;
    expect(held).toBeGreaterThan(0);
    h.wait(30);
    expect(h.correlator.stats()).toMatchObject({ heldBytes: 0, heldUnclaimedBytesDiscarded: held });
    expect(h.records).toEqual([]);
  });
});

describe('media triggers: never over-collect, no duplicates (adversarial)', () => {
  it("a stranger's frame naming a triggered session id only as a hop, on the same relay connection, is not claimed", () => {
    const h = new Harness(ALICE_TASK, { tapId: 'tap-media' });
    h.correlator.applyTrigger(aTrigger());
    const RELAY = { ip: '10.0.9.9', port: 2855 };
    const conn = h.conn(1, A_MSRP, RELAY);
    const strangerBody = cpim('sip:eve@x', 'sip:mallory@x', 'STRANGER-SECRET');
    // To-Path names sidA at a relay position; its endpoints are sidX and sidY.
    conn.push(0, send({ to: [uri(RELAY.ip, RELAY.port, 'sidA'), uri('10.0.7.7', 2855, 'sidX')], from: [uri('10.0.8.8', 2855, 'sidY')], mid: 'x1', body: strangerBody, tid: 'x1' }));
    const targetBody = cpim(ALICE, BOB, 'for bob');
    conn.push(0, send({ to: [uri(RELAY.ip, RELAY.port, 'r1'), B_URI], from: [A_URI], mid: 'm1', body: targetBody, tid: 't1' }));
    h.finish();
    const cc = h.cc();
    expect(cc).toHaveLength(1);
    expect(Buffer.from(cc[0]!.event.bytes).toString('latin1')).toContain('for bob');
    expect(Buffer.from(cc[0]!.correlationId).toString('hex')).toBe('0102030405060708');
    expect(cc[0]!.direction).toBe('fromTarget');
    expect(JSON.stringify(h.records.map((r) => Buffer.from((r.event as { bytes?: Uint8Array }).bytes ?? []).toString('latin1')))).not.toContain('STRANGER');
    expect(
      h.iri().every(
        (r) =>
          !Buffer.from((r.event as { content?: Uint8Array }).content ?? [])
            .toString('latin1')
            .includes('STRANGER'),
      ),
    ).toBe(true);
  });

  it('frames just outside the window are not claimed: before its start, after its withdrawal', () => {
    // Exact window edges: no clock skew tolerance (its default is tested in trigger-window-skew.test.ts).
    const h = new Harness(ALICE_TASK, { triggerClockSkewSec: 0 });
    const conn = h.conn(1, A_MSRP, B_MSRP);
    // Frame 1 at T0+1 ms: before the window (it starts at T0+1.5 ms); held, never emitted.
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'early', body: 'EARLY', ct: 'text/plain', tid: 'e1' }));
    h.correlator.applyTrigger(aTrigger({ windowStart: { sec: T0, nsec: 1_500_000 } }));
    expect(h.cc()).toEqual([]);
    conn.push(0, send({ to: [B_URI], from: [A_URI], mid: 'in', body: 'INSIDE', ct: 'text/plain', tid: 'i1' }));
    // Withdrawn at T0+2.5 ms: the next frame (T0+3 ms) is just after the end.
    h.correlator.withdrawTrigger(aTrigger().xId, { sec: T0, nsec: 2_500_000 });
    conn.push(1, send({ to: [A_URI], from: [B_URI], mid: 'late', body: 'LATE', ct: 'text/plain', tid: 'l1' }));
    h.finish();
    const texts = h.cc().map((r) => Buffer.from(r.event.bytes).toString('latin1'));
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('INSIDE');
    const iriTexts = h.iri().map((r) => Buffer.from((r.event as { content?: Uint8Array }).content ?? []).toString('latin1'));
    expect(iriTexts.join()).not.toMatch(/EARLY|LATE/);
  });

  it('a trigger whose productId is no local task is refused, counted, never recorded; malformed ones too', () => {
    const h = new Harness(ALICE_TASK);
    h.correlator.applyTrigger(aTrigger({ productId: '99999999-9999-4999-8999-999999999999' }));
    h.correlator.applyTrigger(aTrigger({ correlationId: 'not-hex' }));
    h.correlator.applyTrigger(aTrigger({ sessionIds: [] }));
    exchange(h.conn(1, A_MSRP, B_MSRP), PLAIN_FRAMES);
    h.finish();
    expect(h.records).toEqual([]);
    expect(h.correlator.stats()).toMatchObject({ triggersRefused: 3, triggersApplied: 0, triggersActive: 0 });
    expect(h.anomalies.count('correlate.trigger_refused')).toBe(3);
  });

  it('a tap ignores its own triggers and those of a session it correlated itself from SIP: no duplicate records', () => {
    const sink = new CollectingSink();
    const h = new Harness(ALICE_TASK, { triggerSink: sink, tapId: 'tap-1' });
    const call = new TestCall({ callId: 'self@x', from: ALICE, to: BOB, pai: ALICE });
    setUp(h, call);
    const own = (sink.events[0] as { t: MediaTrigger }).t;
    h.correlator.applyTrigger(own);
    // The same session's trigger from another tap that also saw the SIP: bound locally, same task.
    h.correlator.applyTrigger({ ...own, xId: '0a0a0a0a-0000-8000-8000-000000000002', originTap: 'tap-2' });
    exchange(h.conn(1, A_MSRP, B_MSRP));
    tearDown(h, call);
    h.finish();
    expect(h.correlator.stats()).toMatchObject({ triggersIgnoredOwn: 1, triggersIgnoredDuplicate: 1, triggersApplied: 0 });
    expect(h.cc()).toHaveLength(3);
    expect(new Set(h.records.map((r) => Buffer.from(r.correlationId).toString('hex')))).toEqual(new Set([own.correlationId]));
  });

  it('the trigger table is capped (oldest evicted, reported) and an open trigger expires', () => {
    const h = new Harness(ALICE_TASK, { maxTriggers: 2, triggerMaxOpenSec: 100 });
    for (let i = 1; i <= 3; i++) h.correlator.applyTrigger(aTrigger({ xId: `0a0a0a0a-0000-8000-8000-00000000000${i}`, sessionIds: [`s${i}a`, `s${i}b`] }));
    expect(h.correlator.stats()).toMatchObject({ triggersActive: 2, triggersEvicted: 1 });
    expect(h.anomalies.count('correlate.trigger_evicted')).toBe(1);
    h.wait(150);
    expect(h.correlator.stats()).toMatchObject({ triggersActive: 0, triggersExpired: 2 });
    expect(h.anomalies.count('correlate.trigger_expired')).toBe(2);
  });
});

describe('media triggers: modification', () => {
  it('online, a modified trigger (re-INVITE) gives the later CC the new answer and claims the new session ids', () => {
    const sp = new Split(ALICE_TASK, { online: true });
    const call = new TestCall({ callId: 'reinv-online@x', from: ALICE, to: BOB, pai: ALICE });
    setUp(sp, call);
    const conn = sp.conn(1, A_MSRP, B_MSRP);
    exchange(conn, PLAIN_FRAMES);
    const B2 = uri(B_MSRP.ip, B_MSRP.port, 'sidB2');
    sp.sip(call.inDialog('INVITE', 3, 'tt', { sdp: msrpSdp({ ...A_MSRP, path: [A_URI] }) }), UE_A, PCSCF);
    sp.sip(call.inDialogResponse(200, 'INVITE', 3, 'tt', { sdp: msrpSdp({ ...B_MSRP, path: [B2] }) }), PCSCF, UE_A);
    sp.sip(call.inDialog('ACK', 3, 'tt'), UE_A, PCSCF);
    conn.push(0, send({ to: [B2], from: [A_URI], mid: 'm3', body: 'after the re-INVITE', ct: 'text/plain', tid: 't3' }));
    tearDown(sp, call);
    sp.wait(60);
    sp.finish();
    expect(sp.sink.events.map((e) => e.op)).toEqual(['activate', 'modify', 'deactivate']);
    const want = x3(sp.single.records);
    expect(want).toHaveLength(4);
    expect(want[3]).toContain('sidB2');
    expect(x3(sp.mediaTap.records)).toEqual(want);
  });
});
