/**
 * One MSRP session seen through two SIP legs: a B2BUA that keeps the Call-ID (two dialogs,
 * RFC 3261 section 12) and passes a=path through unchanged, so both legs' SDP name the same MSRP
 * session-ids (RFC 4975 section 8.2). Each leg's tasks get every CC frame and every rCSMessage of
 * that MSRP session exactly once, whatever other tasks exist; a stranger reusing a session-id in
 * another call neither takes the frames away nor gets its own frames into a target's records.
 */
import { describe, expect, it } from 'vitest';
import { parseTasksFile } from '../../../src/correlate/tasks-file.js';
import { cpim, containsBytes, Harness, ok, send, tasksJson, TestCall, UE_A, UE_B, msrpSdp, uri, XID_A, XID_B, type Endpoint, type TaskSpec } from '../../helpers/correlate-helpers.js';

const ALICE = 'sip:alice@ims.example.com';
const ESRP = 'sip:esrp@b2bua.example.net';
const SVC = 'sip:service@psap.example.net';
const B2BUA_EP: Endpoint = { ip: '10.0.2.3', port: 5080 };

const TASK_CALLER: TaskSpec = { xid: XID_A, liid: 'LIID-CALLER', ids: [{ sipUri: ALICE }] };
const TASK_ESRP: TaskSpec = { xid: XID_B, liid: 'LIID-ESRP', ids: [{ sipUri: ESRP }] };

/** Alice's and the service's MSRP URIs: both legs' SDP carry them unchanged. */
const A_URI = uri('10.0.0.1', 40001, 'sidAlice');
const B_URI = uri('10.0.1.2', 2855, 'sidSvc');

/**
 * Leg 1 alice → B2BUA (tag a1), leg 2 ESRP → service (tag e7), one Call-ID; both offers name
 * alice's path, both answers the service's. `stranger` first sets up a non-target call (its
 * own Call-ID) whose offer reuses alice's session-id, and sends its own SEND over it.
 */
