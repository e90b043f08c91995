/**
 * Shared cast and plumbing of the scenario samples: the IMS network (P-CSCF / S-CSCF hops, UEs,
 * MSRP relays, all in private or documentation ranges), message-content builders (CPIM text,
 * IMDN, isComposing) that return both the wire body and the truth's view of it, and the standard
 * call flows (INVITE / 100 / 180 / 200 / ACK, BYE / 200).
 */
import { cpimMessage, imdnXml, isComposingXml, type Timestamp } from '../lib/index.js';
import type { ImsDialog, ImsUser, SipHop, SipMsg } from './ims-sip.js';
import { MessageRecord, type MessageSpec, type SessionRecord } from './truth.js';
import type { MsrpRoute, OutgoingMessage, Scenario, SipTcpLink, SipUdpLink } from './wire.js';
import { MsrpSender } from './wire.js';

/** 2026-11-28T10:00:00Z: scenario n starts n hours later. */
export const SCENARIO_T0 = Date.UTC(2026, 10, 28, 10, 0, 0) / 1000;

export const DOMAIN = 'ims.example.net';

/** Captured SIP hops: the originating P-CSCF and the S-CSCF behind it. */
export const PCSCF: SipHop = { ip: '10.10.0.5', port: 5060 };
export const SCSCF: SipHop = { ip: '10.10.1.5', port: 5060 };

/** A UE with an MSRP port. */
export interface Ue extends ImsUser {
  msrpPort: number;
}

/** A stable 6-digit serial from a string (FNV-1a), so a UE's IMEI depends only on its name and address. */
function serial(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h % 1_000_000;
}

/** A UE on `ip`; `user` is the IMPU user part (`alice`, `+4915112345678`). */
export function ue(user: string, display: string | undefined, ip: string, msrpPort: number, o: { userPhone?: boolean } = {}): Ue {
  return {
    impu: `sip:${user}@${DOMAIN}${o.userPhone === true ? ';user=phone' : ''}`,
    ...(display !== undefined ? { display } : {}),
    ip,
    sipPort: 5060,
    msrpPort,
    instance: `urn:gsma:imei:35209900-${String(serial(user + ip)).padStart(6, '0')}-0`,
    userAgent: 'IM-client/OMA1.0 Example-RCS/3.2 Samsung-SM-S911B',
  };
}

/** SIP transport of a scenario: requests of the caller leave from the caller hop. */
export interface SipPath {
  send(fromCaller: boolean, m: SipMsg, o?: { afterNs?: number }): Timestamp;
}

/** SIP over UDP: the caller side is the link's `a`. */
export function udpPath(link: SipUdpLink): SipPath {
  return { send: (fromCaller, m, o) => link.send(fromCaller, m, o) };
}

/** SIP over TCP: the caller side is the connection's client; one segment per message. */
export function tcpPath(link: SipTcpLink): SipPath {
  return { send: (fromCaller, m, o) => link.send(fromCaller, [m], o)[0]! };
}

// ---------------------------------------------------------------------------------------------
// Message content
// ---------------------------------------------------------------------------------------------

/** A message body as the wire carries it and as the truth describes it. */
export interface Content {
  contentType: string;
  body: Uint8Array;
  inner?: { contentType: string; body: Uint8Array };
  /** CPIM imdn.Message-ID, when the content has one. */
  imdnId?: string;
}

/** The media type without parameters, lower case (the truth's contentType rule). */
export function mediaType(ct: string): string {
  return ct.split(';')[0]!.trim().toLowerCase();
}

/**
 * A chat text in CPIM (RFC 3862) with the IMDN headers of RFC 5438 section 6 (GSMA RCC.07
 * 1-to-1 chat): From, To, DateTime, NS, imdn.Message-ID, imdn.Disposition-Notification.
 */
export function cpimText(sc: Scenario, from: string, to: string, text: string, o: { disposition?: string | null } = {}): Content {
  const imdnId = sc.token(16);
  const disp = o.disposition === undefined ? 'positive-delivery, display' : o.disposition;
  const m = cpimMessage({
    headers: [
      ['From', `<${from}>`],
      ['To', `<${to}>`],
      ['DateTime', sc.dateTime()],
      ['NS', 'imdn <urn:ietf:params:imdn>'],
      ['imdn.Message-ID', imdnId],
      ...(disp !== null ? [['imdn.Disposition-Notification', disp] as [string, string]] : []),
    ],
    contentHeaders: [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(Buffer.byteLength(text, 'utf8'))],
    ],
    body: text,
  });
  return { contentType: 'message/cpim', body: m.bytes, inner: { contentType: 'text/plain', body: m.inner }, imdnId };
}

