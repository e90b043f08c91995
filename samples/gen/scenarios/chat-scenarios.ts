/**
 * Scenario samples 1-7: RCS 1-to-1 and group chat over SIP/UDP and SIP/TCP, a fragmented
 * INVITE, a multipart INVITE, targets found by P-Asserted-Identity or by tel URI, and RFC 4976
 * relays. Each function returns a {@link ScenarioResult}: capture, truth, tasks.
 */
import { cpimImdn, cpimText, DOMAIN, establish, hangUp, isComposing, PCSCF, say, SCENARIO_T0, SCSCF, tcpPath, udpPath, ue, type SipPath, type Ue } from './common.js';
import { ImsDialog, msrpSdp, msrpUri, type DialogOptions } from './ims-sip.js';
import { multipartBody } from '../lib/index.js';
import type { SessionRecord } from './truth.js';
import { MsrpLeg, MsrpRoute, Scenario, SipTcpLink, SipUdpLink, type ScenarioResult } from './wire.js';

/** Hour offset of scenario `n` (1-based) from {@link SCENARIO_T0}. */
export const startOf = (n: number): number => SCENARIO_T0 + (n - 1) * 3600;

/** A two-party chat's MSRP plumbing after the SDP exchange. */
export interface DirectChat {
  leg: MsrpLeg;
  /** Caller → callee and back. */
  fwd: MsrpRoute;
  back: MsrpRoute;
  callerSid: string;
  calleeSid: string;
}

export interface DirectChatOptions {
  dialog: ImsDialog;
  sip: SipPath;
  session: SessionRecord | null;
  caller: Ue;
  callee: Ue;
  /** The answerer takes a=setup:active and opens the connection (RFC 6135); default the offerer does. */
  calleeActive?: boolean;
  /** Extra SDP lines to make the offer large (fragmented INVITE). */
  offerPadding?: readonly string[];
  ringMs?: number;
}

/**
 * Offer/answer of one MSRP chat (RFC 4975 section 8), the call set-up, then the active party's
 * TCP connection from an ephemeral port to the passive party's advertised port.
 */
export function directChat(sc: Scenario, o: DirectChatOptions): DirectChat {
  const callerSid = sc.token(12);
  const calleeSid = sc.token(12);
  const callerUri = msrpUri(o.caller.ip, o.caller.msrpPort, callerSid);
  const calleeUri = msrpUri(o.callee.ip, o.callee.msrpPort, calleeSid);
  const active = o.calleeActive === true;
  const offer = msrpSdp({
    ip: o.caller.ip,
    port: o.caller.msrpPort,
    path: [callerUri],
    setup: active ? 'actpass' : 'active',
    sessionVersion: sc.prng.int(3_900_000_000, 3_999_999_999),
    ...(o.offerPadding !== undefined ? { padding: o.offerPadding } : {}),
  });
  const answer = msrpSdp({ ip: o.callee.ip, port: o.callee.msrpPort, path: [calleeUri], setup: active ? 'active' : 'passive', sessionVersion: sc.prng.int(3_900_000_000, 3_999_999_999) });
  establish(sc, { dialog: o.dialog, sip: o.sip, offer, answer, session: o.session, offerSid: callerSid, answerSid: calleeSid, ...(o.ringMs !== undefined ? { ringMs: o.ringMs } : {}) });
  const ephemeral = sc.prng.int(50_000, 60_999);
  const leg = active ? new MsrpLeg(sc, { ip: o.callee.ip, port: ephemeral }, { ip: o.caller.ip, port: o.caller.msrpPort }) : new MsrpLeg(sc, { ip: o.caller.ip, port: ephemeral }, { ip: o.callee.ip, port: o.callee.msrpPort });
  leg.open();
  if (o.session !== null) leg.attach(o.session);
  const fwd = new MsrpRoute([callerUri, calleeUri], [{ leg, dir: active ? 's2c' : 'c2s' }]);
  return { leg, fwd, back: fwd.reverse(), callerSid, calleeSid };
}

/** Dialog options common to the scenarios. */
export function dialogFor(sc: Scenario, caller: Ue, callee: Ue, transport: 'UDP' | 'TCP', extra: Partial<DialogOptions> = {}): ImsDialog {
  return new ImsDialog({
    prng: sc.prng,
    callId: `${sc.token(20)}@${caller.ip.includes(':') ? `[${caller.ip}]` : caller.ip}`,
    caller,
    callee,
    callerHop: extra.callerHop ?? PCSCF,
    calleeHop: extra.calleeHop ?? SCSCF,
    transport,
    conversationId: sc.token(24),
    contributionId: sc.token(24),
    ...extra,
  });
}

