/**
 * What msrptap writes and accepts on X1, checked against facts of the ETSI schema
 * TS_103_221_01.xsd version 1.22.1 (as vendored by endorses/lippycat,
 * internal/pkg/li/x1/xsd/TS_103_221_01.xsd at commit 27286cf) and TS_103_280.xsd 2.15.1.
 * The expected names, orders and enumerations are written out here from the XSD, not imported
 * from src, so that a wrong guess in src cannot agree with itself.
 */
import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { X1Handler } from '../../../src/x1/x1-handler.js';
import { X1ReportMonitor } from '../../../src/x1/x1-report-monitor.js';
import { encodeRequest, type X1ReportItem } from '../../../src/x1/x1-request-encoder.js';
import { EMPTY_X1_STATE } from '../../../src/x1/x1-state.js';

const X1 = 'http://uri.etsi.org/03221/X1/2017/10';
const C280 = 'http://uri.etsi.org/03280/common/2017/07';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

// --- Facts of TS_103_221_01.xsd v1.22.1 -------------------------------------------------
/** X1ResponseMessage / X1RequestMessage xs:sequence. */
const HEADER = ['admfIdentifier', 'neIdentifier', 'messageTimestamp', 'version', 'x1TransactionId'];
/** simpleType TaskReportType (also the type of destinationReportType). */
const TASK_REPORT_TYPE = ['AllClear', 'Warning', 'NonTerminatingFault', 'TerminatingFault', 'ImplicitDeactivation', 'FullyActionedAndSuccessful', 'FullyActionedAndUnsuccessful'];
/** simpleType TypeOfNeIssueMessage. */
const NE_ISSUE_TYPE = ['Warning', 'FaultCleared', 'FaultReport', 'Alert'];
/** simpleType RequestMessageType (the values msrptap could echo). */
const REQUEST_MESSAGE_TYPE = [
  'ActivateTask',
  'ModifyTask',
  'DeactivateTask',
  'DeactivateAllTasks',
  'GetTaskDetails',
  'CreateDestination',
  'ModifyDestination',
  'RemoveDestination',
  'RemoveAllDestinations',
  'GetDestinationDetails',
  'GetNEStatus',
  'GetAllDetails',
  'ListAllDetails',
  'Ping',
  'Keepalive',
];
/** Body of each response type after the header (mandatory elements, in sequence order). */
const RESPONSE_BODY: Record<string, string[]> = {
  PingResponse: ['oK'],
  CreateDestinationResponse: ['oK'],
  ActivateTaskResponse: ['oK'],
  GetTaskDetailsResponse: ['taskResponseDetails'],
  GetDestinationDetailsResponse: ['destinationResponseDetails'],
  GetAllDetailsResponse: ['neStatusDetails', 'listOfTaskResponseDetails', 'listOfDestinationResponseDetails'],
  ListAllDetailsResponse: ['ListOfXIDs', 'ListOfDIDs'],
  GetNEStatusResponse: ['neStatusDetails'],
  ErrorResponse: ['requestMessageType', 'errorInformation'],
};

const DID = '19867c20-8c94-473e-b9cd-8b72b7b05fd4';
const XID = '29f28e1c-f230-486a-a860-f5a784ab9172';
const TID = '3741800e-971b-4aa9-85f4-466d2b1adc7f';
const NOW = new Date('2026-12-07T12:00:00.123Z');

