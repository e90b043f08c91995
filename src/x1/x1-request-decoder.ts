/**
 * Decodes the messages of an `X1Request` (ETSI TS 103 221-1 clause 6) from the DOM of
 * ./x1-xml.ts into ./x1-model.ts values. Every rule broken becomes an X1Error for that message
 * (1010 schema, 1080 unsupported request, 3010 unsupported target identifier type, 6020
 * unsupported address type); the other messages of the container are still answered.
 *
 * Sequences are checked in xs:sequence order (clause 6.2.1: the order of TaskDetails is
 * normative): an element out of order, repeated or unknown is a schema error.
 */
import type { Element } from '@xmldom/xmldom';
import { formatUuid, parseUuid } from '../records/uuid.js';
import {
  SUPPORTED_REQUESTS,
  SUPPORTED_TARGET_KINDS,
  X1_ERR,
  type HiDeliveryType,
  type X1DestinationDetails,
  type X1Error,
  type X1Extension,
  type X1Header,
  type X1MediationDetails,
  type X1Request,
  type X1RequestType,
  type X1Target,
  type X1TaskDetails,
  type X2X3DeliveryType,
} from './x1-model.js';
import { children, COMMON_NS, textOf, X1_NS, xsiType } from './x1-xml.js';

/** Thrown inside this module only, caught by {@link decodeRequestMessage}. */
class Reject {
  constructor(readonly error: X1Error) {}
}
function reject(code: number, description: string): never {
  throw new Reject({ code, description });
}

export type DecodedMessage = { readonly ok: true; readonly request: X1Request } | { readonly ok: false; readonly header: Partial<X1Header>; readonly requestMessageType: string; readonly error: X1Error };

const HEADER = ['admfIdentifier', 'neIdentifier', 'messageTimestamp', 'version', 'x1TransactionId'] as const;

/**
 * A name from the request as a reason may show it (X1 error responses, bus.trigger_refused details
 * and logs): it is the sender's choice, of any length, and may carry an identity (trigger review
 * F11). X1 names are short camelCase words; anything else is shown by its length only.
 */
export function shownName(name: string | null): string {
  if (name === null) return '(no name)';
  return /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name) ? name : `(a name of ${name.length} characters)`;
}

/**
 * Reads the children of `el` against an xs:sequence: `spec` lists the local names in order with
 * their occurrence (1 = exactly one, '?' optional, '+' one or more, '*' any). Returns the
 * elements by name. Unknown, repeated or out-of-order X1 elements: 1010.
 */
function sequence(el: Element, spec: readonly (readonly [string, 1 | '?' | '+' | '*'])[], what: string, ns = X1_NS): Map<string, Element[]> {
  const got = new Map<string, Element[]>();
  let at = 0;
  for (const c of children(el)) {
    if (c.namespaceURI !== ns) reject(X1_ERR.schema, `${what}: element in an unexpected namespace`);
    let i = at;
    while (i < spec.length && spec[i]![0] !== c.localName) i++;
    if (i === spec.length) reject(X1_ERR.schema, `${what}: unexpected or out-of-order element ${shownName(c.localName)}`);
    const [name, occ] = spec[i]!;
    const list = got.get(name) ?? [];
    if (list.length > 0 && (occ === 1 || occ === '?')) reject(X1_ERR.schema, `${what}: ${name} repeated`);
    list.push(c);
    got.set(name, list);
    at = i;
  }
  for (const [name, occ] of spec) if ((occ === 1 || occ === '+') && !got.has(name)) reject(X1_ERR.schema, `${what}: ${name} missing`);
  return got;
}

function text(el: Element, what: string): string {
  const t = textOf(el);
  if (t === undefined || t === '') reject(X1_ERR.schema, `${what}: empty or not a simple value`);
  return t;
}

function uuid(el: Element, what: string): string {
  const b = parseUuid(text(el, what));
  if (b === undefined) reject(X1_ERR.schema, `${what}: not a UUID`);
  return formatUuid(b);
}

function oneOf<T extends string>(el: Element, allowed: readonly T[], what: string): T {
  const t = text(el, what);
  if (!(allowed as readonly string[]).includes(t)) reject(X1_ERR.schema, `${what}: not one of ${allowed.join(', ')}`);
  return t as T;
}

/** xs:dateTime with a zone (TS 103 280 QualifiedDateTime / QualifiedMicrosecondDateTime). */
function dateTime(el: Element, what: string): string {
  const t = text(el, what);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(t) || Number.isNaN(Date.parse(t))) reject(X1_ERR.schema, `${what}: not a date-time with a zone`);
  return t;
}

function first(m: Map<string, Element[]>, name: string): Element | undefined {
  return m.get(name)?.[0];
}