// ---------------------------------------------------------------------------------------------
// 1. chat-udp
// ---------------------------------------------------------------------------------------------

/**
 * chat-udp: RCS 1-to-1 chat. SIP over UDP (INVITE / 100 / 180 / 200 / ACK, BYE / 200), the
 * target is the caller (From). MSRP over TCP: isComposing (Failure-Report: no, so no 200 OK),
 * CPIM texts both ways, IMDN delivery notifications both ways, a Success-Report REPORT.
 */
export function chatUdp(): ScenarioResult {
  const sc = new Scenario('chat-udp', 'chatUdp', 'RCS 1-to-1 chat: SIP/UDP, MSRP/TCP with CPIM texts, IMDN, isComposing, REPORT; target is the caller', {
    startSec: startOf(1),
    seed: 0x5ce0_0001,
  });
  const alice = ue('alice', 'Alice', '10.20.0.11', 49152);
  const bob = ue('bob', 'Bob', '10.20.1.22', 2855);
  const task = sc.task('LIID-DE-0001', [{ sipUri: alice.impu }]);
  const sip = udpPath(new SipUdpLink(sc, PCSCF, SCSCF));
  const dialog = dialogFor(sc, alice, bob, 'UDP');
  const session = sc.book.session(dialog.callId, task, alice.impu);
  const chat = directChat(sc, { dialog, sip, session, caller: alice, callee: bob });
  const toBob = { session, direction: 'fromTarget' as const };
  const toAlice = { session, direction: 'toTarget' as const };

  // isComposing with Failure-Report: no gets no transaction response (RFC 4975 section 7.1.1).
  say(sc, chat.fwd, toBob, isComposing('active'), { thinkMs: 900, successReport: 'no', failureReport: 'no' });
  const hi = cpimText(sc, alice.impu, bob.impu, 'Hi Bob! Are we still on for lunch at 12:30? 🍜');
  say(sc, chat.fwd, toBob, hi, { successReport: 'yes', failureReport: 'yes', thinkMs: 2100 });
  say(sc, chat.back, toAlice, cpimImdn(sc, bob.impu, alice.impu, hi.imdnId!), { thinkMs: 300 });
  const reply = cpimText(sc, bob.impu, alice.impu, 'Yes, see you at the usual place.');
  say(sc, chat.back, toAlice, reply, { thinkMs: 6000 });
  say(sc, chat.fwd, toBob, cpimImdn(sc, alice.impu, bob.impu, reply.imdnId!), { thinkMs: 250 });
  say(sc, chat.fwd, toBob, cpimText(sc, alice.impu, bob.impu, 'Great, bringing the documents.'), { thinkMs: 4000 });
  chat.leg.close('c2s');
  hangUp(sc, { dialog, sip, session, fromCaller: true });
  return sc.result();
}

// ---------------------------------------------------------------------------------------------
// 2. chat-tcp-sip
// ---------------------------------------------------------------------------------------------

/**
 * chat-tcp-sip: SIP over TCP with compact header forms (i: f: t: v: l: c: m: k: a:) and folded
 * Contact / Accept-Contact headers; the INVITE split across two segments, 100 Trying and
 * 180 Ringing in one segment, BYE's 200 OK sharing a segment with a later OPTIONS. The target
 * is the callee and takes a=setup:active (it opens the MSRP connection).
 */
