/**
 * A {@link MediaTrigger} on the wire: the X1 request (ETSI TS 103 221-1) a Triggering Function
 * sends a triggered CC-POI (TS 33.128 clause 5.2.5: LI_T reuses X1 unchanged, the TF in the
 * ADMF role). It goes through the one X1 encoder and decoder of this folder.
 *
 * The bus keeps one value per trigger, the latest state, so the value is the X1Request that
 * brings a POI that never heard of the trigger to that state: an `ActivateTaskRequest` (a
 * `ModifyTaskRequest` after a re-INVITE changed the path), followed by a `DeactivateTaskRequest`
 * of the same xId once the session was released (then the window end is set).
 *
 * Mapping (li-standards.md section 9):
 * - header `admfIdentifier` = the originating tap (`--tap-id`): the TF plays the ADMF;
 *   `neIdentifier` = {@link BUS_NE_IDENTIFIER} (any tap on the bus may be the triggered POI);
 * - `xId`, `deliveryType` X3Only, `listOfDIDs`, `correlationID` (xs:nonNegativeInteger: the
 *   8-octet correlation ID as an unsigned decimal), `productID`;
 * - `targetIdentifiers`: the TargetIdentifier choice (XSD v1.22.1) has addresses and ports only
 *   as separate identifiers, none for "this address and this port", and none for an MSRP session
 *   id: each is a `targetIdentifierExtension` (Owner `msrptap`, namespace {@link TRIGGER_NS}):
 *   `<address>` + `<port>` for an MSRP endpoint, `<sessionId>` for a session id (RFC 4975
 *   section 9) the trigger claims, followed by `<party>target</party>` when it is the target
 *   party's (the direction the 3GPP target extensions carry, TS 33.128 clause 5.2.5);
 * - one `taskDetailsExtensions` (Owner `msrptap`): `LocalSDP` (the offer) and `RemoteSDP` (the
 *   answer), base64 of the SDP bytes (MediaTrigger holds them as latin1 text, one character per
 *   octet) because XML end-of-line handling would turn their CRLFs into LFs (XML 1.0 section
 *   2.11) and a control character is not allowed in XML text;
 *   `windowStart` and, once released, `windowEnd` as `<seconds>.<9-digit nanoseconds>`;
 *   `targetParty` / `otherParty` (each 0–8): the parties' identities as the triggering tap's
 *   records name them (SIP From/PAI/To), so the triggered tap's rCSMessage records name them too.
 *
 * Decoding is strict: anything else (another request type, a missing or repeated field, a
 * foreign extension, a value out of range) refuses the whole trigger with a reason, never a
 * partial trigger.
 */
import { TAP_ID_RE } from '../core/tap-id.js';
import type { CaptureInstant, MediaEndpoint, MediaTrigger } from '../correlate/media-trigger.js';
import { encodeRequest, type X1RequestItem } from './x1-request-encoder.js';
import { decodeRequestMessage } from './x1-request-decoder.js';
import type { X1Extension, X1TaskDetails } from './x1-model.js';
import { children, parseXml, X1_NS } from './x1-xml.js';

/** The namespace of msrptap's X1 extension elements (xs:any namespace="##other"). */
export const TRIGGER_NS = 'urn:msrptap:x1:li-t3:1';
export const TRIGGER_OWNER = 'msrptap';
/** neIdentifier of a trigger put on the bus: every tap is a possible triggered POI. */
export const BUS_NE_IDENTIFIER = 'msrptap-bus';
/** Caps: one trigger is a few KiB; an SDP over 64 KiB is not one a UA sends. */
export const MAX_TRIGGER_BYTES = 256 * 1024;
const MAX_SDP_BYTES = 64 * 1024;
const MAX_LIST = 64;

export interface EncodedTriggerOptions {
  /** ModifyTask instead of ActivateTask (a re-INVITE changed the path). */
  readonly modified?: boolean;
  readonly now?: Date;
  readonly newId?: () => string;
}

