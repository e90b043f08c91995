/**
 * Scenario samples 8-14: MSRP chunking (interleaving, `*` totals, abort, a chunk lost in a TCP
 * gap), RFC 5547 file transfer, MSRP without captured SIP, target and non-target traffic
 * through one relay port, a call over IPv6, dialog variations (re-INVITE, UPDATE, CANCEL, 486,
 * forking), and pager-mode MESSAGE.
 */
import type { Prng } from '../lib/index.js';
import { directChat, dialogFor, startOf } from './chat-scenarios.js';
import { cpimImdn, cpimText, DOMAIN, establish, hangUp, isComposing, outgoing, PCSCF, say, SCSCF, udpPath, ue, type Content, type SipPath, type Ue } from './common.js';
import { fileSelectorHash, ICSI_FT, ICSI_PAGER, ImsDialog, msrpSdp, msrpUri } from './ims-sip.js';
import { MessageRecord, sha1Hex, type InterceptTask, type SessionRecord } from './truth.js';
import { MsrpLeg, MsrpRoute, MsrpSender, Scenario, SipUdpLink, type ScenarioResult } from './wire.js';

/** Deterministic filler prose of about `n` bytes (message bodies large enough to chunk). */
function prose(label: string, n: number): string {
  const words = ['the', 'report', 'figures', 'for', 'quarter', 'three', 'look', 'better', 'than', 'expected', 'and', 'we', 'should', 'discuss', 'next', 'steps', 'tomorrow'];
  let s = `${label}: `;
  for (let i = 0; s.length < n; i++) s += `${words[(i * 7 + label.length) % words.length]}${i % 11 === 10 ? '. ' : ' '}`;
  return s.slice(0, n - 1) + '.';
}

// ---------------------------------------------------------------------------------------------
// 8. chunked
// ---------------------------------------------------------------------------------------------

/**
 * chunked: on one MSRP connection, three messages from the target interleave their chunks
 * (RFC 4975 section 5.1): one plain 3-chunk message with a REPORT, one whose chunks carry the
 * `*` total (`1-1000/*`) until the last, one aborted by a `#` end-line after 2 of 3 chunks.
 * Then a 3-chunk message to the target whose middle chunk's TCP segment the capture lost
 * (never retransmitted; the receiver's ACK and 200 OK show it arrived).
 */
export function chunked(): ScenarioResult {
  const sc = new Scenario('chunked', 'chunked', 'MSRP chunking: interleaved chunks of 3 messages, * totals, aborted (#) message, chunk lost in a TCP gap', {
    startSec: startOf(8),
    seed: 0x5ce0_0008,
  });
  const alice = ue('alice', 'Alice', '10.20.0.11', 49220);
  const bob = ue('bob', 'Bob', '10.20.1.22', 2855);
  const task = sc.task('LIID-DE-0008', [{ sipUri: alice.impu }]);
  const sip = udpPath(new SipUdpLink(sc, PCSCF, SCSCF));
  const dialog = dialogFor(sc, alice, bob, 'UDP');
  const session = sc.book.session(dialog.callId, task, alice.impu);
  const chat = directChat(sc, { dialog, sip, session, caller: alice, callee: bob });
  const fromT = { session, direction: 'fromTarget' as const };
  const toT = { session, direction: 'toTarget' as const };

  const sizes = (c: Content): number[] => [1000, 1000, c.body.length - 2000];
  const c1 = cpimText(sc, alice.impu, bob.impu, prose('Plain', 2300));
  const c2 = cpimText(sc, alice.impu, bob.impu, prose('Star totals', 2600));
  const c3 = cpimText(sc, alice.impu, bob.impu, prose('Aborted', 2900));
  const m1 = new MsrpSender(sc, chat.fwd, outgoing(sc, fromT, c1, { chunkSizes: sizes(c1), successReport: 'yes' }));
  const m2 = new MsrpSender(sc, chat.fwd, outgoing(sc, fromT, c2, { chunkSizes: sizes(c2), starTotals: true }));
  const m3 = new MsrpSender(sc, chat.fwd, outgoing(sc, fromT, c3, { chunkSizes: sizes(c3), abortAt: 1 }));
  sc.wait(2_000_000_000);
  for (const [m, i] of [
    [m1, 0],
    [m2, 0],
    [m3, 0],
    [m1, 1],
    [m2, 1],
    [m3, 1],
    [m1, 2],
    [m2, 2],
  ] as const)
    m.sendChunk(i, { afterNs: 1_200_000 });
  m1.report();

  const c4 = cpimText(sc, bob.impu, alice.impu, prose('Gap', 2700));
  const m4 = new MsrpSender(sc, chat.back, outgoing(sc, toT, c4, { chunkSizes: sizes(c4) }));
  sc.wait(4_000_000_000);
  // Bob pipelines the chunks; Alice's 200 OKs (and so her ACKs) follow the last one, so
  // nothing acknowledges the lost segment before later data shows the hole.
  m4.sendChunk(0);
  m4.sendChunk(1, { dropOnHop: 0, deferResponse: true, afterNs: 150_000 });
  m4.sendChunk(2, { deferResponse: true, afterNs: 150_000 });
  m4.flushResponses();
  // The tap sees one hole in the stream and one message closed with a byte range missing.
  sc.book.anomaly('tcp.gap');
  sc.book.anomaly('msrp.message_incomplete');
  say(sc, chat.fwd, fromT, cpimText(sc, alice.impu, bob.impu, 'Part of your last message did not arrive here.'), { thinkMs: 3000 });
  chat.leg.close('c2s');
  hangUp(sc, { dialog, sip, session, fromCaller: true });
  return sc.result();
}

