/**
 * IMS / RCS SIP signalling for the scenario samples (3GPP TS 24.229, GSMA RCC.07): a dialog
 * builder that keeps Call-ID, tags, CSeq and Via branches consistent (RFC 3261 sections 8, 12,
 * 17), with the headers an RCS chat INVITE carries (P-Asserted-Identity, Accept-Contact with the
 * CPM session ICSI, Conversation-ID / Contribution-ID), optional compact header forms and header
 * folding (RFC 3261 sections 7.3.1 and 7.3.3); and the SDP of an MSRP chat or file transfer
 * (RFC 4975 section 8, RFC 6135 a=setup, RFC 5547 file-selector).
 */
import type { Prng } from '../lib/index.js';
import { sdpBody, sipMessage, type SipHeaders } from '../lib/index.js';

/** The CPM session ICSI of RCS chat (GSMA RCC.07 section 2.4.2), percent-encoded as in feature tags. */
export const ICSI_CHAT = 'urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.session';
/** The CPM file transfer ICSI (OMA CPM, used for MSRP file transfer). */
export const ICSI_FT = 'urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer';
/** The CPM standalone (pager mode) ICSI. */
export const ICSI_PAGER = 'urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.msg';

/** `ip:port`, or `[ip]:port` for IPv6 (RFC 3986 section 3.2.2). */
export function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** `ip`, bracketed for IPv6. */
export function uriHost(ip: string): string {
  return ip.includes(':') ? `[${ip}]` : ip;
}

/** Alphanumeric token of `n` characters from the PRNG (tags, branches, Call-IDs, MSRP ids). */
export function token(prng: Prng, n: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[prng.int(0, alphabet.length - 1)];
  return s;
}

/** An IMS subscriber as the signalling shows it. */
export interface ImsUser {
  /** Public user identity (IMPU) used in From/To/P-Asserted-Identity. */
  impu: string;
  display?: string;
  /** The UE's address and SIP port (Contact). */
  ip: string;
  sipPort: number;
  /** +sip.instance value (GSMA RCC.07: the IMEI URN). */
  instance: string;
  userAgent?: string;
}

/** A SIP node whose packets the capture sees (a P-CSCF or another proxy, or the UE itself). */
export interface SipHop {
  ip: string;
  port: number;
}

/** One built SIP message: its bytes and a label for the wire log (method or status code). */
export interface SipMsg {
  bytes: Uint8Array;
  label: string;
  /** The request's or response's CSeq method (for bookkeeping). */
  method: string;
}

/** A client transaction the dialog started: what responses must echo. */
export interface SipTransaction {
  method: string;
  cseq: number;
  fromCaller: boolean;
  vias: string[];
  /** Request-URI (for CANCEL and non-2xx ACK, which reuse it). */
  ruri: string;
}

export interface DialogOptions {
  prng: Prng;
  callId: string;
  caller: ImsUser;
  callee: ImsUser;
  /** The captured hops: the caller side (requests from the caller leave here) and the callee side. */
  callerHop: SipHop;
  calleeHop: SipHop;
  transport: 'UDP' | 'TCP';
  /** Request-URI of the initial request; default the callee's IMPU. */
  requestUri?: string;
  /** From URI / display of the caller; default its IMPU (e.g. `sip:anonymous@anonymous.invalid` for privacy). */
  fromUri?: string;
  fromDisplay?: string | null;
  /** P-Asserted-Identity of the caller (RFC 3325); default its IMPU; null: none. */
  callerPai?: string | null;
  /** Extra headers of the initial request (Privacy, Subject, …), placed before Content-Type. */
  extraHeaders?: SipHeaders;
  /** ICSI of the service; default {@link ICSI_CHAT}. */
  icsi?: string;
  /** Use compact header forms (RFC 3261 section 7.3.3) and fold long headers (section 7.3.1). */
  compact?: boolean;
  conversationId?: string;
  contributionId?: string;
}

/** RFC 3261 section 7.3.3 / RFC 3841 compact forms. */
const COMPACT: Record<string, string> = {
  Via: 'v',
  From: 'f',
  To: 't',
  'Call-ID': 'i',
  Contact: 'm',
  'Content-Type': 'c',
  'Content-Length': 'l',
  Supported: 'k',
  Subject: 's',
  'Accept-Contact': 'a',
};