function sharedCall(h: Harness, o: { sends?: number; stranger?: 'before' | 'after'; endLeg?: 1 | 2; reload?: { after: number; tasks: TaskSpec[] } } = {}): void {
  const leg1 = new TestCall({ callId: 'shared-sid@x', from: ALICE, to: SVC, fromTag: 'a1' });
  const leg2 = new TestCall({ callId: 'shared-sid@x', from: ESRP, to: SVC, fromTag: 'e7' });
  const offer = msrpSdp({ ip: '10.0.0.1', port: 40001, path: [A_URI] });
  const answer = msrpSdp({ ip: '10.0.1.2', port: 2855, path: [B_URI] });
  const strangerCall = (): void => {
    const st = new TestCall({ callId: 'stranger@y', from: 'sip:mallory@else.example', to: 'sip:trent@else.example', fromTag: 's1' });
    const c = uri('10.0.3.3', 2855, 'sidStrangerPeer');
    h.sip(st.request(msrpSdp({ ip: '10.0.3.1', port: 40009, path: [A_URI] }), 'application/sdp', 'z9hG4bK-st'), { ip: '10.0.3.1', port: 5060 }, { ip: '10.0.3.3', port: 5060 });
    h.sip(st.response(200, { toTag: 's2', sdp: msrpSdp({ ip: '10.0.3.3', port: 2855, path: [c] }), branch: 'z9hG4bK-st' }), { ip: '10.0.3.3', port: 5060 }, { ip: '10.0.3.1', port: 5060 });
    const sc = h.conn(9, { ip: '10.0.3.1', port: 40009 }, { ip: '10.0.3.3', port: 2855 });
    sc.push(0, send({ to: [c], from: [A_URI], mid: 'stranger-m', body: cpim('sip:mallory@else.example', 'sip:trent@else.example', 'STRANGER-SECRET'), tid: 'st1' }));
    sc.push(1, ok('st1', A_URI, c));
  };
  if (o.stranger === 'before') strangerCall();
  h.sip(leg1.request(offer, 'application/sdp', 'z9hG4bK-leg1'), UE_A, B2BUA_EP);
  h.sip(leg2.request(offer, 'application/sdp', 'z9hG4bK-leg2'), B2BUA_EP, UE_B);
  h.sip(leg2.response(200, { toTag: 's9', sdp: answer, branch: 'z9hG4bK-leg2' }), UE_B, B2BUA_EP);
  h.sip(leg1.response(200, { toTag: 'b1', sdp: answer, branch: 'z9hG4bK-leg1' }), B2BUA_EP, UE_A);
  h.sip(leg1.inDialog('ACK', 1, 'b1'), UE_A, B2BUA_EP);
  h.sip(leg2.inDialog('ACK', 1, 's9'), B2BUA_EP, UE_B);
  if (o.stranger === 'after') strangerCall();
  const conn = h.conn(1, { ip: '10.0.0.1', port: 40001 }, { ip: '10.0.1.2', port: 2855 });
  const sends = o.sends ?? 2;
  for (let i = 1; i <= sends; i++) {
    if (o.reload !== undefined && i === o.reload.after + 1) h.correlator.updateTasks(parseTasksFile(tasksJson(o.reload.tasks), 'reload.json'));
    if (i === 2 && o.endLeg !== undefined) {
      // One leg hangs up (its BYE and 2xx) while the other goes on carrying the MSRP session.
      const leg = o.endLeg === 1 ? leg1 : leg2;
      const [ep1, ep2] = o.endLeg === 1 ? [UE_A, B2BUA_EP] : [B2BUA_EP, UE_B];
      h.sip(leg.inDialog('BYE', 2, o.endLeg === 1 ? 'b1' : 's9'), ep1, ep2);
      h.sip(leg.inDialogResponse(200, 'BYE', 2, o.endLeg === 1 ? 'b1' : 's9'), ep2, ep1);
      // Past the BYE's linger (RFC 3261 64*T1): the ended leg's dialog has left the tables.
      h.wait(40);
    }
    const dir: 0 | 1 = i % 2 === 1 ? 0 : 1;
    const [to, from] = dir === 0 ? [B_URI, A_URI] : [A_URI, B_URI];
    const [cf, ct] = dir === 0 ? [ALICE, SVC] : [SVC, ALICE];
    conn.push(dir, send({ to: [to], from: [from], mid: `m${i}`, body: cpim(cf, ct, `hello ${i}`, 'text/plain;charset=UTF-8', `imdn-${i}`), tid: `t${i}` }));
    conn.push(dir === 0 ? 1 : 0, ok(`t${i}`, from, to));
  }
  h.sip(leg1.inDialog('BYE', 3, 'b1'), UE_A, B2BUA_EP);
  h.sip(leg2.inDialog('BYE', 3, 's9'), B2BUA_EP, UE_B);
  h.finish();
}

/** CC bytes with their direction, and rCSMessage content with its direction, of task `xid`. */
function content(h: Harness, xid: string): { cc: string[]; messages: string[] } {
  const recs = h.records.filter((r) => r.task.xid === xid);
  return {
    cc: recs.flatMap((r) => (r.kind === 'cc' && r.event.kind === 'msrpRequest' ? [`${r.direction} ${Buffer.from(r.event.bytes).toString('latin1').split('\r\n', 1)[0]} ${Buffer.from(r.event.bytes).toString('hex')}`] : [])),
    messages: recs.flatMap((r) => (r.kind === 'iri' && r.event.kind === 'rCSMessage' ? [`${r.direction} ${r.event.msrpMessageId} ${Buffer.from(r.event.content).toString('latin1').split('\r\n').pop()}`] : [])),
  };
}

/** Every record of task `xid` as the task's output would carry it (correlation id, CIN, type, direction, bytes). */
function fingerprint(h: Harness, xid: string): string[] {
  return h.records.filter((r) => r.task.xid === xid).map((r) => JSON.stringify({ ...r, correlationId: Buffer.from(r.correlationId).toString('hex') }, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)));
}