// ---------------------------------------------------------------------------------------------
// 9. file-transfer
// ---------------------------------------------------------------------------------------------

/**
 * Binary bytes without NUL: tshark shows an MSRP body as one string field (`msrp.data`) and flags
 * any NUL followed by more bytes as "Trailing stray characters" (a warning); the samples must
 * read without warnings, so the files' bytes are drawn from 0x01-0xff.
 */
function nulFreeBytes(prng: Prng, n: number): Uint8Array {
  const out = prng.bytes(n);
  for (let i = 0; i < n; i++) if (out[i] === 0) out[i] = prng.int(1, 255);
  return out;
}

/** JPEG-looking bytes: SOI, a COM segment (ITU T.81 B.2.4.5), entropy-like data, EOI; no NUL. */
function jpegBytes(prng: Prng, n: number): Uint8Array {
  const out = nulFreeBytes(prng, n);
  const comment = Buffer.from('Created with Example Camera 4.2, 2026:11:28 10:15:02', 'latin1');
  out.set([0xff, 0xd8, 0xff, 0xfe, 0x01, 0x01], 0); // COM length 0x0101: 255 bytes of comment follow
  out.set(comment, 6);
  out.set([0xff, 0xd9], n - 2);
  return out;
}

/** PDF-looking bytes of length `n` (header, binary-marker comment, object, random stream bytes, trailer); no NUL. */
function pdfBytes(prng: Prng, n: number): Uint8Array {
  const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n', 'latin1');
  const tail = Buffer.from('\n%%EOF\n', 'latin1');
  const out = nulFreeBytes(prng, n);
  out.set(head, 0);
  out.set(tail, n - tail.length);
  return out;
}

/**
 * One RFC 5547 push: an INVITE whose SDP offers a file (a=sendonly, a=file-selector with name,
 * type, size and sha-1, a=file-transfer-id), the answer accepting it (a=recvonly), the file in
 * MSRP chunks with a Success-Report, BYE. `advertised` is the sha-1 the selector claims.
 */
function pushFile(sc: Scenario, sip: SipPath, task: InterceptTask, sender: Ue, receiver: Ue, file: { name: string; type: string; bytes: Uint8Array; advertisedSha1: string; chunk: number }): void {
  const dialog = dialogFor(sc, sender, receiver, 'UDP', { icsi: ICSI_FT });
  const session = sc.book.session(dialog.callId, task, sender.impu);
  const sSid = sc.token(12);
  const rSid = sc.token(12);
  const sUri = msrpUri(sender.ip, sender.msrpPort, sSid);
  const rUri = msrpUri(receiver.ip, receiver.msrpPort, rSid);
  const selector = `a=file-selector:name:"${file.name}" type:${file.type} size:${file.bytes.length} hash:sha-1:${fileSelectorHash(file.advertisedSha1)}`;
  const ftId = `a=file-transfer-id:${sc.token(32)}`;
  const common = { acceptTypes: file.type, acceptWrappedTypes: null, extra: [selector, ftId, 'a=file-disposition:attachment'] } as const;
  const offer = msrpSdp({ ip: sender.ip, port: sender.msrpPort, path: [sUri], setup: 'active', sessionVersion: sc.prng.int(3_900_000_000, 3_999_999_999), direction: 'sendonly', ...common });
  const answer = msrpSdp({ ip: receiver.ip, port: receiver.msrpPort, path: [rUri], setup: 'passive', sessionVersion: sc.prng.int(3_900_000_000, 3_999_999_999), direction: 'recvonly', ...common });
  establish(sc, { dialog, sip, offer, answer, session, offerSid: sSid, answerSid: rSid, ringMs: 1500 });
  const leg = new MsrpLeg(sc, { ip: sender.ip, port: sc.prng.int(50_000, 60_999) }, { ip: receiver.ip, port: receiver.msrpPort });
  leg.open();
  leg.attach(session);
  const route = new MsrpRoute([sUri, rUri], [{ leg, dir: 'c2s' }]);
  const sizes: number[] = [];
  for (let left = file.bytes.length; left > 0; left -= file.chunk) sizes.push(Math.min(file.chunk, left));
  const om = outgoing(sc, { session, direction: 'fromTarget' }, { contentType: file.type, body: file.bytes }, { chunkSizes: sizes, successReport: 'yes' });
  session.file({ name: file.name, advertisedSha1: file.advertisedSha1, message: om.record! });
  sc.wait(300_000_000);
  new MsrpSender(sc, route, om).sendAll().report();
  leg.close('c2s');
  hangUp(sc, { dialog, sip, session, fromCaller: true });
}