function handler(o: Partial<ConstructorParameters<typeof X1Handler>[0]> = {}): X1Handler {
  return new X1Handler({ neIdentifier: 'neID', destinationTls: null, now: () => NOW, ...o }, EMPTY_X1_STATE);
}
function msg(type: string, body = '', typePrefix = 'x'): string {
  return `<x:x1RequestMessage xsi:type="${typePrefix}:${type}Request"><x:admfIdentifier>admfID</x:admfIdentifier><x:neIdentifier>neID</x:neIdentifier><x:messageTimestamp>2026-12-07T11:00:00.000000Z</x:messageTimestamp><x:version>v1.22.1</x:version><x:x1TransactionId>${TID}</x:x1TransactionId>${body}</x:x1RequestMessage>`;
}
function request(...msgs: string[]): string {
  return `<x:X1Request xmlns:x="${X1}" xmlns:c="${C280}" xmlns:o="urn:example:other" xmlns:xsi="${XSI}">${msgs.join('')}</x:X1Request>`;
}
const destination = `<x:destinationDetails><x:dId>${DID}</x:dId><x:deliveryType>X2andX3</x:deliveryType><x:deliveryAddress><x:ipAddressAndPort><c:address><c:IPv4Address>127.0.0.1</c:IPv4Address></c:address><c:port><c:TCPPort>9000</c:TCPPort></c:port></x:ipAddressAndPort></x:deliveryAddress></x:destinationDetails>`;
function task(afterDeliveryType: string): string {
  return `<x:taskDetails><x:xId>${XID}</x:xId><x:targetIdentifiers><x:targetIdentifier><x:sipUri>sip:alice@example.com</x:sipUri></x:targetIdentifier></x:targetIdentifiers><x:deliveryType>X2andX3</x:deliveryType>${afterDeliveryType}</x:taskDetails>`;
}
const MEDIATION =
  '<x:listOfMediationDetails><x:mediationDetails><x:LIID>LIID-9</x:LIID><x:deliveryType>HI2andHI3</x:deliveryType><x:StartTime>2026-12-07T10:00:00.000000Z</x:StartTime><x:EndTime>2026-12-08T10:00:00.000000Z</x:EndTime></x:mediationDetails></x:listOfMediationDetails>';

function run(h: X1Handler, xml: string) {
  const out = h.handle(enc(xml), ['admfID']);
  if (out.next !== undefined) h.commit(out.next);
  return out;
}
function elementChildren(el: Element): Element[] {
  return Array.from(el.childNodes as unknown as ArrayLike<Element>).filter((n) => n.nodeType === 1);
}
/** Child local names, each checked to be in `ns`. */
function names(el: Element, ns = X1): string[] {
  return elementChildren(el).map((c) => {
    expect(c.namespaceURI, c.localName ?? undefined).toBe(ns);
    return c.localName ?? '';
  });
}
function child(el: Element, local: string): Element {
  const c = elementChildren(el).find((e) => e.localName === local);
  expect(c, local).toBeDefined();
  return c!;
}
function responses(xml: string): Element[] {
  const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement!;
  expect([root.namespaceURI, root.localName]).toEqual([X1, 'X1Response']);
  return elementChildren(root);
}
const typeOf = (m: Element): string => m.getAttributeNS(XSI, 'type')!.replace(/^.*:/, '');

