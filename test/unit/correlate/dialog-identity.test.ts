/**
 * Dialog identity (RFC 3261 section 12) through the correlator: B2BUA legs that keep the Call-ID
 * are separate dialogs, in-dialog requests in either direction find their leg, forked early
 * dialogs stay one, and one task's records never depend on which other tasks exist.
 */
import { describe, expect, it } from 'vitest';
import { sipMessage } from '../../../samples/gen/lib/sip-message.js';
import { Harness, msrpSdp, PCSCF, TestCall, UE_A, UE_B, uri, XID_A, XID_B, type Endpoint, type TaskSpec } from '../../helpers/correlate-helpers.js';

const ALICE = 'sip:alice@ims.example.com';
const B2BUA = 'sip:esrp@b2bua.example.net';
const SVC = 'sip:service@psap.example.net';
const B2BUA_EP: Endpoint = { ip: '10.0.2.3', port: 5080 };

type Iri = ReturnType<Harness['iri']>[number];

function label(r: Iri): string {
  if (r.event.kind !== 'iMSMessage') return `${r.event.kind} ${r.direction}`;
  const line = Buffer.from(r.event.sip.raw).toString('latin1').split('\r\n', 1)[0]!;
  return `${line.startsWith('SIP/2.0 ') ? line.split(' ')[1] : line.split(' ')[0]} ${r.direction}`;
}

/** `first-line direction` of task `xid`'s IRI records. */
function summary(h: Harness, xid: string): string[] {
  return h
    .iri()
    .filter((r) => r.task.xid === xid)
    .map(label);
}

/** Everything a record carries that a task alone must reproduce (bytes, ids, types, directions). */
function fingerprint(h: Harness, xid: string): unknown[] {
  return h.records
    .filter((r) => r.task.xid === xid)
    .map((r) => ({
      kind: r.kind,
      correlationId: Buffer.from(r.correlationId).toString('hex'),
      cin: r.communicationIdentityNumber,
      direction: r.direction,
      iriType: r.kind === 'iri' ? r.iriType : null,
      sip: r.kind === 'iri' && r.event.kind === 'iMSMessage' ? Buffer.from(r.event.sip.raw).toString('latin1') : r.kind === 'iri' ? r.event.kind : null,
      frame: r.network.frameNo,
    }));
}

const TASK_CALLER: TaskSpec = { xid: XID_A, liid: 'LIID-CALLER', ids: [{ sipUri: ALICE }] };
const TASK_B2BUA: TaskSpec = { xid: XID_B, liid: 'LIID-B2BUA', ids: [{ sipUri: B2BUA }] };

/**
 * One call through a B2BUA that keeps the Call-ID: leg 1 alice → B2BUA (tags a1 / b1),
 * leg 2 B2BUA → service (tags 7 / a1: the callee of leg 2 happens to pick the caller tag of leg 1).
 * The service re-INVITEs and hangs up on leg 2; the B2BUA hangs up on leg 1.
 */
function b2buaCall(h: Harness): void {
  const leg1 = new TestCall({ callId: 'same-cid@x', from: ALICE, to: SVC, fromTag: 'a1' });
  const leg2 = new TestCall({ callId: 'same-cid@x', from: B2BUA, to: SVC, fromTag: '7' });
  h.sip(leg1.request('v=0\r\n', 'application/sdp', 'z9hG4bK-leg1'), UE_A, B2BUA_EP);
  h.sip(leg2.request('v=0\r\n', 'application/sdp', 'z9hG4bK-leg2'), B2BUA_EP, UE_B);
  h.sip(leg2.response(180, { toTag: 'a1', branch: 'z9hG4bK-leg2' }), UE_B, B2BUA_EP);
  h.sip(leg2.response(200, { toTag: 'a1', branch: 'z9hG4bK-leg2' }), UE_B, B2BUA_EP);
  h.sip(leg1.response(200, { toTag: 'b1', branch: 'z9hG4bK-leg1' }), B2BUA_EP, UE_A);
  h.sip(leg1.inDialog('ACK', 1, 'b1'), UE_A, B2BUA_EP);
  h.sip(leg2.inDialog('ACK', 1, 'a1'), B2BUA_EP, UE_B);
  // The service's re-INVITE and BYE: From tag a1 (= leg 1's caller tag), To tag 7.
  h.sip(leg2.inDialog('INVITE', 1, 'a1', { fromCaller: false }), UE_B, B2BUA_EP);
  h.sip(leg2.inDialogResponse(200, 'INVITE', 1, 'a1', { fromCaller: false }), B2BUA_EP, UE_B);
  h.sip(leg2.inDialog('BYE', 2, 'a1', { fromCaller: false }), UE_B, B2BUA_EP);
  h.sip(leg2.inDialogResponse(200, 'BYE', 2, 'a1', { fromCaller: false }), B2BUA_EP, UE_B);
  h.sip(leg1.inDialog('BYE', 2, 'b1', { fromCaller: false }), B2BUA_EP, UE_A);
  h.sip(leg1.inDialogResponse(200, 'BYE', 2, 'b1', { fromCaller: false }), UE_A, B2BUA_EP);
  h.finish();
}