/**
 * Folds a header value after its first parameter `;` outside angle brackets (RFC 3261 section
 * 7.3.1: linear white space may contain CRLF followed by white space).
 */
function fold(v: string): string {
  const close = v.indexOf('>');
  const i = v.indexOf(';', close < 0 ? 0 : close);
  return i < 0 ? v : `${v.slice(0, i + 1)}\r\n ${v.slice(i + 1)}`;
}

/**
 * A SIP dialog between an IMS caller and callee, as seen on one captured link. Requests from
 * the caller carry the caller hop's Via above the UE's (the capture is behind the caller's
 * P-CSCF), requests from the callee the callee hop's.
 */
export class ImsDialog {
  readonly callId: string;
  readonly fromTag: string;
  /** To tag of the confirmed dialog (set by the first 2xx, or chosen by {@link toTagFor}). */
  toTag: string | undefined;
  private cseqCaller = 1;
  private cseqCallee = 1;
  /** Latest INVITE (for CANCEL and ACK). */
  invite: SipTransaction | undefined;
  private readonly o: DialogOptions;

  constructor(o: DialogOptions) {
    this.o = o;
    this.callId = o.callId;
    this.fromTag = token(o.prng, 10);
  }

  private branch(): string {
    return `z9hG4bK${token(this.o.prng, 16)}`;
  }

  private hdrs(list: [string, string][]): SipHeaders {
    if (this.o.compact !== true) return list;
    return list.map(([n, v]) => [COMPACT[n] ?? n, n === 'Accept-Contact' || n === 'Contact' ? fold(v) : v] as [string, string]);
  }

  private sip(start: string, list: [string, string][], body: Uint8Array | string = ''): Uint8Array {
    const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    // In compact mode also the length is compact (l:), given explicitly so sipMessage does not add it.
    const withLen: [string, string][] = this.o.compact === true ? [...list, ['Content-Length', String(b.length)]] : list;
    return sipMessage(start, this.hdrs(withLen), b);
  }

  private callerAddr(): string {
    const c = this.o.caller;
    const uri = this.o.fromUri ?? c.impu;
    const d = this.o.fromDisplay === undefined ? c.display : this.o.fromDisplay;
    return d === undefined || d === null ? `<${uri}>` : `"${d}" <${uri}>`;
  }

  private calleeAddr(): string {
    const c = this.o.callee;
    return `<${this.o.requestUri?.startsWith('tel:') ? this.o.requestUri : c.impu}>`;
  }

  private contact(u: ImsUser, icsi = true): string {
    return `<sip:${uriHost(u.ip)}:${u.sipPort};transport=${this.o.transport.toLowerCase()}>;+sip.instance="<${u.instance}>"${icsi ? `;+g.3gpp.icsi-ref="${this.o.icsi ?? ICSI_CHAT}"` : ''}`;
  }

  private viasFor(fromCaller: boolean): string[] {
    const hop = fromCaller ? this.o.callerHop : this.o.calleeHop;
    const ue = fromCaller ? this.o.caller : this.o.callee;
    const t = this.o.transport;
    return [`SIP/2.0/${t} ${hostPort(hop.ip, hop.port)};branch=${this.branch()}`, `SIP/2.0/${t} ${hostPort(ue.ip, ue.sipPort)};received=${ue.ip};rport=${ue.sipPort};branch=${this.branch()}`];
  }

  private fromTo(fromCaller: boolean, withToTag: boolean): [string, string][] {
    const caller = `${this.callerAddr()};tag=${this.fromTag}`;
    const callee = `${this.calleeAddr()}${withToTag && this.toTag !== undefined ? `;tag=${this.toTag}` : ''}`;
    return fromCaller
      ? [
          ['From', caller],
          ['To', callee],
        ]
      : [
          ['From', callee],
          ['To', caller],
        ];
  }

  private recordRoute(): [string, string][] {
    return [['Record-Route', `<sip:${hostPort(this.o.callerHop.ip, this.o.callerHop.port)};transport=${this.o.transport.toLowerCase()};lr>`]];
  }