describe('one MSRP session through two SIP legs (B2BUA keeping the Call-ID, a=path passed through)', () => {
  for (const [name, task, side] of [
    ['caller', TASK_CALLER, 'alice'],
    ['ESRP', TASK_ESRP, 'ESRP'],
  ] as const) {
    it(`the ${name} task alone gets every CC frame and every message of the MSRP session, directions relative to ${side}`, () => {
      const h = new Harness([task]);
      sharedCall(h);
      const c = content(h, task.xid!);
      expect(c.cc.map((x) => x.split(' ').slice(0, 4).join(' '))).toEqual(['fromTarget MSRP t1 SEND', 'toTarget MSRP t2 SEND']);
      expect(c.messages).toEqual(['fromTarget m1 hello 1', 'toTarget m2 hello 2']);
      // Every CC record of this task carries the task's own leg's correlation id.
      expect(new Set(h.records.filter((r) => r.task.xid === task.xid).map((r) => Buffer.from(r.correlationId).toString('hex'))).size).toBe(1);
    });
  }

  it('both tasks together: each gets 2 CC and 2 messages, exactly the records it gets alone', () => {
    const both = new Harness([TASK_CALLER, TASK_ESRP]);
    sharedCall(both);
    for (const task of [TASK_CALLER, TASK_ESRP]) {
      const alone = new Harness([task]);
      sharedCall(alone);
      expect(content(both, task.xid!).cc).toHaveLength(2);
      expect(content(both, task.xid!).messages).toHaveLength(2);
      expect(fingerprint(both, task.xid!)).toEqual(fingerprint(alone, task.xid!));
    }
    // The two legs are two sessions: their correlation ids differ.
    const cid = (xid: string): string => Buffer.from(both.records.find((r) => r.task.xid === xid)!.correlationId).toString('hex');
    expect(cid(XID_A)).not.toBe(cid(XID_B));
    // Sharing a session-id within one Call-ID (a B2BUA's legs) is not a conflict.
    expect(both.anomalies.count('correlate.msrp_session_id_conflict')).toBe(0);
  });

  for (const endLeg of [1, 2] as const) {
    it(`leg ${endLeg} ends first: the other leg's task still gets every later frame; each task as alone`, () => {
      const h = new Harness([TASK_CALLER, TASK_ESRP]);
      sharedCall(h, { endLeg });
      const [ended, going] = endLeg === 1 ? [TASK_CALLER, TASK_ESRP] : [TASK_ESRP, TASK_CALLER];
      expect(content(h, going.xid!).cc).toHaveLength(2);
      expect(content(h, going.xid!).messages).toHaveLength(2);
      // The ended leg got the first frame only (the second came after its dialog closed).
      expect(content(h, ended.xid!).cc).toHaveLength(1);
      for (const task of [ended, going]) {
        const alone = new Harness([task]);
        sharedCall(alone, { endLeg });
        expect(fingerprint(h, task.xid!)).toEqual(fingerprint(alone, task.xid!));
      }
    });
  }

  it("a task reload adds the ESRP's task mid-session: its leg gets every later frame, the caller's task still all", () => {
    const h = new Harness([TASK_CALLER]);
    sharedCall(h, { sends: 4, reload: { after: 2, tasks: [TASK_CALLER, TASK_ESRP] } });
    expect(content(h, XID_A).cc.map((x) => x.split(' ').slice(0, 4).join(' '))).toEqual(['fromTarget MSRP t1 SEND', 'toTarget MSRP t2 SEND', 'fromTarget MSRP t3 SEND', 'toTarget MSRP t4 SEND']);
    expect(content(h, XID_B).cc.map((x) => x.split(' ').slice(0, 4).join(' '))).toEqual(['fromTarget MSRP t3 SEND', 'toTarget MSRP t4 SEND']);
    expect(content(h, XID_B).messages).toEqual(['fromTarget m3 hello 3', 'toTarget m4 hello 4']);
    expect(h.iriSummary(XID_B)[0]).toBe('begin:startOfInterceptWithEstablisedRCSSession');
    expect(
      containsBytes(
        h.records.filter((r) => r.task.xid === XID_B),
        Buffer.from('hello 1'),
      ),
    ).toBe(false);
  });

  for (const when of ['before', 'after'] as const) {
    it(`a non-target call reusing the session-id (set up ${when} the legs): its frames reach nobody, the legs keep theirs`, () => {
      const h = new Harness([TASK_CALLER, TASK_ESRP]);
      sharedCall(h, { stranger: when });
      expect(containsBytes(h.records, Buffer.from('STRANGER-SECRET'))).toBe(false);
      for (const xid of [XID_A, XID_B]) {
        expect(content(h, xid).cc).toHaveLength(2);
        expect(content(h, xid).messages).toEqual(['fromTarget m1 hello 1', 'toTarget m2 hello 2']);
      }
      // A genuinely different session (another Call-ID) naming the session-id is a conflict.
      expect(h.anomalies.count('correlate.msrp_session_id_conflict')).toBeGreaterThan(0);
      // With no task naming any party, the shared MSRP session produces nothing at all.
      const none = new Harness([{ xid: XID_A, ids: [{ sipUri: 'sip:nobody@nowhere.example' }] }]);
      sharedCall(none, { stranger: when });
      expect(none.records).toEqual([]);
      // The stranger's own task gets its own frame, and none of the legs' frames.
      const mallory = new Harness([{ xid: XID_A, ids: [{ sipUri: 'sip:mallory@else.example' }] }]);
      sharedCall(mallory, { stranger: when });
      expect(content(mallory, XID_A).cc.map((x) => x.split(' ').slice(0, 4).join(' '))).toEqual(['fromTarget MSRP st1 SEND']);
      expect(containsBytes(mallory.records, Buffer.from('hello 1'))).toBe(false);
    });
  }
});