export function chatTcpSip(): ScenarioResult {
  const sc = new Scenario('chat-tcp-sip', 'chatTcpSip', 'SIP over TCP: compact headers, folding, several messages per segment, a message split across segments; target is the callee (setup:active)', {
    startSec: startOf(2),
    seed: 0x5ce0_0002,
  });
  const bob = ue('bob', 'Bob', '10.20.1.22', 2855);
  const alice = ue('alice', 'Alice', '10.20.0.11', 49160);
  const task = sc.task('LIID-DE-0002', [{ sipUri: alice.impu }]);
  const link = new SipTcpLink(sc, PCSCF, SCSCF);
  link.open();
  const dialog = dialogFor(sc, bob, alice, 'TCP', { compact: true });
  const session = sc.book.session(dialog.callId, task, alice.impu);

  // Hand-driven set-up to control the segmentation.
  const bobSid = sc.token(12);
  const aliceSid = sc.token(12);
  const bobUri = msrpUri(bob.ip, bob.msrpPort, bobSid);
  const aliceUri = msrpUri(alice.ip, alice.msrpPort, aliceSid);
  const offer = msrpSdp({ ip: bob.ip, port: bob.msrpPort, path: [bobUri], setup: 'actpass', sessionVersion: 3_912_345_678 });
  const answer = msrpSdp({ ip: alice.ip, port: alice.msrpPort, path: [aliceUri], setup: 'active', sessionVersion: 3_923_456_789 });
  const invite = dialog.inviteRequest(offer);
  const [tInvite] = link.send(true, [invite], { cuts: [Math.floor(invite.bytes.length * 0.6)], afterNs: 500_000 });
  session.started(tInvite!);
  session.sessionId(bobSid);
  const tx = dialog.invite!;
  const toTag = sc.token(10);
  link.send(false, [dialog.response(tx, 100, 'Trying'), dialog.response(tx, 180, 'Ringing', { toTag })], { afterNs: 40_000_000 });
  sc.wait(3_100_000_000);
  link.send(false, [dialog.response(tx, 200, 'OK', { toTag, body: answer })]);
  session.sessionId(aliceSid);
  link.send(true, [dialog.ack()], { afterNs: 15_000_000 });

  const leg = new MsrpLeg(sc, { ip: alice.ip, port: 54_321 }, { ip: bob.ip, port: bob.msrpPort });
  leg.open();
  leg.attach(session);
  const fwd = new MsrpRoute([bobUri, aliceUri], [{ leg, dir: 's2c' }]);
  const back = fwd.reverse();
  const toAlice = { session, direction: 'toTarget' as const };
  const fromAlice = { session, direction: 'fromTarget' as const };
  const q = cpimText(sc, bob.impu, alice.impu, 'Did you get the contract draft I sent this morning?');
  say(sc, fwd, toAlice, q, { thinkMs: 1200 });
  say(sc, back, fromAlice, cpimImdn(sc, alice.impu, bob.impu, q.imdnId!), { thinkMs: 200 });
  say(sc, back, fromAlice, isComposing('active'), { thinkMs: 2500 });
  say(sc, back, fromAlice, cpimText(sc, alice.impu, bob.impu, 'Got it. Signing it tonight, will call you tomorrow.'), { successReport: 'yes', thinkMs: 5000 });
  leg.close('c2s');

  // BYE from the caller; its 200 OK shares a segment with an unrelated OPTIONS keep-alive.
  sc.wait(900_000_000);
  const bye = dialog.request('BYE', true);
  link.send(true, [bye.msg]);
  const ok = dialog.response(bye.tx, 200, 'OK');
  const options = new ImsDialog({ prng: sc.prng, callId: `${sc.token(20)}@${SCSCF.ip}`, caller: bob, callee: alice, callerHop: SCSCF, calleeHop: PCSCF, transport: 'TCP', compact: true }).request('OPTIONS', true).msg;
  const [tOk] = link.send(false, [ok, options], { afterNs: 25_000_000 });
  session.ended(tOk!);
  link.ack(true);
  link.close();
  return sc.result();
}

// ---------------------------------------------------------------------------------------------
// 3. fragmented-invite
// ---------------------------------------------------------------------------------------------

/** IMS access headers that make an INVITE from a UE long (TS 24.229 section 7.2A). */
function longImsHeaders(sc: Scenario): [string, string][] {
  return [
    ['Route', `<sip:${SCSCF.ip}:5060;lr;orig>`],
    ['P-Access-Network-Info', '3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=2620112345678901a;network-provided'],
    ['P-Visited-Network-ID', '"Visited network number 1"'],
    ['P-Charging-Vector', `icid-value="${sc.token(32)}";icid-generated-at=${PCSCF.ip};orig-ioi=${DOMAIN}`],
    ['P-Charging-Function-Addresses', 'ccf=192.0.2.200;ecf=192.0.2.201'],
    ['P-Early-Media', 'supported'],
    ['Privacy', 'none'],
    ['Accept', 'application/sdp, application/3gpp-ims+xml, application/vnd.gsma.rcs-ft-http+xml'],
    ['Accept-Language', 'de-DE, en;q=0.8'],
    ['Recv-Info', ''],
    ['Security-Verify', `ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-cbc;prot=esp;mod=trans;spi-c=${sc.prng.u32()};spi-s=${sc.prng.u32()};port-c=65016;port-s=5064`],
    ['Require', 'sec-agree'],
    ['Proxy-Require', 'sec-agree'],
  ];
}