  /** The initial INVITE (or a re-INVITE when `reinvite`), with an SDP or other body. */
  inviteRequest(body: Uint8Array | string, contentType = 'application/sdp', o: { reinvite?: boolean; fromCaller?: boolean } = {}): SipMsg {
    const fromCaller = o.fromCaller ?? true;
    const cseq = fromCaller ? this.cseqCaller++ : this.cseqCallee++;
    const vias = this.viasFor(fromCaller);
    const me = fromCaller ? this.o.caller : this.o.callee;
    const ruri = o.reinvite === true ? `sip:${hostPort((fromCaller ? this.o.callee : this.o.caller).ip, (fromCaller ? this.o.callee : this.o.caller).sipPort)}` : (this.o.requestUri ?? this.o.callee.impu);
    this.invite = { method: 'INVITE', cseq, fromCaller, vias, ruri };
    const icsi = this.o.icsi ?? ICSI_CHAT;
    const list: [string, string][] = [
      ...vias.map((v): [string, string] => ['Via', v]),
      ['Max-Forwards', '69'],
      ...(o.reinvite === true ? [] : this.recordRoute()),
      ...this.fromTo(fromCaller, o.reinvite === true),
      ['Call-ID', this.callId],
      ['CSeq', `${cseq} INVITE`],
      ['Contact', this.contact(me)],
      ['Accept-Contact', `*;+g.3gpp.icsi-ref="${icsi}"`],
      ...(o.reinvite === true || this.o.callerPai === null ? [] : [['P-Asserted-Identity', `${this.o.caller.display !== undefined ? `"${this.o.caller.display}" ` : ''}<${this.o.callerPai ?? this.o.caller.impu}>`] as [string, string]]),
      ['P-Asserted-Service', decodeURIComponent(icsi)],
      ...(this.o.conversationId !== undefined ? [['Conversation-ID', this.o.conversationId] as [string, string]] : []),
      ...(this.o.contributionId !== undefined ? [['Contribution-ID', this.o.contributionId] as [string, string]] : []),
      ['Allow', 'INVITE, ACK, BYE, CANCEL, MESSAGE, NOTIFY, OPTIONS, UPDATE'],
      ['Supported', 'timer'],
      ['Session-Expires', '1800'],
      ...(me.userAgent !== undefined ? [['User-Agent', me.userAgent] as [string, string]] : []),
      ...((o.reinvite === true ? [] : (this.o.extraHeaders ?? [])) as [string, string][]),
      ['Content-Type', contentType],
    ];
    return { bytes: this.sip(`INVITE ${ruri} SIP/2.0`, list, body), label: 'INVITE', method: 'INVITE' };
  }

  /**
   * A response to `tx`. `toTag` overrides the dialog's To tag (a forked early dialog);
   * a 2xx to INVITE confirms the dialog with it.
   */
  response(tx: SipTransaction, code: number, reason: string, o: { toTag?: string; body?: Uint8Array | string; contentType?: string; contact?: boolean } = {}): SipMsg {
    const tag = o.toTag ?? this.toTag;
    if (tx.method === 'INVITE' && code >= 200 && code < 300 && tag !== undefined) this.toTag = tag;
    const responder = tx.fromCaller ? this.o.callee : this.o.caller;
    const toTagged = code === 100 ? '' : tag !== undefined ? `;tag=${tag}` : '';
    const caller = `${this.callerAddr()};tag=${this.fromTag}`;
    const callee = `${this.calleeAddr()}`;
    const [from, to] = tx.fromCaller ? [caller, callee + toTagged] : [callee + (this.toTag !== undefined ? `;tag=${this.toTag}` : ''), caller];
    const withContact = o.contact ?? (tx.method === 'INVITE' && code > 100 && code < 300);
    const list: [string, string][] = [
      ...tx.vias.map((v): [string, string] => ['Via', v]),
      ...(tx.method === 'INVITE' && code > 100 && code < 300 ? this.recordRoute() : []),
      ['From', from],
      ['To', to],
      ['Call-ID', this.callId],
      ['CSeq', `${tx.cseq} ${tx.method}`],
      ...(withContact ? [['Contact', this.contact(responder)] as [string, string]] : []),
      ...(tx.method === 'INVITE' && code >= 180 && code < 300 && tx.cseq === 1 ? [['P-Asserted-Identity', `<${responder.impu}>`] as [string, string]] : []),
      ...(tx.method === 'INVITE' && code === 200
        ? [['Allow', 'INVITE, ACK, BYE, CANCEL, MESSAGE, NOTIFY, OPTIONS, UPDATE'] as [string, string], ['Supported', 'timer'] as [string, string], ['Session-Expires', '1800;refresher=uac'] as [string, string]]
        : []),
      ...(o.body !== undefined ? [['Content-Type', o.contentType ?? 'application/sdp'] as [string, string]] : []),
    ];
    return { bytes: this.sip(`SIP/2.0 ${code} ${reason}`, list, o.body ?? ''), label: String(code), method: tx.method };
  }