/**
 * file-transfer: two RFC 5547 file pushes from the target, each its own SIP session. A 50 KiB
 * JPEG in four chunks whose advertised sha-1 is right (hashVerified true), then a PDF in two
 * chunks whose a=file-selector advertises the sha-1 of another file (hashVerified false).
 */
export function fileTransfer(): ScenarioResult {
  const sc = new Scenario('file-transfer', 'fileTransfer', 'RFC 5547 file transfer: file-selector with sha-1; one correct hash, one wrong', {
    startSec: startOf(9),
    seed: 0x5ce0_0009,
  });
  const alice = ue('alice', 'Alice', '10.20.0.11', 49230);
  const bob = ue('bob', 'Bob', '10.20.1.22', 2856);
  const task = sc.task('LIID-DE-0009', [{ sipUri: alice.impu }]);
  const sip = udpPath(new SipUdpLink(sc, PCSCF, SCSCF));
  const jpeg = jpegBytes(sc.prng, 51_200);
  pushFile(sc, sip, task, alice, bob, { name: 'IMG_20261128_101502.jpg', type: 'image/jpeg', bytes: jpeg, advertisedSha1: sha1Hex(jpeg), chunk: 16_384 });
  sc.wait(20_000_000_000);
  const pdf = pdfBytes(sc.prng, 6_000);
  const older = pdfBytes(sc.prng, 6_000);
  pushFile(sc, sip, task, alice, bob, { name: 'contract_v2.pdf', type: 'application/pdf', bytes: pdf, advertisedSha1: sha1Hex(older), chunk: 4_096 });
  return sc.result();
}

// ---------------------------------------------------------------------------------------------
// 10. msrp-no-sip
// ---------------------------------------------------------------------------------------------

/**
 * msrp-no-sip: MSRP connections whose SIP the capture never saw. On one, CPIM From names the
 * target: it is reported as uncorrelated (no callId), with every message of that MSRP session
 * (also the isComposing without CPIM). Another connection between two non-targets must not be
 * reported (its strings are listed in the markers file).
 */