/**
 * ListOfDids (XSD v1.22.1): zero or more `dId`, then zero or more `dSId` (destination sets of
 * TS 103 221-1 annex, which msrptap does not implement: 3020).
 */
function dids(list: Element, what: string): string[] {
  const s = sequence(
    list,
    [
      ['dId', '*'],
      ['dSId', '*'],
    ],
    what,
  );
  if (s.has('dSId')) reject(X1_ERR.combination, `${what}: destination sets (dSId) are not supported`);
  return (s.get('dId') ?? []).map((e) => uuid(e, `${what}.dId`));
}

const X2X3: readonly X2X3DeliveryType[] = ['X2Only', 'X3Only', 'X2andX3'];
const HI: readonly HiDeliveryType[] = ['HI2Only', 'HI3Only', 'HI2andHI3'];

function target(el: Element): X1Target {
  const c = children(el);
  if (c.length !== 1) reject(X1_ERR.schema, 'targetIdentifier: exactly one choice expected');
  const e = c[0]!;
  const kind = e.namespaceURI === X1_NS ? (SUPPORTED_TARGET_KINDS as readonly string[]).find((k) => k === e.localName) : undefined;
  if (kind === undefined) reject(X1_ERR.targetType, `targetIdentifier type ${shownName(e.localName)} is not supported (supported: ${SUPPORTED_TARGET_KINDS.join(', ')})`);
  return { kind: kind as X1Target['kind'], value: text(e, `targetIdentifier.${kind}`) };
}

/**
 * What the decoder keeps beyond what the X1 NE needs. `extensions`: keep `targetIdentifierExtension`
 * targets and `taskDetailsExtensions` (the LI_T3 trigger codec); without it an extension target
 * is an unsupported target type (3010) and task extensions are accepted and dropped.
 */
export interface X1DecodeOptions {
  readonly extensions?: boolean;
}

/**
 * An `Extension` (XSD v1.22.1): `Owner`, then elements of another namespace (xs:any ##other).
 * Only the flat form is kept (simple elements of one namespace): anything else is 1010.
 */
function extension(el: Element, what: string): X1Extension {
  const c = children(el);
  const owner = c[0];
  if (owner === undefined || owner.namespaceURI !== X1_NS || owner.localName !== 'Owner') reject(X1_ERR.schema, `${what}: Owner missing`);
  const rest = c.slice(1);
  const ns = rest[0]?.namespaceURI ?? '';
  const items: { local: string; text: string }[] = [];
  for (const e of rest) {
    if (e.namespaceURI === null || e.namespaceURI === X1_NS || e.namespaceURI !== ns) reject(X1_ERR.schema, `${what}: elements of one other namespace expected`);
    const t = textOf(e);
    if (t === undefined) reject(X1_ERR.schema, `${what}: ${shownName(e.localName)} is not a simple value`);
    items.push({ local: e.localName ?? '', text: t });
  }
  return { owner: text(owner, `${what}.Owner`), ns, items };
}

/** MediationDetails (XSD v1.22.1): the XSD spells LIID, StartTime and EndTime with capitals. */
function mediation(el: Element): X1MediationDetails {
  const s = sequence(
    el,
    [
      ['LIID', 1],
      ['deliveryType', 1],
      ['StartTime', '?'],
      ['EndTime', '?'],
      ['listOfDIDs', '?'],
      ['mediationDetailsExtensions', '*'],
      ['serviceScopingOptions', '?'],
      ['listOfTrafficPolicyReferences', '?'],
    ],
    'mediationDetails',
  );
  const start = first(s, 'StartTime');
  const end = first(s, 'EndTime');
  const list = first(s, 'listOfDIDs');
  return {
    lIID: text(first(s, 'LIID')!, 'mediationDetails.LIID'),
    deliveryType: oneOf(first(s, 'deliveryType')!, HI, 'mediationDetails.deliveryType'),
    ...(start !== undefined ? { startTime: dateTime(start, 'mediationDetails.StartTime') } : {}),
    ...(end !== undefined ? { endTime: dateTime(end, 'mediationDetails.EndTime') } : {}),
    ...(list !== undefined ? { listOfDIDs: dids(list, 'mediationDetails.listOfDIDs') } : {}),
  };
}

/**
 * `taskDetails` (TS 103 221-1 clause 6.2.1, table 6: order is normative; occurrences from
 * TS_103_221_01.xsd v1.22.1 TaskDetails: listOfDIDs mandatory, extensions repeatable).
 */