export type DecodedTrigger = { readonly ok: true; readonly trigger: MediaTrigger; readonly modified: boolean } | { readonly ok: false; readonly reason: string };

function instantText(i: CaptureInstant): string {
  return `${i.sec}.${String(i.nsec).padStart(9, '0')}`;
}

function b64(s: string): string {
  return Buffer.from(s, 'latin1').toString('base64');
}

/**
 * Endpoints are hints (the session ids decide what a trigger claims): one the decoder would
 * refuse (not an IP literal, port 0) is left out rather than losing the whole trigger.
 */
function validEndpoint(e: MediaEndpoint): boolean {
  return (IPV4_RE.test(e.addr) || (IPV6_RE.test(e.addr) && e.addr.includes(':'))) && Number.isInteger(e.port) && e.port >= 1 && e.port <= 65535;
}

/** A party identity the decoder accepts (a URI as SIP headers carry it: visible ASCII, capped). */
const PARTY_RE = /^[\x21-\x7e]{1,512}$/;
const MAX_PARTIES = 8;
function validParty(x: string): boolean {
  return PARTY_RE.test(x);
}

/** The trigger as an X1Request document (UTF-8 text). */
export function encodeMediaTrigger(t: MediaTrigger, o: EncodedTriggerOptions = {}): string {
  const ext = (items: { local: string; text: string }[]): X1Extension => ({ owner: TRIGGER_OWNER, ns: TRIGGER_NS, items });
  const taskDetails: X1TaskDetails = {
    xId: t.xId,
    targetIdentifiers: [],
    targetExtensions: [
      ...t.endpoints.filter(validEndpoint).map((e) =>
        ext([
          { local: 'address', text: e.addr },
          { local: 'port', text: String(e.port) },
        ]),
      ),
      ...t.sessionIds.map((id) => ext([{ local: 'sessionId', text: id }, ...(t.targetSessionIds?.includes(id) === true ? [{ local: 'party', text: 'target' }] : [])])),
    ],
    deliveryType: 'X3Only',
    listOfDIDs: t.dids,
    correlationID: BigInt(`0x${t.correlationId}`).toString(10),
    productID: t.productId,
    taskDetailsExtensions: [
      ext([
        { local: 'LocalSDP', text: b64(t.sdpOffer) },
        { local: 'RemoteSDP', text: b64(t.sdpAnswer) },
        { local: 'windowStart', text: instantText(t.windowStart) },
        ...(t.windowEnd !== null ? [{ local: 'windowEnd', text: instantText(t.windowEnd) }] : []),
        ...(t.parties?.target ?? [])
          .filter(validParty)
          .slice(0, MAX_PARTIES)
          .map((x) => ({ local: 'targetParty', text: x })),
        ...(t.parties?.other ?? [])
          .filter(validParty)
          .slice(0, MAX_PARTIES)
          .map((x) => ({ local: 'otherParty', text: x })),
      ]),
    ],
  };
  const items: X1RequestItem[] = [{ type: o.modified === true ? 'ModifyTask' : 'ActivateTask', taskDetails }];
  if (t.windowEnd !== null) items.push({ type: 'DeactivateTask', xId: t.xId });
  return encodeRequest(t.originTap, BUS_NE_IDENTIFIER, items, o.now, o.newId);
}

/** Thrown inside this module only. */
class Refuse {
  constructor(readonly reason: string) {}
}
function refuse(reason: string): never {
  throw new Refuse(reason);
}

function instant(s: string, what: string): CaptureInstant {
  const m = /^(\d{1,15})\.(\d{9})$/.exec(s);
  if (m === null) refuse(`${what}: not <seconds>.<9-digit nanoseconds>`);
  return { sec: Number(m[1]), nsec: Number(m[2]) };
}

function sdp(s: string, what: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0 || (s.length * 3) / 4 > MAX_SDP_BYTES) refuse(`${what}: not base64 of at most ${MAX_SDP_BYTES} bytes`);
  try {
    return Buffer.from(s, 'base64').toString('latin1');
  } catch {
    return refuse(`${what}: not base64`);
  }
}