/** An IMDN delivery (or display) notification in CPIM (RFC 5438 section 7.2.1.1). */
export function cpimImdn(sc: Scenario, from: string, to: string, about: string, kind: 'delivery' | 'display' = 'delivery'): Content {
  const imdnId = sc.token(16);
  const xml = imdnXml({ messageId: about, dateTime: sc.dateTime(), recipientUri: from, kind });
  const m = cpimMessage({
    headers: [
      ['From', `<${from}>`],
      ['To', `<${to}>`],
      ['NS', 'imdn <urn:ietf:params:imdn>'],
      ['imdn.Message-ID', imdnId],
      ['DateTime', sc.dateTime()],
    ],
    contentHeaders: [
      ['Content-Type', 'message/imdn+xml'],
      ['Content-Disposition', 'notification'],
      ['Content-Length', String(Buffer.byteLength(xml, 'utf8'))],
    ],
    body: xml,
  });
  return { contentType: 'message/cpim', body: m.bytes, inner: { contentType: 'message/imdn+xml', body: m.inner }, imdnId };
}

/** An isComposing indication (RFC 3994), sent unwrapped as RCS does. */
export function isComposing(state: 'active' | 'idle' = 'active'): Content {
  return { contentType: 'application/im-iscomposing+xml', body: Buffer.from(isComposingXml(state === 'active' ? { state, refresh: 60 } : { state }), 'utf8') };
}

/** Where a message belongs in the truth: its session and direction, or null for non-target traffic. */
export interface TruthSide {
  session: SessionRecord;
  direction: 'fromTarget' | 'toTarget';
}

/** Options of {@link say} beyond the content. */
export interface SayOptions {
  chunkSizes?: readonly number[];
  successReport?: 'yes' | 'no';
  failureReport?: 'yes' | 'no' | 'partial';
  starTotals?: boolean;
  abortAt?: number;
  /** Override of the Content-Type header value (default: text/plain gets a charset). */
  contentTypeHeader?: string;
}

/** An outgoing MSRP message for `content`, with its truth record (when target traffic). */
export function outgoing(sc: Scenario, side: TruthSide | null, content: Content, o: SayOptions = {}): OutgoingMessage {
  const messageId = sc.token(14);
  const spec: MessageSpec = {
    messageId,
    direction: side?.direction ?? 'fromTarget',
    contentType: mediaType(content.contentType),
    body: content.body,
    ...(content.inner !== undefined ? { inner: content.inner } : {}),
  };
  return {
    messageId,
    contentType: o.contentTypeHeader ?? content.contentType,
    body: content.body,
    ...(o.chunkSizes !== undefined ? { chunkSizes: o.chunkSizes } : {}),
    ...(o.successReport !== undefined ? { successReport: o.successReport } : {}),
    ...(o.failureReport !== undefined ? { failureReport: o.failureReport } : {}),
    ...(o.starTotals !== undefined ? { starTotals: o.starTotals } : {}),
    ...(o.abortAt !== undefined ? { abortAt: o.abortAt } : {}),
    record: side === null ? null : new MessageRecord(spec),
    session: side?.session ?? null,
  };
}

/**
 * Sends `content` along `route` in full (after a think time of `thinkMs`), with a REPORT back
 * when Success-Report is yes. Returns the sender (for the Message-ID).
 */
export function say(sc: Scenario, route: MsrpRoute, side: TruthSide | null, content: Content, o: SayOptions & { thinkMs?: number } = {}): MsrpSender {
  sc.wait((o.thinkMs ?? 1500) * 1_000_000);
  const s = new MsrpSender(sc, route, outgoing(sc, side, content, o)).sendAll();
  if (o.successReport === 'yes') s.report();
  return s;
}

// ---------------------------------------------------------------------------------------------
// Call flows
// ---------------------------------------------------------------------------------------------

/**
 * INVITE, 100 Trying, 180 Ringing, 200 OK (answer), ACK. Records the INVITE time as the
 * session start and the offer's / answer's endpoint MSRP session ids.
 */
export function establish(sc: Scenario, p: { dialog: ImsDialog; sip: SipPath; offer: string | Uint8Array; offerType?: string; answer: string; session: SessionRecord | null; offerSid: string; answerSid: string; ringMs?: number }): void {
  const inv = p.dialog.inviteRequest(p.offer, p.offerType);
  const t = p.sip.send(true, inv, { afterNs: 500_000 });
  p.session?.started(t);
  p.session?.sessionId(p.offerSid);
  const tx = p.dialog.invite!;
  p.sip.send(false, p.dialog.response(tx, 100, 'Trying'), { afterNs: 3_000_000 });
  const toTag = sc.token(10);
  p.sip.send(false, p.dialog.response(tx, 180, 'Ringing', { toTag }), { afterNs: 45_000_000 });
  sc.wait((p.ringMs ?? 2200) * 1_000_000);
  p.sip.send(false, p.dialog.response(tx, 200, 'OK', { toTag, body: p.answer }));
  p.session?.sessionId(p.answerSid);
  p.sip.send(true, p.dialog.ack(), { afterNs: 20_000_000 });
}

/** BYE from one side and its 200 OK; the 200 is the session's end time. */
export function hangUp(sc: Scenario, p: { dialog: ImsDialog; sip: SipPath; session: SessionRecord | null; fromCaller: boolean }): void {
  sc.wait(800_000_000);
  const { msg, tx } = p.dialog.request('BYE', p.fromCaller);
  p.sip.send(p.fromCaller, msg);
  const t = p.sip.send(!p.fromCaller, p.dialog.response(tx, 200, 'OK'), { afterNs: 30_000_000 });
  p.session?.ended(t);
}