export function decodeTaskDetails(el: Element, opts: X1DecodeOptions = {}): X1TaskDetails {
  const s = sequence(
    el,
    [
      ['xId', 1],
      ['targetIdentifiers', 1],
      ['deliveryType', 1],
      ['listOfDIDs', 1],
      ['listOfMediationDetails', '?'],
      ['correlationID', '?'],
      ['implicitDeactivationAllowed', '?'],
      ['productID', '?'],
      ['listOfServiceTypes', '?'],
      ['taskDetailsExtensions', '*'],
      ['listOfTrafficPolicyReferences', '?'],
    ],
    'taskDetails',
  );
  const targets: X1Target[] = [];
  const targetExtensions: X1Extension[] = [];
  for (const t of sequence(first(s, 'targetIdentifiers')!, [['targetIdentifier', '+']], 'targetIdentifiers').get('targetIdentifier')!) {
    const only = children(t);
    if (opts.extensions === true && only.length === 1 && only[0]!.namespaceURI === X1_NS && only[0]!.localName === 'targetIdentifierExtension') targetExtensions.push(extension(only[0]!, 'targetIdentifierExtension'));
    else targets.push(target(t));
  }
  const taskExtensions = opts.extensions === true ? (s.get('taskDetailsExtensions') ?? []).map((e) => extension(e, 'taskDetailsExtensions')) : [];
  const med = first(s, 'listOfMediationDetails');
  // ListOfMediationDetails may be empty (mediationDetails minOccurs 0): then there are none.
  const meds = med === undefined ? [] : (sequence(med, [['mediationDetails', '*']], 'listOfMediationDetails').get('mediationDetails') ?? []).map(mediation);
  const corr = first(s, 'correlationID');
  const ida = first(s, 'implicitDeactivationAllowed');
  const product = first(s, 'productID');
  return {
    xId: uuid(first(s, 'xId')!, 'taskDetails.xId'),
    targetIdentifiers: targets,
    deliveryType: oneOf(first(s, 'deliveryType')!, X2X3, 'taskDetails.deliveryType'),
    listOfDIDs: dids(first(s, 'listOfDIDs')!, 'taskDetails.listOfDIDs'),
    ...(meds.length > 0 ? { listOfMediationDetails: meds } : {}),
    ...(corr !== undefined ? { correlationID: text(corr, 'taskDetails.correlationID') } : {}),
    ...(ida !== undefined ? { implicitDeactivationAllowed: oneOf(ida, ['true', 'false', '1', '0'], 'taskDetails.implicitDeactivationAllowed') === 'true' || textOf(ida) === '1' } : {}),
    ...(product !== undefined ? { productID: uuid(product, 'taskDetails.productID') } : {}),
    ...(targetExtensions.length > 0 ? { targetExtensions } : {}),
    ...(taskExtensions.length > 0 ? { taskDetailsExtensions: taskExtensions } : {}),
  };
}

/** `destinationDetails` (clause 6.3.1); delivery addresses other than ipAddressAndPort/TCP: 6020. */
export function decodeDestinationDetails(el: Element): X1DestinationDetails {
  const s = sequence(
    el,
    [
      ['dId', 1],
      ['friendlyName', '?'],
      ['deliveryType', 1],
      ['deliveryAddress', 1],
      ['destinationDetailsExtensions', '*'],
    ],
    'destinationDetails',
  );
  const addr = children(first(s, 'deliveryAddress')!);
  if (addr.length !== 1) reject(X1_ERR.schema, 'deliveryAddress: exactly one choice expected');
  const a = addr[0]!;
  if (a.namespaceURI !== X1_NS || a.localName !== 'ipAddressAndPort') reject(X1_ERR.addressType, `deliveryAddress ${shownName(a.localName)} is not supported (only ipAddressAndPort with a TCP port)`);
  // address and port and their children are TS 103 280 elements (li-standards.md 8).
  const ap = sequence(
    a,
    [
      ['address', 1],
      ['port', 1],
    ],
    'ipAddressAndPort',
    COMMON_NS,
  );
  const ipEl = children(first(ap, 'address')!);
  const portEl = children(first(ap, 'port')!);
  if (ipEl.length !== 1 || portEl.length !== 1 || ipEl[0]!.namespaceURI !== COMMON_NS || portEl[0]!.namespaceURI !== COMMON_NS) reject(X1_ERR.schema, 'ipAddressAndPort: address and port need exactly one TS 103 280 choice each');
  const ipKind = ipEl[0]!.localName;
  const ip = text(ipEl[0]!, 'address');
  if (ipKind === 'IPv4Address') {
    if (!/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(ip)) reject(X1_ERR.schema, 'IPv4Address: not a dotted quad');
  } else if (ipKind === 'IPv6Address') {
    if (!/^[0-9A-Fa-f:.]{2,45}$/.test(ip) || !ip.includes(':')) reject(X1_ERR.schema, 'IPv6Address: not an IPv6 address');
  } else reject(X1_ERR.schema, `address: unknown choice ${shownName(ipKind)}`);
  const portKind = portEl[0]!.localName;
  if (portKind === 'UDPPort') reject(X1_ERR.addressType, 'UDPPort: X2/X3 delivery is over TCP (TS 103 221-2)');
  if (portKind !== 'TCPPort') reject(X1_ERR.schema, `port: unknown choice ${shownName(portKind)}`);
  const pt = text(portEl[0]!, 'TCPPort');
  const port = /^\d{1,5}$/.test(pt) ? Number(pt) : NaN;
  if (!(port >= 1 && port <= 65535)) reject(X1_ERR.schema, 'TCPPort: not 1..65535');
  const fn = first(s, 'friendlyName');
  return {
    dId: uuid(first(s, 'dId')!, 'destinationDetails.dId'),
    ...(fn !== undefined ? { friendlyName: text(fn, 'destinationDetails.friendlyName') } : {}),
    deliveryType: oneOf(first(s, 'deliveryType')!, X2X3, 'destinationDetails.deliveryType'),
    address: { kind: ipKind, value: ip },
    port: { kind: 'TCPPort', value: port },
  };
}