describe('dialog identity: B2BUA legs with one Call-ID', () => {
  it('two legs with one Call-ID and different tags are two dialogs; requests of either party find their leg', () => {
    const h = new Harness([TASK_CALLER, TASK_B2BUA]);
    b2buaCall(h);
    expect(summary(h, XID_A)).toEqual(['INVITE fromTarget', '200 toTarget', 'ACK fromTarget', 'BYE toTarget', '200 fromTarget']);
    expect(summary(h, XID_B)).toEqual([
      'INVITE fromTarget',
      '180 toTarget',
      '200 toTarget',
      'ACK fromTarget',
      // The callee's requests (From tag a1, To tag 7) belong to leg 2, not to leg 1 keyed by a1.
      'INVITE toTarget',
      '200 fromTarget',
      'BYE toTarget',
      '200 fromTarget',
    ]);
    // Each leg is its own session: own correlation id per task, own end.
    expect(
      h
        .iri()
        .filter((r) => r.task.xid === XID_B)
        .every((r) => r.network.srcAddr[2] === 2 || r.network.dstAddr[2] === 2),
    ).toBe(true);
  });

  it('each task gets the same records provisioned alone as together (correlation ids, CIN, types, directions)', () => {
    const both = new Harness([TASK_CALLER, TASK_B2BUA]);
    b2buaCall(both);
    for (const t of [TASK_CALLER, TASK_B2BUA]) {
      const alone = new Harness([t]);
      b2buaCall(alone);
      expect(fingerprint(alone, t.xid!).length).toBeGreaterThan(0);
      expect(fingerprint(both, t.xid!)).toEqual(fingerprint(alone, t.xid!));
    }
  });

  it("CINs are counted per LIID: another task's earlier sessions do not shift them", () => {
    const h = new Harness([TASK_B2BUA, TASK_CALLER]);
    for (const [cid, from] of [
      ['c1@x', B2BUA],
      ['c2@x', B2BUA],
      ['c3@x', ALICE],
    ] as const) {
      const call = new TestCall({ callId: cid, from, to: SVC });
      h.sip(call.request(), UE_A, PCSCF);
    }
    expect(h.iri().map((r) => [r.task.liid, r.communicationIdentityNumber])).toEqual([
      ['LIID-B2BUA', 1],
      ['LIID-B2BUA', 2],
      ['LIID-CALLER', 1],
    ]);
  });

  it("a request whose tags name no tracked dialog is not taken for the Call-ID's tracked one", () => {
    const h = new Harness([TASK_CALLER]);
    const leg1 = new TestCall({ callId: 'cid-u@x', from: ALICE, to: SVC, fromTag: 'a1' });
    h.sip(leg1.request(), UE_A, PCSCF);
    h.sip(leg1.response(200, { toTag: 'b1' }), PCSCF, UE_A);
    // Another leg's BYE with the same Call-ID: From tag z9, To tag y9, neither known.
    const stranger = new TestCall({ callId: 'cid-u@x', from: SVC, to: 'sip:someone@else.example', fromTag: 'z9' });
    h.sip(stranger.inDialog('BYE', 5, 'y9'), B2BUA_EP, UE_B);
    // The caller's BYE towards a To tag never seen (a fork whose 2xx the tap missed, or a forged
    // one): it must not take the tracked dialog's place (that orphaned the target's session: no
    // release, a second `begin` under its correlation id); reported instead, the dialog goes on.
    h.sip(leg1.inDialog('BYE', 2, 'other-fork'), UE_A, PCSCF);
    expect(summary(h, XID_A)).toEqual(['INVITE fromTarget', '200 toTarget']);
    expect(h.anomalies.count('correlate.sip_in_dialog_unknown_tag')).toBe(1);
  });

  it('forked early dialogs stay one dialog; the callee of the confirmed fork releases it; a later leg with the same Call-ID is apart', () => {
    const h = new Harness([TASK_CALLER, TASK_B2BUA]);
    const call = new TestCall({ callId: 'fork-b2b@x', from: ALICE, to: SVC, fromTag: 'a1' });
    const a = uri('10.0.0.1', 40001, 'sidA');
    const f1 = uri('10.0.1.2', 2855, 'fork1');
    const f2 = uri('10.0.1.3', 2855, 'fork2');
    h.sip(call.request(msrpSdp({ ip: '10.0.0.1', port: 40001, path: [a] })), UE_A, PCSCF);
    h.sip(call.response(183, { toTag: 'f1', sdp: msrpSdp({ ip: '10.0.1.2', port: 2855, path: [f1] }) }), PCSCF, UE_A);
    h.sip(call.response(183, { toTag: 'f2', sdp: msrpSdp({ ip: '10.0.1.3', port: 2855, path: [f2] }) }), PCSCF, UE_A);
    // The B2BUA's own leg with the Call-ID and a From tag equal to fork 1's To tag.
    const leg2 = new TestCall({ callId: 'fork-b2b@x', from: B2BUA, to: SVC, fromTag: 'f1' });
    h.sip(leg2.request(), B2BUA_EP, UE_B);
    h.sip(call.response(200, { toTag: 'f2' }), PCSCF, UE_A);
    h.sip(call.response(200, { toTag: 'f1' }), PCSCF, UE_A); // late 2xx of the other fork
    h.sip(call.inDialog('ACK', 1, 'f2'), UE_A, PCSCF);
    h.sip(call.inDialog('BYE', 2, 'f2', { fromCaller: false }), PCSCF, UE_A);
    h.sip(call.inDialogResponse(200, 'BYE', 2, 'f2', { fromCaller: false }), UE_A, PCSCF);
    h.finish();
    expect(summary(h, XID_A)).toEqual([
      'INVITE fromTarget',
      '183 toTarget',
      '183 toTarget',
      '200 toTarget',
      'rCSSessionEstablishment fromTarget',
      '200 toTarget',
      'ACK fromTarget',
      'BYE toTarget',
      '200 fromTarget',
      'iMSCCUnavailable notApplicable',
      'rCSSessionRelease toTarget',
    ]);
    expect(h.anomalies.count('correlate.sip_multiple_2xx')).toBe(1);
    expect(summary(h, XID_B)).toEqual(['INVITE fromTarget']);
  });

  it('a tag followed by junk (a B2BUA folding a duplicated From into its responses) is the same tag', () => {
    const h = new Harness([TASK_B2BUA]);
    const head = (start: string, from: string, to: string, cseq: string): Uint8Array =>
      sipMessage(start, [
        ['Via', 'SIP/2.0/TCP 10.0.2.3:5080;branch=z9hG4bK-4718-1-1'],
        ['From', from],
        ['To', to],
        ['Call-ID', 'junk-tag@x'],
        ['CSeq', cseq],
      ]);
    h.sip(head(`INVITE ${SVC} SIP/2.0`, `"ESRP" <${B2BUA}>;tag=4718ESRP`, `<${SVC}>`, '1 INVITE'), B2BUA_EP, UE_B);
    h.sip(head('SIP/2.0 200 OK', `"ESRP" <${B2BUA}>;tag=4718ESRP, 192.168.56.3-LEG2`, `<${SVC}>;tag=svc1`, '1 INVITE'), UE_B, B2BUA_EP);
    h.sip(head('SIP/2.0 200 OK', `"ESRP" <${B2BUA}>;tag=4718ESRP, 192.168.56.3-LEG2`, `<${SVC}>;tag=svc1`, '2 BYE'), UE_B, B2BUA_EP);
    expect(summary(h, XID_B)).toEqual(['INVITE fromTarget', '200 toTarget', '200 toTarget']);
  });
});