  /** ACK: for a 2xx a new transaction (RFC 3261 section 13.2.2.4), else hop-by-hop reusing the INVITE branch (section 17.1.1.3). */
  ack(for2xx = true): SipMsg {
    const inv = this.invite;
    if (inv === undefined) throw new RangeError('ACK without INVITE');
    const vias = for2xx ? this.viasFor(inv.fromCaller).slice(0, 1) : inv.vias.slice(0, 1);
    const target = inv.fromCaller ? this.o.callee : this.o.caller;
    const ruri = for2xx ? `sip:${hostPort(target.ip, target.sipPort)}` : inv.ruri;
    const list: [string, string][] = [...vias.map((v): [string, string] => ['Via', v]), ['Max-Forwards', '70'], ...this.fromTo(inv.fromCaller, true), ['Call-ID', this.callId], ['CSeq', `${inv.cseq} ACK`]];
    return { bytes: this.sip(`ACK ${ruri} SIP/2.0`, list), label: 'ACK', method: 'ACK' };
  }

  /** An in-dialog request without body (BYE, UPDATE, …) or with one. */
  request(method: string, fromCaller: boolean, body?: { type: string; bytes: Uint8Array | string }): { msg: SipMsg; tx: SipTransaction } {
    const cseq = fromCaller ? this.cseqCaller++ : this.cseqCallee++;
    const vias = this.viasFor(fromCaller);
    const target = fromCaller ? this.o.callee : this.o.caller;
    const ruri = `sip:${hostPort(target.ip, target.sipPort)}`;
    const tx: SipTransaction = { method, cseq, fromCaller, vias, ruri };
    const list: [string, string][] = [
      ...vias.map((v): [string, string] => ['Via', v]),
      ['Max-Forwards', '70'],
      ...this.fromTo(fromCaller, true),
      ['Call-ID', this.callId],
      ['CSeq', `${cseq} ${method}`],
      ...(method === 'UPDATE' ? [['Session-Expires', '1800;refresher=uac'] as [string, string], ['Contact', this.contact(fromCaller ? this.o.caller : this.o.callee)] as [string, string]] : []),
      ...(body !== undefined ? [['Content-Type', body.type] as [string, string]] : []),
    ];
    return { msg: { bytes: this.sip(`${method} ${ruri} SIP/2.0`, list, body?.bytes ?? ''), label: method, method }, tx };
  }

  /** CANCEL of the pending INVITE (RFC 3261 section 9.1: same branch, Request-URI, CSeq number). */
  cancel(): { msg: SipMsg; tx: SipTransaction } {
    const inv = this.invite;
    if (inv === undefined) throw new RangeError('CANCEL without INVITE');
    const tx: SipTransaction = { method: 'CANCEL', cseq: inv.cseq, fromCaller: inv.fromCaller, vias: inv.vias.slice(0, 1), ruri: inv.ruri };
    const list: [string, string][] = [['Via', inv.vias[0]!], ['Max-Forwards', '70'], ...this.fromTo(inv.fromCaller, false), ['Call-ID', this.callId], ['CSeq', `${inv.cseq} CANCEL`]];
    return { msg: { bytes: this.sip(`CANCEL ${inv.ruri} SIP/2.0`, list), label: 'CANCEL', method: 'CANCEL' }, tx };
  }