/**
 * fragmented-invite: the INVITE (about 2.4 KB: IMS access headers, an SDP with many attributes)
 * over UDP/IPv4 is fragmented at an MTU of 1500 into two fragments that arrive in reverse
 * order; the rest of the chat is ordinary.
 */
export function fragmentedInvite(): ScenarioResult {
  const sc = new Scenario('fragmented-invite', 'fragmentedInvite', 'INVITE over UDP larger than the MTU: IPv4 fragments arriving out of order', {
    startSec: startOf(3),
    seed: 0x5ce0_0003,
  });
  const alice = ue('alice', 'Alice', '10.20.0.11', 49170);
  const bob = ue('bob', 'Bob', '10.20.1.22', 2855);
  const task = sc.task('LIID-DE-0003', [{ sipUri: alice.impu }]);
  const udp = new SipUdpLink(sc, PCSCF, SCSCF);
  let first = true;
  const sip: SipPath = {
    send: (fromCaller, m, o) => {
      // Only the INVITE is fragmented: 1480 bytes of IP payload per fragment (MTU 1500), second fragment first.
      const frag = first && m.label === 'INVITE';
      first = false;
      return udp.send(fromCaller, m, { ...o, ...(frag ? { fragment: { size: 1480, order: [1, 0], id: 0x3a51 } } : {}) });
    },
  };
  const dialog = dialogFor(sc, alice, bob, 'UDP', { extraHeaders: longImsHeaders(sc) });
  const session = sc.book.session(dialog.callId, task, alice.impu);
  const padding = [
    'a=msrp-cema',
    'a=max-size:10485760',
    ...['en', 'de', 'fr'].map((l) => `a=lang:${l}`),
    'a=accept-wrapped-types-ext:application/vnd.gsma.rcs-ft-http+xml application/vnd.gsma.rcspushlocation+xml application/vnd.gsma.botmessage.v1.0+json application/vnd.gsma.botsuggestion.v1.0+json application/commontemplate+xml',
    'a=x-rcs-capabilities:+g.gsma.rcs.botversion="#=1,#=2";+g.3gpp.iari-ref="urn%3Aurn-7%3A3gpp-application.ims.iari.rcs.geopush,urn%3Aurn-7%3A3gpp-application.ims.iari.rcs.chatbot"',
  ];
  const chat = directChat(sc, { dialog, sip, session, caller: alice, callee: bob, offerPadding: padding });
  const fromAlice = { session, direction: 'fromTarget' as const };
  const toAlice = { session, direction: 'toTarget' as const };
  const m = cpimText(sc, alice.impu, bob.impu, 'The big invite made it through. Sending the address now.');
  say(sc, chat.fwd, fromAlice, m, { thinkMs: 1800 });
  say(sc, chat.back, toAlice, cpimImdn(sc, bob.impu, alice.impu, m.imdnId!), { thinkMs: 200 });
  say(sc, chat.fwd, fromAlice, cpimText(sc, alice.impu, bob.impu, 'Hauptstrasse 12, 3rd floor, ring twice.'), { thinkMs: 3000 });
  chat.leg.close('c2s');
  hangUp(sc, { dialog, sip, session, fromCaller: false });
  return sc.result();
}

// ---------------------------------------------------------------------------------------------
// 4. multipart-sdp
// ---------------------------------------------------------------------------------------------

/** An RFC 4826 resource list (RFC 5366 recipient list) naming the group chat's invitees. */
function resourceList(uris: readonly string[]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists" xmlns:cp="urn:ietf:params:xml:ns:copycontrol">',
    '<list>',
    ...uris.map((u) => `<entry uri="${u}" cp:copyControl="to"/>`),
    '</list>',
    '</resource-lists>',
  ].join('\r\n');
}

/**
 * multipart-sdp: an RCS group chat. The target's INVITE to the conference factory carries a
 * multipart/mixed body (SDP + resource-lists recipient list, RFC 5366) over SIP/TCP; the focus
 * answers with plain SDP. Messages from the target and from two participants (relayed by the
 * focus, CPIM From = participant) on one MSRP connection to the focus.
 */