describe('dialog identity: pager mode', () => {
  it("each MESSAGE takes its direction from its own From/To; one naming the target nowhere is not the target's", () => {
    const h = new Harness([TASK_CALLER, { xid: XID_B, liid: 'LIID-SVC', ids: [{ sipUri: SVC }] }]);
    const pager = new TestCall({ callId: 'pg@x', from: ALICE, to: SVC, fromTag: 'p1', method: 'MESSAGE' });
    // A relay that keeps Call-ID and From tag but writes its own From URI (the same dialog id).
    const relayed = new TestCall({ callId: 'pg@x', from: B2BUA, to: SVC, fromTag: 'p1', method: 'MESSAGE' });
    h.sip(pager.request('hello', 'text/plain', 'z9hG4bK-pg-1'), UE_A, B2BUA_EP);
    h.sip(relayed.request('hello (relayed)', 'text/plain', 'z9hG4bK-pg-2'), B2BUA_EP, UE_B);
    h.sip(relayed.response(200, { method: 'MESSAGE', branch: 'z9hG4bK-pg-2' }), UE_B, B2BUA_EP);
    h.sip(pager.response(200, { method: 'MESSAGE', branch: 'z9hG4bK-pg-1' }), B2BUA_EP, UE_A);
    h.finish();
    expect(summary(h, XID_A)).toEqual(['MESSAGE fromTarget', 'rCSMessage fromTarget', '200 toTarget']);
    expect(summary(h, XID_B)).toEqual(['MESSAGE toTarget', 'rCSMessage toTarget', 'MESSAGE toTarget', '200 fromTarget', '200 fromTarget']);
  });
});