export function msrpNoSip(): ScenarioResult {
  const sc = new Scenario('msrp-no-sip', 'msrpNoSip', 'MSRP without captured SIP: CPIM From names the target (uncorrelated); a non-target MSRP connection', {
    startSec: startOf(10),
    seed: 0x5ce0_000a,
  });
  const alice = ue('alice', 'Alice', '10.20.0.11', 49240);
  const bob = ue('bob', 'Bob', '10.20.1.22', 2855);
  const carol = ue('carol', 'Carol', '10.20.2.33', 49250);
  const dave = ue('dave', 'Dave', '10.20.3.44', 2855);
  const task = sc.task('LIID-DE-0010', [{ sipUri: alice.impu }]);
  const session = sc.book.uncorrelatedSession(task, alice.impu);

  const leg = new MsrpLeg(sc, { ip: alice.ip, port: 50_123 }, { ip: bob.ip, port: bob.msrpPort });
  leg.attach(session, true);
  const aliceSid = sc.token(12);
  const bobSid = sc.token(12);
  const fwd = new MsrpRoute([msrpUri(alice.ip, alice.msrpPort, aliceSid), msrpUri(bob.ip, bob.msrpPort, bobSid)], [{ leg, dir: 'c2s' }]);
  const back = fwd.reverse();
  // First appearance: the first SEND's To-Path (Bob's session id), then its From-Path (Alice's).
  session.sessionId(bobSid);
  session.sessionId(aliceSid);

  const other = new MsrpLeg(sc, { ip: carol.ip, port: 51_999 }, { ip: dave.ip, port: dave.msrpPort });
  const carolSid = sc.marker(sc.token(12));
  const daveSid = sc.marker(sc.token(12));
  const cd = new MsrpRoute([msrpUri(carol.ip, carol.msrpPort, carolSid), msrpUri(dave.ip, dave.msrpPort, daveSid)], [{ leg: other, dir: 'c2s' }]);
  sc.marker(carol.impu);
  sc.marker(dave.impu);

  const fromT = { session, direction: 'fromTarget' as const };
  const toT = { session, direction: 'toTarget' as const };
  leg.open();
  other.open();
  const m = cpimText(sc, alice.impu, bob.impu, 'Meet at the station, not at the office.');
  say(sc, fwd, fromT, m, { thinkMs: 800 });
  const nt = cpimText(sc, carol.impu, dave.impu, sc.marker('Carol here: the quarterly numbers are final.'));
  sc.marker(nt.imdnId!);
  sc.marker(say(sc, cd, null, nt, { thinkMs: 400 }).msg.messageId);
  say(sc, back, toT, cpimImdn(sc, bob.impu, alice.impu, m.imdnId!), { thinkMs: 200 });
  say(sc, back, toT, cpimText(sc, bob.impu, alice.impu, 'Which exit?'), { thinkMs: 3500 });
  say(sc, fwd, fromT, isComposing('active'), { thinkMs: 1500 });
  const nt2 = cpimText(sc, dave.impu, carol.impu, sc.marker('Dave: thanks, forwarding to finance.'));
  sc.marker(nt2.imdnId!);
  sc.marker(say(sc, cd.reverse(), null, nt2, { thinkMs: 600 }).msg.messageId);
  say(sc, fwd, fromT, cpimText(sc, alice.impu, bob.impu, 'North exit, by the kiosk.'), { thinkMs: 2500 });
  other.close('c2s');
  leg.close('c2s');
  return sc.result();
}

// ---------------------------------------------------------------------------------------------
// 11. mixed-non-target
// ---------------------------------------------------------------------------------------------

/**
 * mixed-non-target: two chats through one MSRP relay port (10.30.0.1:2855, RFC 4976), the
 * target's (Alice ↔ Bob) and a non-target one (Carol ↔ Dave), with SIP on the same link and
 * everything interleaved; a second task names a user who never appears. The capture is at the
 * relay: caller ↔ relay and relay ↔ callee legs. Only Alice's session is in the truth;
 * `mixed-non-target.non-target-markers.json` lists Carol's and Dave's unique strings.
 */