describe('X1 against TS_103_221_01.xsd v1.22.1', () => {
  it('every response: the header in X1ResponseMessage order, echoing admfIdentifier, neIdentifier and x1TransactionId, then the body the XSD prescribes', () => {
    const h = handler({ neFaults: () => [] });
    const out = run(
      h,
      request(
        msg('Ping'),
        msg('CreateDestination', destination),
        msg('ActivateTask', task(`<x:listOfDIDs><x:dId>${DID}</x:dId></x:listOfDIDs>${MEDIATION}`)),
        msg('GetTaskDetails', `<x:xId>${XID}</x:xId>`),
        msg('GetDestinationDetails', `<x:dId>${DID}</x:dId>`),
        msg('GetAllDetails'),
        msg('ListAllDetails'),
        msg('GetNEStatus'),
        msg('RemoveDestination', `<x:dId>${DID}</x:dId>`),
      ),
    );
    const ms = responses(out.xml);
    expect(ms.map(typeOf)).toEqual([
      'PingResponse',
      'CreateDestinationResponse',
      'ActivateTaskResponse',
      'GetTaskDetailsResponse',
      'GetDestinationDetailsResponse',
      'GetAllDetailsResponse',
      'ListAllDetailsResponse',
      'GetNEStatusResponse',
      'ErrorResponse',
    ]);
    for (const m of ms) {
      expect(names(m), typeOf(m)).toEqual([...HEADER, ...RESPONSE_BODY[typeOf(m)]!]);
      expect([child(m, 'admfIdentifier').textContent, child(m, 'neIdentifier').textContent, child(m, 'x1TransactionId').textContent]).toEqual(['admfID', 'neID', TID]);
      expect(child(m, 'messageTimestamp').textContent).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:\d\d)$/);
      expect(child(m, 'version').textContent).toMatch(/^v1\.\d+\.\d+$/);
    }
    // The last one: 7010, the destination is used by the task.
    expect(child(child(ms[8]!, 'errorInformation'), 'errorCode').textContent).toBe('7010');
    expect(child(ms[8]!, 'requestMessageType').textContent).toBe('RemoveDestination');
  });

  it('TaskDetails: listOfDIDs always written; MediationDetails spelled LIID, deliveryType, StartTime, EndTime; TaskStatus listOfFaults of unresolvedFault {errorCode, errorDescription}', () => {
    const h = handler({ destinationFaulty: () => true });
    run(h, request(msg('CreateDestination', destination)));
    expect(responses(run(h, request(msg('ActivateTask', task(`<x:listOfDIDs><x:dId>${DID}</x:dId></x:listOfDIDs>${MEDIATION}`)))).xml).map(typeOf)).toEqual(['ActivateTaskResponse']);
    const trd = child(responses(run(h, request(msg('GetTaskDetails', `<x:xId>${XID}</x:xId>`))).xml)[0]!, 'taskResponseDetails');
    expect(names(trd)).toEqual(['taskDetails', 'taskStatus']);
    const md = child(child(child(trd, 'taskDetails'), 'listOfMediationDetails'), 'mediationDetails');
    expect(names(md)).toEqual(['LIID', 'deliveryType', 'StartTime', 'EndTime']);
    expect(child(md, 'LIID').textContent).toBe('LIID-9');
    const st = child(trd, 'taskStatus');
    expect(names(st)).toEqual(['provisioningStatus', 'listOfFaults', 'amountOfX2Data', 'amountOfX3Data', 'timeOfLastModification', 'numberOfModifications']);
    const faults = child(st, 'listOfFaults');
    expect(names(faults)).toEqual(['unresolvedFault']);
    expect(names(child(faults, 'unresolvedFault'))).toEqual(['errorCode', 'errorDescription']);
    expect(child(child(faults, 'unresolvedFault'), 'errorCode').textContent).toMatch(/^\d+$/);
  });

  it('TaskDetails as the XSD allows it: an empty listOfDIDs and repeated taskDetailsExtensions are accepted; a missing listOfDIDs, a lower-case lIID or a dSId are not', () => {
    const accepted = (afterDeliveryType: string): (string | undefined)[] =>
      responses(run(handler(), request(msg('ActivateTask', task(afterDeliveryType)))).xml).map((m) => (typeOf(m) === 'ErrorResponse' ? child(child(m, 'errorInformation'), 'errorCode').textContent! : typeOf(m)));
    const ext = '<x:taskDetailsExtensions><x:Owner>example</x:Owner></x:taskDetailsExtensions>';
    expect(accepted('<x:listOfDIDs/>')).toEqual(['ActivateTaskResponse']);
    expect(accepted(`<x:listOfDIDs/>${ext}${ext}`)).toEqual(['ActivateTaskResponse']);
    expect(accepted('')).toEqual(['1010']);
    expect(accepted('<x:listOfDIDs/><x:listOfMediationDetails><x:mediationDetails><x:lIID>L</x:lIID><x:deliveryType>HI2Only</x:deliveryType></x:mediationDetails></x:listOfMediationDetails>')).toEqual(['1010']);
    expect(accepted('<x:listOfDIDs><x:dSId>00000000-0000-0000-0000-000000000001</x:dSId></x:listOfDIDs>')).toEqual(['3020']);
    // The task of an empty listOfDIDs answers with an (empty) listOfDIDs element.
    const h = handler();
    run(h, request(msg('ActivateTask', task('<x:listOfDIDs/>'))));
    const td = child(child(responses(run(h, request(msg('GetTaskDetails', `<x:xId>${XID}</x:xId>`))).xml)[0]!, 'taskResponseDetails'), 'taskDetails');
    expect(names(td)).toEqual(['xId', 'targetIdentifiers', 'deliveryType', 'listOfDIDs']);
    expect(names(child(td, 'listOfDIDs'))).toEqual([]);
  });

  it('DestinationStatus is {destinationDeliveryStatus, listOfFaults}; NeStatusDetails always has listOfFaults', () => {
    const h = handler({ destinationFaulty: () => true, neFaults: () => [] });
    run(h, request(msg('CreateDestination', destination)));
    const drd = child(responses(run(h, request(msg('GetDestinationDetails', `<x:dId>${DID}</x:dId>`))).xml)[0]!, 'destinationResponseDetails');
    expect(names(drd)).toEqual(['destinationDetails', 'destinationStatus']);
    const ds = child(drd, 'destinationStatus');
    expect(names(ds)).toEqual(['destinationDeliveryStatus', 'listOfFaults']);
    expect(child(ds, 'destinationDeliveryStatus').textContent).toBe('deliveryFault');
    expect(names(child(ds, 'listOfFaults'))).toEqual(['unresolvedFault']);
    // TS 103 280 IPAddressPort: address and port are common-namespace elements.
    const ap = child(child(child(drd, 'destinationDetails'), 'deliveryAddress'), 'ipAddressAndPort');
    expect(names(ap, C280)).toEqual(['address', 'port']);
    const ne = child(responses(run(h, request(msg('GetNEStatus'))).xml)[0]!, 'neStatusDetails');
    expect(names(ne)).toEqual(['neStatus', 'listOfFaults']);
    expect([child(ne, 'neStatus').textContent, names(child(ne, 'listOfFaults'))]).toEqual(['OK', []]);
  });

  it('an unknown xsi:type, also one of another namespace, is 1080; requestMessageType only ever carries a RequestMessageType value', () => {
    const ms = responses(run(handler(), request(msg('Frobnicate'), msg('Ping', '', 'o'), msg('GetAllTaskDetails'))).xml);
    expect(ms.map((m) => [typeOf(m), child(child(m, 'errorInformation'), 'errorCode').textContent])).toEqual([
      ['ErrorResponse', '1080'],
      ['ErrorResponse', '1080'],
      ['ErrorResponse', '1080'],
    ]);
    for (const m of ms) {
      const rmt = elementChildren(m).find((e) => e.localName === 'requestMessageType');
      if (rmt !== undefined) expect(REQUEST_MESSAGE_TYPE.concat(['GetAllTaskDetails'])).toContain(rmt.textContent);
      expect(names(m).slice(0, 5)).toEqual(HEADER);
    }
    // A type of the enumeration msrptap does not support is echoed.
    expect(child(ms[2]!, 'requestMessageType').textContent).toBe('GetAllTaskDetails');
  });
});