describe("a relay URI in the paths of several calls (RFC 4976: one Use-Path for all of a client's sessions)", () => {
  it("each call's frames go to that call, not to the newest call naming the relay", () => {
    const BOB1 = 'sip:bob1@ims.example.com';
    const h = new Harness([{ xid: XID_A, liid: 'LIID-BOB1', ids: [{ sipUri: BOB1 }] }]);
    const relay = uri('10.0.9.9', 2855, 'relay-use-path');
    const calls = [1, 2].map((n) => {
      const call = new TestCall({ callId: `relay-call-${n}@x`, from: ALICE, to: `sip:bob${n}@ims.example.com`, fromTag: `r${n}` });
      const a = uri('10.0.0.1', 40000 + n, `alice-${n}`);
      const b = uri('10.0.1.2', 2855, `bob-${n}`);
      h.sip(call.request(msrpSdp({ ip: '10.0.9.9', port: 2855, path: [relay, a] }), 'application/sdp', `z9hG4bK-r${n}`), UE_A, B2BUA_EP);
      h.sip(call.response(200, { toTag: `t${n}`, sdp: msrpSdp({ ip: '10.0.1.2', port: 2855, path: [b] }), branch: `z9hG4bK-r${n}` }), B2BUA_EP, UE_A);
      return { a, b };
    });
    // Alice's connection to her relay carries both chats; the call to bob1 was set up first.
    const conn = h.conn(1, { ip: '10.0.0.1', port: 40001 }, { ip: '10.0.9.9', port: 2855 });
    for (const [i, c] of calls.entries()) {
      conn.push(0, send({ to: [relay, c.b], from: [c.a], mid: `rm${i + 1}`, body: cpim(ALICE, `sip:bob${i + 1}@ims.example.com`, `to bob${i + 1}`), tid: `rt${i + 1}` }));
    }
    h.finish();
    expect(content(h, XID_A).messages).toEqual(['toTarget rm1 to bob1']);
    expect(content(h, XID_A).cc.map((x) => x.split(' ').slice(0, 4).join(' '))).toEqual(['toTarget MSRP rt1 SEND']);
  });
});