export function mixedNonTarget(): ScenarioResult {
  const sc = new Scenario('mixed-non-target', 'mixedNonTarget', 'target and non-target chats interleaved through the same MSRP relay port; only the target is reported', {
    startSec: startOf(11),
    seed: 0x5ce0_000b,
  });
  const alice = ue('alice', 'Alice', '10.20.0.11', 49260);
  const bob = ue('bob', 'Bob', '10.20.1.22', 2855);
  const carol = ue('carol', 'Carol', '10.20.2.33', 49270);
  const dave = ue('dave', 'Dave', '10.20.3.44', 2855);
  const relay = { ip: '10.30.0.1', port: 2855 };
  const task = sc.task('LIID-DE-0011', [{ sipUri: alice.impu }]);
  sc.task('LIID-DE-0099', [{ sipUri: `sip:zoe@${DOMAIN}` }, { telUri: 'tel:+4915100000099' }]);
  const sip = udpPath(new SipUdpLink(sc, PCSCF, SCSCF));

  /** One relayed chat: offerer path [relay, offerer], answerer path [answerer]. */
  const relayed = (caller: Ue, callee: Ue, mark: boolean) => {
    const dialog = dialogFor(sc, caller, callee, 'UDP');
    if (mark) {
      sc.marker(dialog.callId);
      sc.marker(caller.impu);
      sc.marker(callee.impu);
    }
    const relaySid = sc.token(12);
    const cSid = sc.token(12);
    const dSid = sc.token(12);
    if (mark)
      [relaySid, cSid, dSid].forEach((s) => {
        sc.marker(s);
      });
    const relayUri = msrpUri(relay.ip, relay.port, relaySid);
    const cUri = msrpUri(caller.ip, caller.msrpPort, cSid);
    const dUri = msrpUri(callee.ip, callee.msrpPort, dSid);
    const offer = msrpSdp({ ip: caller.ip, port: caller.msrpPort, path: [relayUri, cUri], setup: 'active', sessionVersion: sc.prng.int(3_900_000_000, 3_999_999_999) });
    const answer = msrpSdp({ ip: callee.ip, port: callee.msrpPort, path: [dUri], setup: 'passive', sessionVersion: sc.prng.int(3_900_000_000, 3_999_999_999) });
    return { dialog, relayUri, cUri, dUri, offer, answer, cSid, dSid };
  };
  const nt = relayed(carol, dave, true);
  establish(sc, { dialog: nt.dialog, sip, offer: nt.offer, answer: nt.answer, session: null, offerSid: nt.cSid, answerSid: nt.dSid, ringMs: 1200 });
  const tg0 = relayed(alice, bob, false);
  const session = sc.book.session(tg0.dialog.callId, task, alice.impu);
  establish(sc, { dialog: tg0.dialog, sip, offer: tg0.offer, answer: tg0.answer, session, offerSid: tg0.cSid, answerSid: tg0.dSid, ringMs: 1700 });

  const ntIn = new MsrpLeg(sc, { ip: carol.ip, port: 52_270 }, relay);
  const tgIn = new MsrpLeg(sc, { ip: alice.ip, port: 52_260 }, relay);
  const ntOut = new MsrpLeg(sc, { ip: relay.ip, port: 41_002 }, { ip: dave.ip, port: dave.msrpPort });
  const tgOut = new MsrpLeg(sc, { ip: relay.ip, port: 41_001 }, { ip: bob.ip, port: bob.msrpPort });
  ntIn.open();
  tgIn.open();
  tgIn.attach(session);
  tgOut.open();
  tgOut.attach(session);
  ntOut.open();
  const tg = new MsrpRoute(
    [tg0.cUri, tg0.relayUri, tg0.dUri],
    [
      { leg: tgIn, dir: 'c2s' },
      { leg: tgOut, dir: 'c2s' },
    ],
  );
  const ntr = new MsrpRoute(
    [nt.cUri, nt.relayUri, nt.dUri],
    [
      { leg: ntIn, dir: 'c2s' },
      { leg: ntOut, dir: 'c2s' },
    ],
  );
  const fromT = { session, direction: 'fromTarget' as const };
  const toT = { session, direction: 'toTarget' as const };
  const ntSay = (route: MsrpRoute, c: Content, thinkMs: number, o: { successReport?: 'yes' } = {}): void => {
    if (c.imdnId !== undefined) sc.marker(c.imdnId);
    sc.marker(say(sc, route, null, c, { thinkMs, ...o }).msg.messageId);
  };

  const a1 = cpimText(sc, alice.impu, bob.impu, 'Bob, the shipment leaves tonight at 23:00.');
  say(sc, tg, fromT, a1, { thinkMs: 700, successReport: 'yes' });
  const c1 = cpimText(sc, carol.impu, dave.impu, sc.marker('Dave, lunch on Friday? Carol'));
  ntSay(ntr, c1, 300, { successReport: 'yes' });
  say(sc, tg.reverse(), toT, cpimImdn(sc, bob.impu, alice.impu, a1.imdnId!), { thinkMs: 150 });
  ntSay(ntr.reverse(), cpimImdn(sc, dave.impu, carol.impu, c1.imdnId!), 120);
  ntSay(ntr.reverse(), cpimText(sc, dave.impu, carol.impu, sc.marker('Friday is perfect, the Thai place?')), 2500);
  say(sc, tg.reverse(), toT, cpimText(sc, bob.impu, alice.impu, 'Confirmed. Gate 4.'), { thinkMs: 900 });
  ntSay(ntr, isComposing('active'), 600);
  say(sc, tg, fromT, isComposing('active'), { thinkMs: 400 });
  ntSay(ntr, cpimText(sc, carol.impu, dave.impu, sc.marker('Yes! 12:30 at the Thai place.')), 1800);
  say(sc, tg, fromT, cpimText(sc, alice.impu, bob.impu, 'Do not call me on this number again.'), { thinkMs: 700 });

  ntIn.close('c2s');
  tgIn.close('c2s');
  ntOut.close('c2s');
  tgOut.close('c2s');
  hangUp(sc, { dialog: tg0.dialog, sip, session, fromCaller: true });
  hangUp(sc, { dialog: nt.dialog, sip, session: null, fromCaller: false });
  return sc.result();
}

// ---------------------------------------------------------------------------------------------
// 12. ipv6-session
// ---------------------------------------------------------------------------------------------