describe('NE→ADMF reports against TS_103_221_01.xsd v1.22.1', () => {
  /** Every report the monitor can produce, through its scenarios. */
  function allReports(): X1ReportItem[] {
    const m = new X1ReportMonitor();
    const t0 = Date.parse('2026-12-07T12:00:00Z');
    const base = { keepaliveTimeoutMs: 60_000 };
    const tasks = [
      { xid: XID, dids: [DID] },
      { xid: '00000000-0000-0000-0000-0000000000a1', endTime: '2026-12-07T11:00:00Z', implicitDeactivationAllowed: true, dids: [] },
    ];
    const link = (up: boolean, refusedPdus: number, spooledBytes: number) => [{ did: DID, up, refusedPdus, spooledBytes }];
    const out: X1ReportItem[] = [];
    out.push(...m.check({ ...base, nowMs: t0, tasks, links: link(false, 0, 0), lastKeepaliveMs: t0 }).reports);
    out.push(...m.check({ ...base, nowMs: t0 + 120_000, tasks, links: link(false, 4, 900), maxSpoolBytes: 1000, captureDropped: 3, lastKeepaliveMs: t0 }).reports);
    out.push(...m.check({ ...base, nowMs: t0 + 121_000, tasks, links: link(true, 4, 0), lastKeepaliveMs: t0 + 121_000 }).reports);
    return out;
  }

  it('report types are values of TaskReportType and TypeOfNeIssueMessage, bodies in the XSD sequence', () => {
    const reports = allReports();
    // Each kind of report is exercised.
    expect(new Set(reports.map((r) => r.type))).toEqual(new Set(['ReportTaskIssue', 'ReportDestinationIssue', 'ReportNEIssue']));
    const doc = new DOMParser().parseFromString(
      encodeRequest('admfID', 'neID', reports, NOW, () => TID),
      'text/xml',
    );
    const ms = elementChildren(doc.documentElement!);
    expect(ms).toHaveLength(reports.length);
    for (const m of ms) {
      const body = names(m).slice(5);
      expect(names(m).slice(0, 5)).toEqual(HEADER);
      const v = (n: string) => child(m, n).textContent!;
      switch (typeOf(m)) {
        case 'ReportTaskIssueRequest':
          expect(['xId', 'taskReportType', 'taskIssueErrorCode', 'taskIssueDetails'].filter((n) => body.includes(n))).toEqual(body);
          expect(body.slice(0, 2)).toEqual(['xId', 'taskReportType']);
          expect(TASK_REPORT_TYPE).toContain(v('taskReportType'));
          break;
        case 'ReportDestinationIssueRequest':
          expect(['dId', 'destinationReportType', 'destinationIssueErrorCode', 'destinationIssueDetails'].filter((n) => body.includes(n))).toEqual(body);
          expect(body.slice(0, 2)).toEqual(['dId', 'destinationReportType']);
          expect(TASK_REPORT_TYPE).toContain(v('destinationReportType'));
          break;
        case 'ReportNEIssueRequest':
          expect(['typeOfNeIssueMessage', 'description', 'issueCode'].filter((n) => body.includes(n))).toEqual(body);
          expect(body.slice(0, 2)).toEqual(['typeOfNeIssueMessage', 'description']);
          expect(NE_ISSUE_TYPE).toContain(v('typeOfNeIssueMessage'));
          break;
        default:
          throw new Error(`unexpected ${typeOf(m)}`);
      }
    }
  });

  it('keepalives stopped is a FaultReport with issueCode 9050, cleared by FaultCleared', () => {
    const m = new X1ReportMonitor();
    const t0 = Date.parse('2026-12-07T12:00:00Z');
    const late = m.check({ nowMs: t0, tasks: [], links: [], lastKeepaliveMs: t0 - 61_000, keepaliveTimeoutMs: 60_000 }).reports;
    expect(late).toEqual([expect.objectContaining({ type: 'ReportNEIssue', typeOfNeIssueMessage: 'FaultReport', issueCode: 9050 })]);
    const back = m.check({ nowMs: t0 + 1, tasks: [], links: [], lastKeepaliveMs: t0, keepaliveTimeoutMs: 60_000 }).reports;
    expect(back).toEqual([expect.objectContaining({ type: 'ReportNEIssue', typeOfNeIssueMessage: 'FaultCleared', issueCode: 9050 })]);
  });
});