export function multipartSdp(): ScenarioResult {
  const sc = new Scenario('multipart-sdp', 'multipartSdp', 'RCS group chat: INVITE with multipart/mixed (SDP + resource-lists) over SIP/TCP; messages to and from the focus', {
    startSec: startOf(4),
    seed: 0x5ce0_0004,
  });
  const alice = ue('alice', 'Alice', '10.20.0.11', 49180);
  const focus = ue('chat-f7a2c9', undefined, '10.30.0.20', 2855);
  const bob = `sip:bob@${DOMAIN}`;
  const carol = `sip:carol@${DOMAIN}`;
  const task = sc.task('LIID-DE-0004', [{ sipUri: alice.impu }]);
  const link = new SipTcpLink(sc, PCSCF, SCSCF);
  link.open();
  const sip = tcpPath(link);
  const factory = `sip:conference-factory@${DOMAIN}`;
  const dialog = dialogFor(sc, alice, { ...focus, impu: factory }, 'TCP', {
    requestUri: factory,
    extraHeaders: [
      ['Subject', 'Weekend trip'],
      ['Require', 'recipient-list-invite'],
    ],
  });
  const session = sc.book.session(dialog.callId, task, alice.impu);
  const aliceSid = sc.token(12);
  const focusSid = sc.token(12);
  const aliceUri = msrpUri(alice.ip, alice.msrpPort, aliceSid);
  const focusUri = msrpUri(focus.ip, focus.msrpPort, focusSid);
  const boundary = `boundary_${sc.token(12)}`;
  const sdp = msrpSdp({ ip: alice.ip, port: alice.msrpPort, path: [aliceUri], setup: 'active', sessionVersion: 3_934_567_890 });
  const body = multipartBody(boundary, [
    { headers: [['Content-Type', 'application/sdp']], body: sdp },
    {
      headers: [
        ['Content-Type', 'application/resource-lists+xml'],
        ['Content-Disposition', 'recipient-list'],
      ],
      body: resourceList([bob, carol]),
    },
  ]);
  const answer = msrpSdp({ ip: focus.ip, port: focus.msrpPort, path: [focusUri], setup: 'passive', sessionVersion: 3_945_678_901 });
  establish(sc, { dialog, sip, offer: body, offerType: `multipart/mixed;boundary=${boundary}`, answer, session, offerSid: aliceSid, answerSid: focusSid });
  const leg = new MsrpLeg(sc, { ip: alice.ip, port: 52_180 }, { ip: focus.ip, port: focus.msrpPort });
  leg.open();
  leg.attach(session);
  const fwd = new MsrpRoute([aliceUri, focusUri], [{ leg, dir: 'c2s' }]);
  const back = fwd.reverse();
  const conf = `sip:chat-f7a2c9@conf.${DOMAIN}`;
  const mine = { session, direction: 'fromTarget' as const };
  const theirs = { session, direction: 'toTarget' as const };
  say(sc, fwd, mine, cpimText(sc, alice.impu, conf, 'Hi both, shall we book the cabin for Saturday?'), { thinkMs: 1500 });
  say(sc, back, theirs, cpimText(sc, bob, conf, 'Count me in.'), { thinkMs: 7000 });
  say(sc, back, theirs, isComposing('active'), { thinkMs: 1500 });
  say(sc, back, theirs, cpimText(sc, carol, conf, 'Saturday works, I can drive.'), { thinkMs: 4000 });
  say(sc, fwd, mine, cpimText(sc, alice.impu, conf, 'Booked. Leaving at 8.'), { successReport: 'yes', thinkMs: 9000 });
  leg.close('c2s');
  hangUp(sc, { dialog, sip, session, fromCaller: true });
  link.close();
  return sc.result();
}

// ---------------------------------------------------------------------------------------------
// 5. pai-target
// ---------------------------------------------------------------------------------------------

/**
 * pai-target: the caller withholds its identity (From `sip:anonymous@anonymous.invalid`,
 * Privacy: id, RFC 3323); the target is named only by P-Asserted-Identity (RFC 3325) and the
 * task lists it as an IMPU. CPIM From/To are anonymous too.
 */