/** ipv6-session: the whole chat (SIP over UDP, MSRP over TCP) over IPv6, nanosecond timestamps. */
export function ipv6Session(): ScenarioResult {
  const sc = new Scenario('ipv6-session', 'ipv6Session', 'RCS chat entirely over IPv6 (SIP/UDP, MSRP/TCP), nanosecond pcap', {
    startSec: startOf(12),
    seed: 0x5ce0_000c,
    nanosecond: true,
  });
  sc.wait(123_456_789);
  const alice = ue('alice', 'Alice', '2001:db8:20::11', 49280);
  const bob = ue('bob', 'Bob', '2001:db8:20:1::22', 2855);
  const task = sc.task('LIID-DE-0012', [{ sipUri: alice.impu }]);
  const pcscf6 = { ip: '2001:db8:10::5', port: 5060 };
  const scscf6 = { ip: '2001:db8:10:1::5', port: 5060 };
  const sip = udpPath(new SipUdpLink(sc, pcscf6, scscf6));
  const dialog = dialogFor(sc, alice, bob, 'UDP', { callerHop: pcscf6, calleeHop: scscf6 });
  const session = sc.book.session(dialog.callId, task, alice.impu);
  const chat = directChat(sc, { dialog, sip, session, caller: alice, callee: bob });
  const fromT = { session, direction: 'fromTarget' as const };
  const toT = { session, direction: 'toTarget' as const };
  sc.wait(777);
  const m = cpimText(sc, alice.impu, bob.impu, 'Hello over IPv6 🌐');
  say(sc, chat.fwd, fromT, m, { thinkMs: 1100, successReport: 'yes' });
  sc.wait(31);
  say(sc, chat.back, toT, cpimImdn(sc, bob.impu, alice.impu, m.imdnId!), { thinkMs: 200 });
  say(sc, chat.back, toT, cpimText(sc, bob.impu, alice.impu, 'Dual-stack finally works here too.'), { thinkMs: 4300 });
  chat.leg.close('c2s');
  sc.wait(4_321);
  hangUp(sc, { dialog, sip, session, fromCaller: true });
  return sc.result();
}

// ---------------------------------------------------------------------------------------------
// 13. reinvite-update
// ---------------------------------------------------------------------------------------------

/**
 * reinvite-update: four calls of the target. (1) A chat whose re-INVITE moves the MSRP session
 * to new URIs (new session ids and ports): the first connection closes, a new one carries the
 * later messages; an UPDATE (session refresh, no body) in between. (2) A call CANCELled while
 * ringing (487, ACK), no MSRP. (3) A call rejected with 486 Busy Here. (4) A forked INVITE: two
 * 180s with different To tags (two early dialogs), the 200 from the second fork.
 */