/** Reads what it can of the header, for the echo in an ErrorResponse. */
function partialHeader(el: Element): Partial<X1Header> {
  const h: Partial<Record<(typeof HEADER)[number], string>> = {};
  for (const name of HEADER) {
    const c = children(el, X1_NS, name);
    const t = c.length === 1 ? textOf(c[0]!) : undefined;
    if (t !== undefined && t !== '' && t.length <= 256) h[name] = t;
  }
  return h;
}

/** Decodes one `x1RequestMessage` element. */
export function decodeRequestMessage(el: Element, opts: X1DecodeOptions = {}): DecodedMessage {
  const header = partialHeader(el);
  const t = xsiType(el);
  const typeName = t?.local ?? '';
  const base = typeName.endsWith('Request') ? typeName.slice(0, -'Request'.length) : typeName;
  try {
    if (t === undefined) reject(X1_ERR.schema, 'x1RequestMessage without an xsi:type');
    // Any xsi:type that is not one of the X1 request types supported here, in whatever
    // namespace, is an unsupported request (1080), not a schema error.
    const type = t.ns === X1_NS && (SUPPORTED_REQUESTS as readonly string[]).includes(base) && typeName.endsWith('Request') ? (base as X1RequestType) : undefined;
    if (type === undefined) reject(X1_ERR.unsupportedRequest, `request type ${shownName(typeName)} is not supported`);
    const body: [string, 1 | '?'][] = [];
    if (type === 'ActivateTask' || type === 'ModifyTask') body.push(['taskDetails', 1]);
    else if (type === 'DeactivateTask' || type === 'GetTaskDetails') body.push(['xId', 1]);
    else if (type === 'CreateDestination' || type === 'ModifyDestination') body.push(['destinationDetails', 1]);
    else if (type === 'RemoveDestination' || type === 'GetDestinationDetails') body.push(['dId', 1]);
    const s = sequence(el, [...HEADER.map((h) => [h, 1] as const), ...body], `${type}Request`);
    const h: X1Header = {
      admfIdentifier: text(first(s, 'admfIdentifier')!, 'admfIdentifier'),
      neIdentifier: text(first(s, 'neIdentifier')!, 'neIdentifier'),
      messageTimestamp: text(first(s, 'messageTimestamp')!, 'messageTimestamp'),
      version: text(first(s, 'version')!, 'version'),
      x1TransactionId: uuid(first(s, 'x1TransactionId')!, 'x1TransactionId'),
    };
    switch (type) {
      case 'ActivateTask':
      case 'ModifyTask':
        return { ok: true, request: { type, header: h, taskDetails: decodeTaskDetails(first(s, 'taskDetails')!, opts) } };
      case 'DeactivateTask':
      case 'GetTaskDetails':
        return { ok: true, request: { type, header: h, xId: uuid(first(s, 'xId')!, 'xId') } };
      case 'CreateDestination':
      case 'ModifyDestination':
        return { ok: true, request: { type, header: h, destinationDetails: decodeDestinationDetails(first(s, 'destinationDetails')!) } };
      case 'RemoveDestination':
      case 'GetDestinationDetails':
        return { ok: true, request: { type, header: h, dId: uuid(first(s, 'dId')!, 'dId') } };
      default:
        return { ok: true, request: { type, header: h } };
    }
  } catch (e) {
    if (!(e instanceof Reject)) throw e;
    // The type echoed in the ErrorResponse: only an X1 one (the encoder keeps only RequestMessageType values).
    return { ok: false, header, requestMessageType: t?.ns === X1_NS ? base.slice(0, 64) : '', error: e.error };
  }
}