describe('dialog identity: one dialog id, another identity on another hop', () => {
  /**
   * A B2BUA (or privacy service) that keeps Call-ID and From tag, so the dialog id, but writes its
   * own From: the creating request seen on the second hop names another party.
   */
  function relayedCall(h: Harness, o: { msrp: boolean; method?: 'INVITE' | 'MESSAGE' }): void {
    const method = o.method ?? 'INVITE';
    const hop1 = new TestCall({ callId: 'kept-tag@x', from: ALICE, to: SVC, fromTag: 'k1', method });
    const hop2 = new TestCall({ callId: 'kept-tag@x', from: B2BUA, to: SVC, fromTag: 'k1', method });
    const offer = (ip: string): string => (o.msrp ? msrpSdp({ ip, port: 40001, path: [uri(ip, 40001, 'sid-k')] }) : 'v=0\r\n');
    const body = (text: string): [string, string] => (method === 'MESSAGE' ? [text, 'text/plain'] : [offer(text), 'application/sdp']);
    h.sip(hop1.request(...body(method === 'MESSAGE' ? 'first hop' : '10.0.0.1'), 'z9hG4bK-h1'), UE_A, B2BUA_EP);
    h.sip(hop2.request(...body(method === 'MESSAGE' ? 'second hop' : '10.0.2.3'), 'z9hG4bK-h2'), B2BUA_EP, UE_B);
    const final = method === 'MESSAGE' ? { method } : { toTag: 'svc' };
    h.sip(hop2.response(200, { ...final, branch: 'z9hG4bK-h2' }), UE_B, B2BUA_EP);
    h.sip(hop1.response(200, { ...final, branch: 'z9hG4bK-h1' }), B2BUA_EP, UE_A);
    if (method === 'INVITE') {
      h.sip(hop1.inDialog('BYE', 2, 'svc'), UE_A, B2BUA_EP);
      h.sip(hop2.inDialog('BYE', 2, 'svc'), B2BUA_EP, UE_B);
    }
    h.finish();
  }

  for (const msrp of [false, true]) {
    it(`the creating INVITE on the second hop starts interception for the task it names${msrp ? ' (MSRP offer: the dialog is tracked even without a target)' : ''}; alone == together`, () => {
      const both = new Harness([TASK_CALLER, TASK_B2BUA]);
      relayedCall(both, { msrp });
      expect(summary(both, XID_B)).toEqual(['INVITE fromTarget', '200 toTarget', '200 toTarget', 'BYE fromTarget', 'BYE fromTarget']);
      expect(both.iri().find((r) => r.task.xid === XID_B)!.network.srcAddr).toEqual(new Uint8Array([10, 0, 2, 3]));
      const alone = new Harness([TASK_B2BUA]);
      relayedCall(alone, { msrp });
      expect(fingerprint(both, XID_B)).toEqual(fingerprint(alone, XID_B));
    });
  }

  it('a pager MESSAGE re-sent with the same dialog id and another From: the task it names gets that message, alone == together', () => {
    const both = new Harness([TASK_CALLER, TASK_B2BUA]);
    relayedCall(both, { msrp: false, method: 'MESSAGE' });
    expect(summary(both, XID_A)).toEqual(['MESSAGE fromTarget', 'rCSMessage fromTarget', '200 toTarget']);
    expect(summary(both, XID_B)).toEqual(['MESSAGE fromTarget', 'rCSMessage fromTarget', '200 toTarget']);
    const content = (h: Harness, xid: string): string[] =>
      h.iri().flatMap((r) => (r.task.xid === xid && r.event.kind === 'rCSMessage' ? [`${Buffer.from(r.event.content).toString()} ${r.event.originating.map((i) => i.value).join(',')}`] : []));
    expect(content(both, XID_A)).toEqual([`first hop ${ALICE}`]);
    expect(content(both, XID_B)).toEqual([`second hop ${B2BUA}`]);
    const alone = new Harness([TASK_B2BUA]);
    relayedCall(alone, { msrp: false, method: 'MESSAGE' });
    expect(fingerprint(both, XID_B)).toEqual(fingerprint(alone, XID_B));
    expect(content(alone, XID_B)).toEqual(content(both, XID_B));
  });
});