export function reinviteUpdate(): ScenarioResult {
  const sc = new Scenario('reinvite-update', 'reinviteUpdate', 're-INVITE moving the MSRP session; UPDATE; CANCELled call; 486 Busy; forked INVITE with two early dialogs', {
    startSec: startOf(13),
    seed: 0x5ce0_000d,
  });
  const alice = ue('alice', 'Alice', '10.20.0.11', 49290);
  const bob = ue('bob', 'Bob', '10.20.1.22', 2855);
  const task = sc.task('LIID-DE-0013', [{ sipUri: alice.impu }]);
  const sip = udpPath(new SipUdpLink(sc, PCSCF, SCSCF));
  const fromT = (session: SessionRecord) => ({ session, direction: 'fromTarget' as const });
  const toT = (session: SessionRecord) => ({ session, direction: 'toTarget' as const });

  // (1) re-INVITE with new MSRP URIs.
  const d1 = dialogFor(sc, alice, bob, 'UDP');
  const s1 = sc.book.session(d1.callId, task, alice.impu);
  const chat = directChat(sc, { dialog: d1, sip, session: s1, caller: alice, callee: bob });
  say(sc, chat.fwd, fromT(s1), cpimText(sc, alice.impu, bob.impu, 'Switching networks, hold on.'), { thinkMs: 1200 });
  sc.wait(3_000_000_000);
  const upd = d1.request('UPDATE', true);
  sip.send(true, upd.msg);
  sip.send(false, d1.response(upd.tx, 200, 'OK', { contact: true }), { afterNs: 25_000_000 });
  sc.wait(2_000_000_000);
  const a2 = { ...alice, msrpPort: 49292 };
  const b2 = { ...bob, msrpPort: 2856 };
  const aSid2 = sc.token(12);
  const bSid2 = sc.token(12);
  const aUri2 = msrpUri(a2.ip, a2.msrpPort, aSid2);
  const bUri2 = msrpUri(b2.ip, b2.msrpPort, bSid2);
  const reinvite = d1.inviteRequest(msrpSdp({ ip: a2.ip, port: a2.msrpPort, path: [aUri2], setup: 'active', sessionVersion: 3_980_000_001 }), 'application/sdp', { reinvite: true });
  sip.send(true, reinvite);
  s1.sessionId(aSid2);
  sip.send(false, d1.response(d1.invite!, 200, 'OK', { body: msrpSdp({ ip: b2.ip, port: b2.msrpPort, path: [bUri2], setup: 'passive', sessionVersion: 3_980_000_002 }) }), { afterNs: 60_000_000 });
  s1.sessionId(bSid2);
  sip.send(true, d1.ack(), { afterNs: 15_000_000 });
  chat.leg.close('c2s');
  const leg2 = new MsrpLeg(sc, { ip: alice.ip, port: 57_002 }, { ip: bob.ip, port: b2.msrpPort });
  leg2.open();
  leg2.attach(s1);
  const r2 = new MsrpRoute([aUri2, bUri2], [{ leg: leg2, dir: 'c2s' }]);
  const m = cpimText(sc, alice.impu, bob.impu, 'Back, on the new connection now.');
  say(sc, r2, fromT(s1), m, { thinkMs: 900, successReport: 'yes' });
  say(sc, r2.reverse(), toT(s1), cpimImdn(sc, bob.impu, alice.impu, m.imdnId!), { thinkMs: 200 });
  say(sc, r2.reverse(), toT(s1), cpimText(sc, bob.impu, alice.impu, 'Received fine.'), { thinkMs: 3000 });
  leg2.close('c2s');
  hangUp(sc, { dialog: d1, sip, session: s1, fromCaller: false });

  /** An INVITE with an MSRP offer that never gets answered with 2xx. */
  const attempt = (): { d: ImsDialog; s: SessionRecord } => {
    sc.wait(30_000_000_000);
    const d = dialogFor(sc, alice, bob, 'UDP');
    const s = sc.book.session(d.callId, task, alice.impu);
    const sid = sc.token(12);
    const t = sip.send(true, d.inviteRequest(msrpSdp({ ip: alice.ip, port: alice.msrpPort, path: [msrpUri(alice.ip, alice.msrpPort, sid)], setup: 'active', sessionVersion: sc.prng.int(3_900_000_000, 3_999_999_999) })));
    s.started(t);
    s.sessionId(sid);
    sip.send(false, d.response(d.invite!, 100, 'Trying'), { afterNs: 3_000_000 });
    return { d, s };
  };

  // (2) CANCEL while ringing (RFC 3261 section 9): 200 to the CANCEL, 487 to the INVITE, ACK.
  {
    const { d, s } = attempt();
    const toTag = sc.token(10);
    sip.send(false, d.response(d.invite!, 180, 'Ringing', { toTag }), { afterNs: 40_000_000 });
    sc.wait(4_000_000_000);
    const c = d.cancel();
    sip.send(true, c.msg);
    sip.send(false, d.response(c.tx, 200, 'OK', { toTag }), { afterNs: 5_000_000 });
    sip.send(false, d.response(d.invite!, 487, 'Request Terminated', { toTag }), { afterNs: 30_000_000 });
    s.ended(sip.send(true, d.ack(false), { afterNs: 10_000_000 }));
  }

  // (3) 486 Busy Here.
  {
    const { d, s } = attempt();
    sip.send(false, d.response(d.invite!, 486, 'Busy Here', { toTag: sc.token(10) }), { afterNs: 80_000_000 });
    s.ended(sip.send(true, d.ack(false), { afterNs: 10_000_000 }));
  }

  // (4) Forked INVITE: two early dialogs, the second fork answers.
  {
    sc.wait(30_000_000_000);
    const d = dialogFor(sc, alice, bob, 'UDP');
    const s = sc.book.session(d.callId, task, alice.impu);
    const aSid = sc.token(12);
    const bSid = sc.token(12);
    const aUri = msrpUri(alice.ip, alice.msrpPort, aSid);
    const bUri = msrpUri(bob.ip, 2857, bSid);
    s.started(sip.send(true, d.inviteRequest(msrpSdp({ ip: alice.ip, port: alice.msrpPort, path: [aUri], setup: 'active', sessionVersion: 3_990_000_001 }))));
    s.sessionId(aSid);
    const inv = d.invite!;
    sip.send(false, d.response(inv, 100, 'Trying'), { afterNs: 3_000_000 });
    const fork1 = sc.token(10);
    const fork2 = sc.token(10);
    sip.send(false, d.response(inv, 180, 'Ringing', { toTag: fork1 }), { afterNs: 50_000_000 });
    sip.send(false, d.response(inv, 180, 'Ringing', { toTag: fork2 }), { afterNs: 20_000_000 });
    sc.wait(2_500_000_000);
    sip.send(false, d.response(inv, 200, 'OK', { toTag: fork2, body: msrpSdp({ ip: bob.ip, port: 2857, path: [bUri], setup: 'passive', sessionVersion: 3_990_000_002 }) }));
    s.sessionId(bSid);
    sip.send(true, d.ack(), { afterNs: 20_000_000 });
    const leg = new MsrpLeg(sc, { ip: alice.ip, port: 57_004 }, { ip: bob.ip, port: 2857 });
    leg.open();
    leg.attach(s);
    const r = new MsrpRoute([aUri, bUri], [{ leg, dir: 'c2s' }]);
    say(sc, r, fromT(s), cpimText(sc, alice.impu, bob.impu, 'Which device did I reach?'), { thinkMs: 1000 });
    say(sc, r.reverse(), toT(s), cpimText(sc, bob.impu, alice.impu, 'The tablet.'), { thinkMs: 2500 });
    leg.close('c2s');
    hangUp(sc, { dialog: d, sip, session: s, fromCaller: true });
  }
  return sc.result();
}