  /** A pager-mode MESSAGE (RFC 3428) outside any dialog, using this object's Call-ID and From tag. */
  messageRequest(body: Uint8Array, contentType: string): { msg: SipMsg; tx: SipTransaction } {
    const cseq = this.cseqCaller++;
    const vias = this.viasFor(true);
    const ruri = this.o.requestUri ?? this.o.callee.impu;
    const tx: SipTransaction = { method: 'MESSAGE', cseq, fromCaller: true, vias, ruri };
    const icsi = this.o.icsi ?? ICSI_PAGER;
    const list: [string, string][] = [
      ...vias.map((v): [string, string] => ['Via', v]),
      ['Max-Forwards', '69'],
      ...this.fromTo(true, false),
      ['Call-ID', this.callId],
      ['CSeq', `${cseq} MESSAGE`],
      ['Accept-Contact', `*;+g.3gpp.icsi-ref="${icsi}"`],
      ...(this.o.callerPai === null ? [] : [['P-Asserted-Identity', `<${this.o.callerPai ?? this.o.caller.impu}>`] as [string, string]]),
      ['P-Asserted-Service', decodeURIComponent(icsi)],
      ...(this.o.conversationId !== undefined ? [['Conversation-ID', this.o.conversationId] as [string, string]] : []),
      ...(this.o.contributionId !== undefined ? [['Contribution-ID', this.o.contributionId] as [string, string]] : []),
      ['Content-Type', contentType],
    ];
    return { msg: { bytes: this.sip(`MESSAGE ${ruri} SIP/2.0`, list, body), label: 'MESSAGE', method: 'MESSAGE' }, tx };
  }
}

// ---------------------------------------------------------------------------------------------
// SDP
// ---------------------------------------------------------------------------------------------

export interface MsrpSdpOptions {
  /** Connection address (c=) and origin address. */
  ip: string;
  /** m=message port. */
  port: number;
  /** a=path URIs, relays first, the endpoint's own URI last (RFC 4975 section 8.1, RFC 4976 section 5). */
  path: readonly string[];
  /** RFC 6135 / RFC 4145 role. */
  setup: 'active' | 'passive' | 'actpass';
  /** SDP o= session id / version. */
  sessionVersion: number;
  acceptTypes?: string;
  acceptWrappedTypes?: string | null;
  /** a=sendrecv (default), a=sendonly, a=recvonly. */
  direction?: 'sendrecv' | 'sendonly' | 'recvonly';
  /** Extra attribute lines (file-selector, …), placed before a=path. */
  extra?: readonly string[];
  /** Extra lines to make the body large (unknown attributes, RFC 8866 section 5.13). */
  padding?: readonly string[];
}

/** The SDP of one MSRP media line (RFC 4975 section 8.1: `m=message <port> TCP/MSRP *`). */
export function msrpSdp(o: MsrpSdpOptions): string {
  const ipv = o.ip.includes(':') ? 'IP6' : 'IP4';
  return sdpBody([
    'v=0',
    `o=- ${o.sessionVersion} ${o.sessionVersion} IN ${ipv} ${o.ip}`,
    's=-',
    `c=IN ${ipv} ${o.ip}`,
    't=0 0',
    `m=message ${o.port} TCP/MSRP *`,
    `a=accept-types:${o.acceptTypes ?? 'message/cpim application/im-iscomposing+xml'}`,
    ...(o.acceptWrappedTypes === null ? [] : [`a=accept-wrapped-types:${o.acceptWrappedTypes ?? 'text/plain message/imdn+xml'}`]),
    ...(o.extra ?? []),
    `a=path:${o.path.join(' ')}`,
    `a=setup:${o.setup}`,
    `a=${o.direction ?? 'sendrecv'}`,
    ...(o.padding ?? []),
  ]);
}

/** `msrp://host:port/session-id;tcp` (RFC 4975 section 9). */
export function msrpUri(ip: string, port: number, sessionId: string): string {
  return `msrp://${hostPort(ip, port)}/${sessionId};tcp`;
}

/** A sha-1 as RFC 5547 section 6 writes it in a file-selector: upper-case hex bytes joined by colons. */
export function fileSelectorHash(sha1Hex: string): string {
  return sha1Hex.toUpperCase().match(/../g)!.join(':');
}