const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6_RE = /^[0-9a-f:.]{2,45}$/i;
/**
 * RFC 4975 section 9: session-id = 1*( unreserved / "+" / "=" / "/" ); what a lenient parser
 * may have taken from a real a=path is kept too (visible ASCII), never whitespace or controls.
 */
const SESSION_ID_RE = /^[\x21-\x7e]{1,256}$/;

function ours(x: X1Extension, what: string): Map<string, string[]> {
  if (x.owner !== TRIGGER_OWNER || x.ns !== TRIGGER_NS) refuse(`${what}: not an msrptap extension`);
  const m = new Map<string, string[]>();
  for (const it of x.items) m.set(it.local, [...(m.get(it.local) ?? []), it.text]);
  return m;
}

function target(x: X1Extension): { endpoint?: MediaEndpoint; sessionId?: string; target?: boolean } {
  const m = ours(x, 'targetIdentifierExtension');
  const order = x.items.map((i) => i.local).join(',');
  if (order === 'sessionId' || order === 'sessionId,party') {
    const id = m.get('sessionId')![0]!;
    if (!SESSION_ID_RE.test(id)) refuse('sessionId: not an RFC 4975 session-id');
    const party = m.get('party')?.[0];
    if (party !== undefined && party !== 'target') refuse('party: not "target"');
    return { sessionId: id, target: party !== undefined };
  }
  if (order === 'address,port') {
    const addr = m.get('address')![0]!;
    if (!IPV4_RE.test(addr) && !(IPV6_RE.test(addr) && addr.includes(':'))) refuse('address: not an IPv4 or IPv6 address');
    const p = m.get('port')![0]!;
    const port = /^\d{1,5}$/.test(p) ? Number(p) : NaN;
    if (!(port >= 1 && port <= 65535)) refuse('port: not 1..65535');
    return { endpoint: { addr, port } };
  }
  return refuse('targetIdentifierExtension: neither address+port nor sessionId');
}

function taskExtension(list: readonly X1Extension[] | undefined): Pick<MediaTrigger, 'sdpOffer' | 'sdpAnswer' | 'windowStart' | 'windowEnd' | 'parties'> {
  if (list === undefined || list.length !== 1) refuse('taskDetailsExtensions: exactly one msrptap extension expected');
  const m = ours(list[0]!, 'taskDetailsExtensions');
  const order = list[0]!.items.map((i) => i.local).join(',');
  if (!/^LocalSDP,RemoteSDP,windowStart(,windowEnd)?(,targetParty)*(,otherParty)*$/.test(order)) refuse('taskDetailsExtensions: LocalSDP, RemoteSDP, windowStart[, windowEnd], targetParty*, otherParty* expected');
  const end = m.get('windowEnd')?.[0];
  const target = m.get('targetParty') ?? [];
  const other = m.get('otherParty') ?? [];
  if (target.length > MAX_PARTIES || other.length > MAX_PARTIES) refuse(`targetParty, otherParty: at most ${MAX_PARTIES} each`);
  if (![...target, ...other].every(validParty)) refuse('targetParty, otherParty: not a URI of visible ASCII');
  return {
    sdpOffer: sdp(m.get('LocalSDP')![0]!, 'LocalSDP'),
    sdpAnswer: sdp(m.get('RemoteSDP')![0]!, 'RemoteSDP'),
    windowStart: instant(m.get('windowStart')![0]!, 'windowStart'),
    windowEnd: end === undefined ? null : instant(end, 'windowEnd'),
    ...(target.length + other.length > 0 ? { parties: { target, other } } : {}),
  };
}

function correlation(dec: string | undefined): string {
  if (dec === undefined || !/^\d{1,20}$/.test(dec)) refuse('correlationID: missing or not a non-negative integer');
  const v = BigInt(dec);
  if (v >= 1n << 64n) refuse('correlationID: more than 8 octets');
  return v.toString(16).padStart(16, '0');
}