// ---------------------------------------------------------------------------------------------
// 14. pager-mode
// ---------------------------------------------------------------------------------------------

/**
 * pager-mode: SIP MESSAGE (RFC 3428) outside any dialog. The target sends a CPIM text, receives
 * an IMDN delivery notification (CPIM message/imdn+xml) in a MESSAGE of its own, and sends a
 * plain text/plain MESSAGE. Each MESSAGE transaction is one session entry with one message
 * (chunks 0). A MESSAGE between two non-targets must not be reported.
 */
export function pagerMode(): ScenarioResult {
  const sc = new Scenario('pager-mode', 'pagerMode', 'pager-mode SIP MESSAGE with CPIM, IMDN via MESSAGE, plain-text MESSAGE; non-target MESSAGE', {
    startSec: startOf(14),
    seed: 0x5ce0_000e,
  });
  const alice = ue('alice', 'Alice', '10.20.0.11', 49300);
  const bob = ue('bob', 'Bob', '10.20.1.22', 2855);
  const carol = ue('carol', 'Carol', '10.20.2.33', 49310);
  const dave = ue('dave', 'Dave', '10.20.3.44', 2855);
  const task = sc.task('LIID-DE-0014', [{ sipUri: alice.impu }]);
  const sip = udpPath(new SipUdpLink(sc, PCSCF, SCSCF));

  /** One MESSAGE and its 200 OK; a session entry when `direction` is given. */
  const page = (from: Ue, to: Ue, content: Content, direction: 'fromTarget' | 'toTarget' | null): ImsDialog => {
    sc.wait(2_500_000_000);
    const fromCaller = from !== alice && to !== alice ? true : from === alice;
    const d = new ImsDialog({
      prng: sc.prng,
      callId: `${sc.token(20)}@${from.ip}`,
      caller: from,
      callee: to,
      // Requests from the target's side leave the P-CSCF; requests towards it arrive from the S-CSCF.
      callerHop: fromCaller ? PCSCF : SCSCF,
      calleeHop: fromCaller ? SCSCF : PCSCF,
      transport: 'UDP',
      icsi: ICSI_PAGER,
      contributionId: sc.token(24),
      conversationId: sc.token(24),
    });
    const { msg, tx } = d.messageRequest(content.body, content.contentType);
    const t = sip.send(fromCaller, msg);
    const ok = sip.send(!fromCaller, d.response(tx, 200, 'OK', { toTag: sc.token(10) }), { afterNs: 35_000_000 });
    if (direction !== null) {
      const s = sc.book.session(d.callId, task, alice.impu);
      s.started(t);
      s.ended(ok);
      const r = new MessageRecord({
        messageId: content.imdnId ?? null,
        direction,
        contentType: content.contentType.split(';')[0]!.trim().toLowerCase(),
        body: content.body,
        ...(content.inner !== undefined ? { inner: content.inner } : {}),
      });
      r.carriedBySip();
      s.seen(r);
    }
    return d;
  };

  const hello = cpimText(sc, alice.impu, bob.impu, 'Are you at home? Call me when you can.');
  page(alice, bob, hello, 'fromTarget');
  page(bob, alice, cpimImdn(sc, bob.impu, alice.impu, hello.imdnId!), 'toTarget');
  const nt = cpimText(sc, carol.impu, dave.impu, sc.marker('Carol to Dave: keys are under the mat.'));
  sc.marker(nt.imdnId!);
  sc.marker(page(carol, dave, nt, null).callId);
  sc.marker(carol.impu);
  sc.marker(dave.impu);
  page(alice, bob, { contentType: 'text/plain;charset=UTF-8', body: Buffer.from('Never mind, found it.', 'utf8') }, 'fromTarget');
  return sc.result();
}