export function paiTarget(): ScenarioResult {
  const sc = new Scenario('pai-target', 'paiTarget', 'target identified only by P-Asserted-Identity (From anonymous, Privacy: id)', {
    startSec: startOf(5),
    seed: 0x5ce0_0005,
  });
  const alice = ue('+4915198765432', undefined, '10.20.0.15', 49190, { userPhone: true });
  const bob = ue('bob', 'Bob', '10.20.1.22', 2855);
  const task = sc.task('LIID-DE-0005', [{ impu: alice.impu }]);
  const sip = udpPath(new SipUdpLink(sc, PCSCF, SCSCF));
  const anon = 'sip:anonymous@anonymous.invalid';
  const dialog = dialogFor(sc, alice, bob, 'UDP', { fromUri: anon, fromDisplay: 'Anonymous', extraHeaders: [['Privacy', 'id']] });
  const session = sc.book.session(dialog.callId, task, alice.impu);
  const chat = directChat(sc, { dialog, sip, session, caller: alice, callee: bob });
  const fromT = { session, direction: 'fromTarget' as const };
  const toT = { session, direction: 'toTarget' as const };
  const m = cpimText(sc, anon, bob.impu, 'You know who this is. Same place, 9 pm.');
  say(sc, chat.fwd, fromT, m, { thinkMs: 1200 });
  say(sc, chat.back, toT, cpimImdn(sc, bob.impu, anon, m.imdnId!), { thinkMs: 250 });
  say(sc, chat.back, toT, cpimText(sc, bob.impu, anon, 'Understood.'), { thinkMs: 5000 });
  chat.leg.close('c2s');
  hangUp(sc, { dialog, sip, session, fromCaller: true });
  return sc.result();
}

// ---------------------------------------------------------------------------------------------
// 6. tel-target
// ---------------------------------------------------------------------------------------------

/**
 * tel-target: the task names `tel:+4915112345678`; the signalling shows the target only as
 * `sip:+4915112345678@ims.example.net;user=phone` (From and P-Asserted-Identity), calling a tel
 * Request-URI. The callee takes a=setup:active.
 */
export function telTarget(): ScenarioResult {
  const sc = new Scenario('tel-target', 'telTarget', 'task by tel URI; SIP shows sip:+49...;user=phone; answerer opens the MSRP connection', {
    startSec: startOf(6),
    seed: 0x5ce0_0006,
  });
  const alice = ue('+4915112345678', undefined, '10.20.0.16', 49200, { userPhone: true });
  const bob = ue('+4917699887766', undefined, '10.20.1.26', 2855, { userPhone: true });
  const task = sc.task('LIID-DE-0006', [{ telUri: 'tel:+4915112345678' }]);
  const sip = udpPath(new SipUdpLink(sc, PCSCF, SCSCF));
  const dialog = dialogFor(sc, alice, bob, 'UDP', { requestUri: 'tel:+4917699887766' });
  const session = sc.book.session(dialog.callId, task, 'tel:+4915112345678');
  const chat = directChat(sc, { dialog, sip, session, caller: alice, callee: bob, calleeActive: true });
  const fromT = { session, direction: 'fromTarget' as const };
  const toT = { session, direction: 'toTarget' as const };
  const m = cpimText(sc, alice.impu, 'tel:+4917699887766', 'Package arrives Thursday, track number follows.');
  say(sc, chat.fwd, fromT, m, { thinkMs: 1300, successReport: 'yes' });
  say(sc, chat.back, toT, cpimImdn(sc, bob.impu, alice.impu, m.imdnId!), { thinkMs: 300 });
  say(sc, chat.fwd, fromT, cpimText(sc, alice.impu, 'tel:+4917699887766', 'JJD000390007722'), { thinkMs: 2500 });
  say(sc, chat.back, toT, cpimText(sc, bob.impu, alice.impu, 'Thanks!'), { thinkMs: 4000 });
  chat.leg.close('s2c');
  hangUp(sc, { dialog, sip, session, fromCaller: false });
  return sc.result();
}

// ---------------------------------------------------------------------------------------------
// 7. relay-two-legs
// ---------------------------------------------------------------------------------------------

/**
 * relay-two-legs: RFC 4976 relays. Alice reaches Bob through her relay A and his relay B
 * (a=path with 2 URIs on each side). The capture sits at relay A and sees two legs: Alice ↔
 * relay A and relay A ↔ relay B. Alice first AUTHs at relay A (200 with Use-Path). Every SEND,
 * 200 and REPORT crosses both captured legs with the same Message-ID; a 2-chunk message too.
 */
