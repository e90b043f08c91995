/**
 * Writes X1 documents (ETSI TS 103 221-1 clause 6): the NE's responses and, for the lab ADMF
 * (`msrptap x1`) and NE→ADMF reports, requests. Built with createElementNS through
 * ./x1-xml.ts, so every value is escaped by the serializer and every element is qualified.
 * Element names, order and enumeration values follow TS_103_221_01.xsd v1.22.1 (the ETSI schema
 * as vendored by endorses/lippycat, internal/pkg/li/x1/xsd/, commit 27286cf) and TS_103_280.xsd
 * v2.15.1 for the common types.
 */
import type { Element } from '@xmldom/xmldom';
import { NIL_UUID } from '../records/uuid.js';
import { REQUEST_MESSAGE_TYPES, X1_ERR, type X1DestinationDetails, type X1Error, type X1Extension, type X1Header, type X1TaskDetails } from './x1-model.js';
import { COMMON_NS, XmlBuilder } from './x1-xml.js';

/** Schema version msrptap speaks (li-standards.md 8: generated from the v1.15.1 XSDs; major v1). */
export const X1_VERSION = 'v1.15.1';

/** xs:dateTime in UTC with microseconds, as the fixtures write it. */
export function x1Timestamp(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function encodeTaskDetails(b: XmlBuilder, parent: Element, t: X1TaskDetails): void {
  const td = b.add(parent, 'taskDetails');
  b.add(td, 'xId', t.xId);
  const ids = b.add(td, 'targetIdentifiers');
  for (const id of t.targetIdentifiers) b.add(b.add(ids, 'targetIdentifier'), id.kind, id.value);
  for (const x of t.targetExtensions ?? []) encodeExtension(b, b.add(ids, 'targetIdentifier'), 'targetIdentifierExtension', x);
  b.add(td, 'deliveryType', t.deliveryType);
  // listOfDIDs is mandatory in TaskDetails (TS_103_221_01.xsd v1.22.1: no minOccurs), its dId
  // list may be empty (ListOfDids: dId minOccurs 0): always written.
  const dl = b.add(td, 'listOfDIDs');
  for (const d of t.listOfDIDs) b.add(dl, 'dId', d);
  if (t.listOfMediationDetails !== undefined) {
    const l = b.add(td, 'listOfMediationDetails');
    for (const m of t.listOfMediationDetails) {
      const e = b.add(l, 'mediationDetails');
      // Element names as the XSD (v1.22.1, MediationDetails) spells them: LIID, StartTime, EndTime.
      b.add(e, 'LIID', m.lIID);
      b.add(e, 'deliveryType', m.deliveryType);
      if (m.startTime !== undefined) b.add(e, 'StartTime', m.startTime);
      if (m.endTime !== undefined) b.add(e, 'EndTime', m.endTime);
      if (m.listOfDIDs !== undefined) {
        const dl = b.add(e, 'listOfDIDs');
        for (const d of m.listOfDIDs) b.add(dl, 'dId', d);
      }
    }
  }
  if (t.correlationID !== undefined) b.add(td, 'correlationID', t.correlationID);
  if (t.implicitDeactivationAllowed !== undefined) b.add(td, 'implicitDeactivationAllowed', String(t.implicitDeactivationAllowed));
  if (t.productID !== undefined) b.add(td, 'productID', t.productID);
  for (const x of t.taskDetailsExtensions ?? []) encodeExtension(b, td, 'taskDetailsExtensions', x);
}

/** An `Extension` (XSD v1.22.1): X1 `Owner`, then the simple elements of the extension's namespace. */
function encodeExtension(b: XmlBuilder, parent: Element, local: string, x: X1Extension): void {
  const e = b.add(parent, local);
  b.add(e, 'Owner', x.owner);
  for (const it of x.items) b.add(e, it.local, it.text, x.ns);
}

export function encodeDestinationDetails(b: XmlBuilder, parent: Element, d: X1DestinationDetails): void {
  const dd = b.add(parent, 'destinationDetails');
  b.add(dd, 'dId', d.dId);
  if (d.friendlyName !== undefined) b.add(dd, 'friendlyName', d.friendlyName);
  b.add(dd, 'deliveryType', d.deliveryType);
  const ap = b.add(b.add(dd, 'deliveryAddress'), 'ipAddressAndPort');
  b.add(b.add(ap, 'address', undefined, COMMON_NS), d.address.kind, d.address.value, COMMON_NS);
  b.add(b.add(ap, 'port', undefined, COMMON_NS), d.port.kind, String(d.port.value), COMMON_NS);
}

/** Runtime status of a task (clause 6.2.6 TaskStatus). */
export interface TaskStatusValues {
  readonly provisioningStatus: 'awaitingProvisioning' | 'failed' | 'complete';
  readonly faults: readonly X1Error[];
  readonly timeOfLastIntercept?: string;
  readonly amountOfX2Data: number;
  readonly amountOfX3Data: number;
  readonly timeOfLastModification: string;
  readonly numberOfModifications: number;
}

/**
 * `listOfFaults` (XSD v1.22.1, ListOfFaults): zero or more `unresolvedFault` of type
 * ErrorInformation {errorCode, errorDescription}. Mandatory in TaskStatus, DestinationStatus
 * and NeStatusDetails, so written even when empty.
 */
function faults(b: XmlBuilder, parent: Element, list: readonly X1Error[]): void {
  const l = b.add(parent, 'listOfFaults');
  for (const f of list) {
    const e = b.add(l, 'unresolvedFault');
    b.add(e, 'errorCode', String(f.code));
    b.add(e, 'errorDescription', f.description);
  }
}

export function encodeTaskResponseDetails(b: XmlBuilder, parent: Element, t: X1TaskDetails, s: TaskStatusValues): void {
  const r = b.add(parent, 'taskResponseDetails');
  encodeTaskDetails(b, r, t);
  const st = b.add(r, 'taskStatus');
  b.add(st, 'provisioningStatus', s.provisioningStatus);
  faults(b, st, s.faults);
  if (s.timeOfLastIntercept !== undefined) b.add(st, 'timeOfLastIntercept', s.timeOfLastIntercept);
  b.add(st, 'amountOfX2Data', String(s.amountOfX2Data));
  b.add(st, 'amountOfX3Data', String(s.amountOfX3Data));
  b.add(st, 'timeOfLastModification', s.timeOfLastModification);
  b.add(st, 'numberOfModifications', String(s.numberOfModifications));
}

/**
 * `destinationResponseDetails` {destinationDetails, destinationStatus}; DestinationStatus is
 * {destinationDeliveryStatus, listOfFaults} (XSD v1.22.1), a faulty destination listing its fault.
 */
export function encodeDestinationResponseDetails(b: XmlBuilder, parent: Element, d: X1DestinationDetails, status: 'activeAndWorking' | 'deliveryFault'): void {
  const r = b.add(parent, 'destinationResponseDetails');
  encodeDestinationDetails(b, r, d);
  const st = b.add(r, 'destinationStatus');
  b.add(st, 'destinationDeliveryStatus', status);
  faults(b, st, status === 'deliveryFault' ? [{ code: X1_ERR.generic, description: 'delivery to the destination fails' }] : []);
}

/** NeStatusDetails {neStatus, listOfFaults} (XSD v1.22.1: listOfFaults mandatory, may be empty). */
export function encodeNeStatusDetails(b: XmlBuilder, parent: Element, neFaults: readonly X1Error[]): void {
  const n = b.add(parent, 'neStatusDetails');
  b.add(n, 'neStatus', neFaults.length === 0 ? 'OK' : 'Faults');
  faults(b, n, neFaults);
}

/** Fills the header of one message: the request's values echoed, our timestamp and version. */
export function encodeHeader(b: XmlBuilder, m: Element, h: Partial<X1Header> & { admfIdentifier: string; neIdentifier: string }, now: Date): void {
  b.add(m, 'admfIdentifier', h.admfIdentifier);
  b.add(m, 'neIdentifier', h.neIdentifier);
  b.add(m, 'messageTimestamp', x1Timestamp(now));
  b.add(m, 'version', X1_VERSION);
  b.add(m, 'x1TransactionId', h.x1TransactionId ?? NIL_UUID);
}

/** Appends one `x1ResponseMessage`/`x1RequestMessage` of xsi:type `type` with its header. */
export function addMessage(b: XmlBuilder, container: 'x1ResponseMessage' | 'x1RequestMessage', type: string, h: Partial<X1Header> & { admfIdentifier: string; neIdentifier: string }, now: Date): Element {
  const m = b.add(b.root, container);
  b.setType(m, type);
  encodeHeader(b, m, h, now);
  return m;
}

/**
 * ErrorResponse body: requestMessageType, errorInformation. requestMessageType is an
 * enumeration (XSD v1.22.1 RequestMessageType): a request whose type is not one of its values
 * (an unknown xsi:type) has no value to echo, and the element is left out rather than filled
 * with a value outside the enumeration (as sipgate/li-lib-x1x2x3's ErrorResponseFactory does).
 */
export function encodeErrorInformation(b: XmlBuilder, m: Element, requestMessageType: string, e: X1Error): void {
  if ((REQUEST_MESSAGE_TYPES as readonly string[]).includes(requestMessageType)) b.add(m, 'requestMessageType', requestMessageType);
  const info = b.add(m, 'errorInformation');
  b.add(info, 'errorCode', String(e.code));
  b.add(info, 'errorDescription', e.description);
}

/**
 * `X1TopLevelErrorResponse` (clause 6.1.3: the container itself could not be handled), in the
 * shape of the sipgate fixture: admfIdentifier, neIdentifier, messageTimestamp, version.
 */
export function topLevelError(admfIdentifier: string, neIdentifier: string, now: Date): string {
  const b = new XmlBuilder('X1TopLevelErrorResponse');
  b.add(b.root, 'admfIdentifier', admfIdentifier);
  b.add(b.root, 'neIdentifier', neIdentifier);
  b.add(b.root, 'messageTimestamp', x1Timestamp(now));
  b.add(b.root, 'version', X1_VERSION);
  return b.toString();
}