/** Decodes and checks one trigger; never throws. The reason names the rule, never echoes content. */
export function decodeMediaTrigger(body: Uint8Array): DecodedTrigger {
  if (body.length > MAX_TRIGGER_BYTES) return { ok: false, reason: `more than ${MAX_TRIGGER_BYTES} bytes` };
  const doc = parseXml(body);
  if (!doc.ok) return { ok: false, reason: doc.reason };
  try {
    if (doc.root.namespaceURI !== X1_NS || doc.root.localName !== 'X1Request') refuse('root is not an X1Request');
    const msgs = children(doc.root);
    if (msgs.length < 1 || msgs.length > 2 || msgs.some((m) => m.namespaceURI !== X1_NS || m.localName !== 'x1RequestMessage')) refuse('one or two x1RequestMessage expected');
    const decoded = msgs.map((m) => decodeRequestMessage(m, { extensions: true }));
    const reqs = decoded.map((d) => (d.ok ? d.request : refuse(`X1 error ${d.error.code}: ${d.error.description}`)));
    const first = reqs[0]!;
    if (first.type !== 'ActivateTask' && first.type !== 'ModifyTask') refuse('first message is not an ActivateTask or ModifyTask');
    const td = first.taskDetails;
    const h = first.header;
    if (!TAP_ID_RE.test(h.admfIdentifier)) refuse('admfIdentifier: not a tap id');
    if (h.neIdentifier !== BUS_NE_IDENTIFIER) refuse('neIdentifier: not the bus');
    if (!/^v1\.\d+\.\d+$/.test(h.version)) refuse('version: not v1.x.y');
    const second = reqs[1];
    if (second !== undefined && (second.type !== 'DeactivateTask' || second.xId !== td.xId || second.header.admfIdentifier !== h.admfIdentifier)) refuse('second message is not the DeactivateTask of the same xId and tap');
    if (td.deliveryType !== 'X3Only') refuse('deliveryType: not X3Only');
    if (td.targetIdentifiers.length > 0) refuse('targetIdentifiers: only msrptap extensions expected');
    if (td.productID === undefined) refuse('productID missing');
    if (td.listOfMediationDetails !== undefined || td.implicitDeactivationAllowed !== undefined) refuse('unexpected listOfMediationDetails or implicitDeactivationAllowed');
    if (td.listOfDIDs.length > MAX_LIST || (td.targetExtensions?.length ?? 0) > 2 * MAX_LIST) refuse('too many destinations or targets');
    const endpoints: MediaEndpoint[] = [];
    const sessionIds: string[] = [];
    const targetSessionIds: string[] = [];
    for (const x of td.targetExtensions ?? []) {
      const t = target(x);
      if (t.endpoint !== undefined) endpoints.push(t.endpoint);
      if (t.sessionId !== undefined) sessionIds.push(t.sessionId);
      if (t.target === true) targetSessionIds.push(t.sessionId!);
    }
    if (sessionIds.length === 0) refuse('no sessionId target: a trigger claims sessions by id');
    const ext = taskExtension(td.taskDetailsExtensions);
    // windowEnd is set exactly when the session was released, i.e. when the DeactivateTask follows.
    if ((ext.windowEnd !== null) !== (second !== undefined)) refuse('windowEnd and DeactivateTask must come together');
    if (ext.windowEnd !== null && (ext.windowEnd.sec < ext.windowStart.sec || (ext.windowEnd.sec === ext.windowStart.sec && ext.windowEnd.nsec < ext.windowStart.nsec))) refuse('windowEnd before windowStart');
    const trigger: MediaTrigger = {
      xId: td.xId,
      originTap: h.admfIdentifier,
      productId: td.productID,
      correlationId: correlation(td.correlationID),
      dids: td.listOfDIDs,
      sessionIds,
      ...(targetSessionIds.length > 0 ? { targetSessionIds } : {}),
      endpoints,
      ...ext,
    };
    return { ok: true, trigger, modified: first.type === 'ModifyTask' };
  } catch (e) {
    if (e instanceof Refuse) return { ok: false, reason: e.reason };
    throw e;
  }
}