export function relayTwoLegs(): ScenarioResult {
  const sc = new Scenario('relay-two-legs', 'relayTwoLegs', 'RFC 4976: endpoint-relay and relay-relay legs carry the same messages; a=path with 2 URIs', {
    startSec: startOf(7),
    seed: 0x5ce0_0007,
  });
  const alice = ue('alice', 'Alice', '10.20.0.11', 49210);
  const bob = ue('bob', 'Bob', '10.21.1.22', 2855);
  const relayA = { ip: '10.30.0.1', port: 2855 };
  const relayB = { ip: '10.40.0.1', port: 2855 };
  const task = sc.task('LIID-DE-0007', [{ sipUri: alice.impu }]);
  const sip = udpPath(new SipUdpLink(sc, PCSCF, SCSCF));

  // AUTH before the call (RFC 4976 section 5.1): the relay answers with the Use-Path to advertise.
  const legA = new MsrpLeg(sc, { ip: alice.ip, port: 53_210 }, relayA);
  legA.open();
  const relayASid = sc.token(12);
  const relayAUri = msrpUri(relayA.ip, relayA.port, relayASid);
  const aliceSid = sc.token(12);
  const aliceUri = msrpUri(alice.ip, alice.msrpPort, aliceSid);
  const authTid = sc.token(12);
  legA.write('c2s', Buffer.from(`MSRP ${authTid} AUTH\r\nTo-Path: msrp://${relayA.ip}:${relayA.port};tcp\r\nFrom-Path: ${aliceUri}\r\n-------${authTid}$\r\n`));
  legA.write('s2c', Buffer.from(`MSRP ${authTid} 200 OK\r\nTo-Path: ${aliceUri}\r\nFrom-Path: msrp://${relayA.ip}:${relayA.port};tcp\r\nUse-Path: ${relayAUri}\r\nExpires: 900\r\n-------${authTid}$\r\n`), { afterNs: 4_000_000 });

  const dialog = dialogFor(sc, alice, bob, 'UDP');
  const session = sc.book.session(dialog.callId, task, alice.impu);
  const bobSid = sc.token(12);
  const relayBUri = msrpUri(relayB.ip, relayB.port, sc.token(12));
  const bobUri = msrpUri(bob.ip, bob.msrpPort, bobSid);
  const offer = msrpSdp({ ip: alice.ip, port: alice.msrpPort, path: [relayAUri, aliceUri], setup: 'active', sessionVersion: 3_956_789_012 });
  const answer = msrpSdp({ ip: bob.ip, port: bob.msrpPort, path: [relayBUri, bobUri], setup: 'passive', sessionVersion: 3_967_890_123 });
  establish(sc, { dialog, sip, offer, answer, session, offerSid: aliceSid, answerSid: bobSid });
  legA.attach(session);
  const legAB = new MsrpLeg(sc, { ip: relayA.ip, port: 40_112 }, relayB);
  legAB.open();
  legAB.attach(session);
  // Alice → relay A → relay B → Bob; the last hop is not captured.
  const fwd = new MsrpRoute([aliceUri, relayAUri, relayBUri, bobUri], [{ leg: legA, dir: 'c2s' }, { leg: legAB, dir: 'c2s' }, null]);
  const back = fwd.reverse();
  const fromT = { session, direction: 'fromTarget' as const };
  const toT = { session, direction: 'toTarget' as const };
  const m1 = cpimText(sc, alice.impu, bob.impu, 'Testing the new relay path, do you read me?');
  say(sc, fwd, fromT, m1, { successReport: 'yes', thinkMs: 1000 });
  say(sc, back, toT, cpimImdn(sc, bob.impu, alice.impu, m1.imdnId!), { thinkMs: 300 });
  const longText = `Loud and clear. Here is the full itinerary: ${'Day plan with stops, times and notes. '.repeat(40)}End.`;
  sc.wait(5_000_000_000);
  const itinerary = cpimText(sc, bob.impu, alice.impu, longText);
  say(sc, back, toT, itinerary, { chunkSizes: [1024, itinerary.body.length - 1024], thinkMs: 0 });
  say(sc, fwd, fromT, cpimText(sc, alice.impu, bob.impu, 'Perfect, thanks.'), { thinkMs: 6000 });
  legAB.close('c2s');
  legA.close('c2s');
  hangUp(sc, { dialog, sip, session, fromCaller: true });
  return sc.result();
}
