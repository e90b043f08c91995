/**
 * The X1 request handler against the sipgate fixtures (../shared/testdata/x1-sipgate, MIT,
 * an independent implementation's requests) and the error codes of TS 103 221-1.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_TARGETS_PER_TASK, X1Handler } from '../../../src/x1/x1-handler.js';
import { responseToJson } from '../../../src/x1/x1-response-json.js';
import { parseXml } from '../../../src/x1/x1-xml.js';
import { EMPTY_X1_STATE } from '../../../src/x1/x1-state.js';

const FIX = resolve(import.meta.dirname, '../../../../shared/testdata/x1-sipgate');
const X1 = 'http://uri.etsi.org/03221/X1/2017/10';
const C280 = 'http://uri.etsi.org/03280/common/2017/07';
const fixture = (name: string): Buffer => readFileSync(resolve(FIX, name));
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const NOW = new Date('2026-12-07T12:00:00.123Z');
function handler(o: Partial<ConstructorParameters<typeof X1Handler>[0]> = {}): X1Handler {
  return new X1Handler({ neIdentifier: 'neID', destinationTls: null, now: () => NOW, ...o }, EMPTY_X1_STATE);
}

/** The response messages as {type, code, oK, transactionId}, read by namespace. */
function messages(xml: string): { type: string; code?: number; ok?: string; tid?: string; el: Element }[] {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const root = doc.documentElement!;
  expect(root.namespaceURI).toBe(X1);
  expect(root.localName).toBe('X1Response');
  const out: { type: string; code?: number; ok?: string; tid?: string; el: Element }[] = [];
  for (const m of Array.from(root.getElementsByTagNameNS(X1, 'x1ResponseMessage') as ArrayLike<Element>)) {
    const t = m.getAttributeNS('http://www.w3.org/2001/XMLSchema-instance', 'type')!.replace(/^.*:/, '');
    const code = m.getElementsByTagNameNS(X1, 'errorCode')[0]?.textContent;
    const ok = m.getElementsByTagNameNS(X1, 'oK')[0]?.textContent;
    const tid = m.getElementsByTagNameNS(X1, 'x1TransactionId')[0]?.textContent;
    out.push({ type: t, ...(code != null ? { code: Number(code) } : {}), ...(ok != null ? { ok } : {}), ...(tid != null ? { tid } : {}), el: m });
  }
  return out;
}

/** A request message with our own header, `body` already XML (prefix x:, common c:). */
function request(type: string, body = '', o: { admf?: string; ne?: string; version?: string; tid?: string } = {}): string {
  return `<x:X1Request xmlns:x="${X1}" xmlns:c="${C280}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${msg(type, body, o)}</x:X1Request>`;
}
function msg(type: string, body = '', o: { admf?: string; ne?: string; version?: string; tid?: string } = {}): string {
  return `<x:x1RequestMessage xsi:type="x:${type}Request"><x:admfIdentifier>${o.admf ?? 'admfID'}</x:admfIdentifier><x:neIdentifier>${o.ne ?? 'neID'}</x:neIdentifier><x:messageTimestamp>2026-12-07T11:00:00.000000Z</x:messageTimestamp><x:version>${o.version ?? 'v1.6.1'}</x:version><x:x1TransactionId>${o.tid ?? '3741800e-971b-4aa9-85f4-466d2b1adc7f'}</x:x1TransactionId>${body}</x:x1RequestMessage>`;
}
const DID = '19867c20-8c94-473e-b9cd-8b72b7b05fd4';
const XID = '29f28e1c-f230-486a-a860-f5a784ab9172';
function destination(did = DID, type = 'X2andX3', port = '<c:TCPPort>9000</c:TCPPort>'): string {
  return `<x:destinationDetails><x:dId>${did}</x:dId><x:deliveryType>${type}</x:deliveryType><x:deliveryAddress><x:ipAddressAndPort><c:address><c:IPv4Address>127.0.0.1</c:IPv4Address></c:address><c:port>${port}</c:port></x:ipAddressAndPort></x:deliveryAddress></x:destinationDetails>`;
}
function task(o: { xid?: string; target?: string; type?: string; dids?: string[]; liid?: string } = {}): string {
  const med = o.liid === undefined ? '' : `<x:listOfMediationDetails><x:mediationDetails><x:LIID>${o.liid}</x:LIID><x:deliveryType>HI2andHI3</x:deliveryType></x:mediationDetails></x:listOfMediationDetails>`;
  const dids = (o.dids ?? [DID]).map((d) => `<x:dId>${d}</x:dId>`).join('');
  return `<x:taskDetails><x:xId>${o.xid ?? XID}</x:xId><x:targetIdentifiers><x:targetIdentifier>${o.target ?? '<x:sipUri>sip:alice@example.com</x:sipUri>'}</x:targetIdentifier></x:targetIdentifiers><x:deliveryType>${o.type ?? 'X2andX3'}</x:deliveryType><x:listOfDIDs>${dids}</x:listOfDIDs>${med}</x:taskDetails>`;
}

/** Runs one request, commits its state (as the server does once it is durable). */
function run(h: X1Handler, xml: string | Uint8Array, peer: readonly string[] = ['admfID']) {
  const out = h.handle(typeof xml === 'string' ? enc(xml) : xml, peer);
  if (out.next !== undefined) h.commit(out.next);
  return out;
}

describe('X1 handler: the sipgate fixtures', () => {
  it('answers PingRequest with PingResponse echoing the header', () => {
    const out = run(handler(), fixture('PingRequest_example.xml'));
    expect(out.topLevelError).toBe(false);
    const m = messages(out.xml);
    expect(m.map((x) => [x.type, x.ok, x.tid])).toEqual([['PingResponse', 'AcknowledgedAndCompleted', '3741800e-971b-4aa9-85f4-466d2b1adc7f']]);
    const el = m[0]!.el;
    expect(el.getElementsByTagNameNS(X1, 'admfIdentifier')[0]!.textContent).toBe('admfID');
    expect(el.getElementsByTagNameNS(X1, 'neIdentifier')[0]!.textContent).toBe('neID');
    expect(el.getElementsByTagNameNS(X1, 'messageTimestamp')[0]!.textContent).toBe('2026-12-07T12:00:00.123000Z');
    expect(el.getElementsByTagNameNS(X1, 'version')[0]!.textContent).toMatch(/^v1\./);
  });

  it('ActivateTaskRequest: 2040 before its destination exists, accepted after CreateDestination of its DID', () => {
    const h = handler();
    expect(messages(run(h, fixture('ActivateTaskRequest_example.xml')).xml).map((x) => [x.type, x.code])).toEqual([['ErrorResponse', 2040]]);
    expect(h.current.tasks.size).toBe(0);
    const created = run(h, request('CreateDestination', destination()));
    expect(messages(created.xml).map((x) => x.ok)).toEqual(['AcknowledgedAndCompleted']);
    const out = run(h, fixture('ActivateTaskRequest_example.xml'));
    expect(messages(out.xml).map((x) => [x.type, x.ok])).toEqual([['ActivateTaskResponse', 'AcknowledgedAndCompleted']]);
    expect([...h.current.tasks.keys()]).toEqual([XID]);
    // POI-only (no mediation details): a 25-character stand-in LIID from the XID's octets; e164Number → e164.
    expect(out.taskSet!.tasks.map((t) => [t.xid, t.liid, t.targetIdentifiers])).toEqual([[XID, 'X1-KfKOHPIwSGqoYPWnhKuRcg', [{ kind: 'e164', value: '447700900000' }]]]);
    expect(out.taskSet!.destinations).toEqual([{ did: DID, host: '127.0.0.1', port: 9000, tls: null }]);
    // Again: the XID exists.
    expect(messages(run(h, fixture('ActivateTaskRequest_example.xml')).xml).map((x) => x.code)).toEqual([2010]);
  });

  it('MultiRequest: one response per message, in order', () => {
    const m = messages(run(handler(), fixture('MultiRequest_example.xml')).xml);
    expect(m.map((x) => [x.type, x.tid])).toEqual([
      ['PingResponse', '3741800e-971b-4aa9-85f4-466d2b1adc7f'],
      ['PingResponse', '3741800e-971b-4aa9-85f4-466d2b1adc80'],
    ]);
  });

  it('BadVersionRequest → ErrorResponse 1020', () => {
    const m = messages(run(handler(), fixture('BadVersionRequest_example.xml')).xml);
    expect(m.map((x) => [x.type, x.code])).toEqual([['ErrorResponse', 1020]]);
    expect(m[0]!.el.getElementsByTagNameNS(X1, 'requestMessageType')[0]!.textContent).toBe('Ping');
  });

  it('EmptyRequest → X1TopLevelErrorResponse', () => {
    const out = run(handler(), fixture('EmptyRequest_example.xml'));
    expect(out.topLevelError).toBe(true);
    const root = new DOMParser().parseFromString(out.xml, 'text/xml').documentElement!;
    expect([root.namespaceURI, root.localName]).toEqual([X1, 'X1TopLevelErrorResponse']);
  });

  it('xxe.xml is refused before parsing: top-level error, the entity never expanded', () => {
    const out = run(handler(), fixture('xxe.xml'));
    expect(out.topLevelError).toBe(true);
    expect(out.xml).not.toContain('tmp');
    // Also when the DOCTYPE sits in an otherwise valid request.
    const ping = request('Ping').replace('<x:X1Request', '<!DOCTYPE x [<!ENTITY e "admfID">]><x:X1Request');
    expect(run(handler(), ping).topLevelError).toBe(true);
    // The fixture's external entity in an otherwise valid request: refused, not resolved.
    const dtd = fixture('xxe.xml')
      .toString('utf8')
      .match(/<!DOCTYPE[\s\S]*?\]>/)![0];
    const xxePing = `<?xml version="1.0"?>${dtd}${request('Ping').replace('<x:neIdentifier>neID<', '<x:neIdentifier>&xxe;<')}`;
    const refused = run(handler(), xxePing);
    expect([refused.topLevelError, refused.xml.includes('tmp')]).toEqual([true, false]);
    // The fixture is a response: where msrptap reads responses (lab ADMF, NE→ADMF reports) it is refused too.
    expect(parseXml(fixture('xxe.xml'))).toEqual({ ok: false, reason: expect.stringContaining('DTD') });
    expect(responseToJson(fixture('xxe.xml'))).toEqual({ error: expect.stringContaining('DTD') });
  });

  it('a response document or garbage as request body → top-level error', () => {
    expect(run(handler(), fixture('PingResponse_example.xml')).topLevelError).toBe(true);
    expect(run(handler(), 'not xml <').topLevelError).toBe(true);
    expect(run(handler(), new Uint8Array([0xff, 0xfe, 0x3c])).topLevelError).toBe(true);
  });
});

describe('X1 handler: rules and error codes', () => {
  it('parses by namespace URI, not prefix: a default namespace works, a foreign namespace does not', () => {
    const def = request('Ping').replace(/x:/g, '').replace(`xmlns:x="${X1}"`, `xmlns="${X1}"`).replace('xsi:type="PingRequest"', 'xsi:type="PingRequest"');
    expect(messages(run(handler(), def).xml).map((x) => x.type)).toEqual(['PingResponse']);
    const foreign = request('Ping').replace(`xmlns:x="${X1}"`, 'xmlns:x="urn:other"');
    expect(run(handler(), foreign).topLevelError).toBe(true);
  });

  it('1030 when admfIdentifier is not the certificate identity, 1040 when not expected, 1050 for another NE', () => {
    expect(messages(run(handler(), request('Ping'), ['otherADMF']).xml).map((x) => x.code)).toEqual([1030]);
    expect(messages(run(handler({ expectedAdmfs: ['admfX'] }), request('Ping')).xml).map((x) => x.code)).toEqual([1040]);
    expect(messages(run(handler(), request('Ping', '', { ne: 'otherNE' })).xml).map((x) => x.code)).toEqual([1050]);
  });

  it('1080 for an unsupported request type, 1010 for a malformed message; the others still answered', () => {
    const xml = `<x:X1Request xmlns:x="${X1}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${msg('Frobnicate')}${msg('DeactivateTask')}${msg('Ping')}</x:X1Request>`;
    expect(messages(run(handler(), xml).xml).map((x) => [x.type, x.code])).toEqual([
      ['ErrorResponse', 1080],
      ['ErrorResponse', 1010],
      ['PingResponse', undefined],
    ]);
  });

  it('taskDetails in xs:sequence order only (1010 when deliveryType precedes targetIdentifiers)', () => {
    const h = handler();
    run(h, request('CreateDestination', destination()));
    const swapped = task().replace(/(<x:targetIdentifiers>.*<\/x:targetIdentifiers>)(<x:deliveryType>X2andX3<\/x:deliveryType>)/, '$2$1');
    expect(swapped).not.toBe(task());
    expect(messages(run(h, request('ActivateTask', swapped)).xml).map((x) => x.code)).toEqual([1010]);
  });

  it('3010 for an unsupported target identifier type; 6020 for a UDP destination', () => {
    const h = handler();
    run(h, request('CreateDestination', destination()));
    expect(messages(run(h, request('ActivateTask', task({ target: '<x:imsi>262011234567890</x:imsi>' }))).xml).map((x) => x.code)).toEqual([3010]);
    expect(messages(run(h, request('CreateDestination', destination('00000000-0000-0000-0000-000000000001', 'X2andX3', '<c:UDPPort>9</c:UDPPort>'))).xml).map((x) => x.code)).toEqual([6020]);
  });

  it('3040 when the destinations do not cover the delivery type; 2030 for an existing DID', () => {
    const h = handler();
    run(h, request('CreateDestination', destination(DID, 'X2Only')));
    expect(messages(run(h, request('ActivateTask', task({ type: 'X2andX3' }))).xml).map((x) => x.code)).toEqual([3040]);
    expect(messages(run(h, request('ActivateTask', task({ type: 'X2Only' }))).xml).map((x) => x.code)).toEqual([undefined]);
    expect(messages(run(h, request('CreateDestination', destination(DID))).xml).map((x) => x.code)).toEqual([2030]);
  });

  it('3000/3001 for a task with more target identifiers than the NE cap; the state keeps the task as it was', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `<x:sipUri>sip:t${i}@example.com</x:sipUri>`).join('</x:targetIdentifier><x:targetIdentifier>');
    const h = handler();
    run(h, request('CreateDestination', destination()));
    expect(messages(run(h, request('ActivateTask', task({ target: ids(DEFAULT_MAX_TARGETS_PER_TASK + 1) }))).xml).map((x) => x.code)).toEqual([3000]);
    expect(h.current.tasks.size).toBe(0);
    expect(messages(run(h, request('ActivateTask', task({ target: ids(DEFAULT_MAX_TARGETS_PER_TASK) }))).xml).map((x) => x.code)).toEqual([undefined]);
    expect(messages(run(h, request('ModifyTask', task({ target: ids(DEFAULT_MAX_TARGETS_PER_TASK + 1) }))).xml).map((x) => x.code)).toEqual([3001]);
    expect(h.current.tasks.get(XID)!.details.targetIdentifiers).toHaveLength(DEFAULT_MAX_TARGETS_PER_TASK);
    // The cap is an option.
    const small = handler({ maxTargetsPerTask: 2 });
    run(small, request('CreateDestination', destination()));
    expect(messages(run(small, request('ActivateTask', task({ target: ids(3) }))).xml).map((x) => x.code)).toEqual([3000]);
  });

  it('7010 removing a destination in use; 2020/2040 for unknown IDs; removal after deactivation', () => {
    const h = handler();
    run(h, request('CreateDestination', destination()));
    run(h, request('ActivateTask', task({ liid: 'LIID-1' })));
    expect(messages(run(h, request('RemoveDestination', `<x:dId>${DID}</x:dId>`)).xml).map((x) => x.code)).toEqual([7010]);
    expect(messages(run(h, request('DeactivateTask', '<x:xId>00000000-0000-0000-0000-0000000000aa</x:xId>')).xml).map((x) => x.code)).toEqual([2020]);
    expect(messages(run(h, request('GetDestinationDetails', '<x:dId>00000000-0000-0000-0000-0000000000aa</x:dId>')).xml).map((x) => x.code)).toEqual([2040]);
    const de = run(h, request('DeactivateTask', `<x:xId>${XID}</x:xId>`));
    expect(de.taskSet!.tasks).toEqual([]);
    expect(messages(run(h, request('RemoveDestination', `<x:dId>${DID}</x:dId>`)).xml).map((x) => x.ok)).toEqual(['AcknowledgedAndCompleted']);
    expect(h.current.destinations.size).toBe(0);
  });

  it('a target identifier the tasks-file rules refuse → 3000, nothing changed', () => {
    const h = handler();
    run(h, request('CreateDestination', destination()));
    const out = run(h, request('ActivateTask', task({ target: '<x:sipUri>not-a-uri</x:sipUri>' })));
    expect(messages(out.xml).map((x) => x.code)).toEqual([3000]);
    expect(out.next).toBeUndefined();
    expect(h.current.tasks.size).toBe(0);
  });

  it('LIID from listOfMediationDetails; ModifyTask counts modifications; GetTaskDetails in sequence order with counters', () => {
    const h = handler({ counters: (xid) => (xid === XID ? { x2: 3, x3: 5, lastTs: 1_700_000_000.5 } : undefined) });
    run(h, request('CreateDestination', destination()));
    expect(run(h, request('ActivateTask', task({ liid: 'LIID-7' }))).taskSet!.tasks[0]!.liid).toBe('LIID-7');
    run(h, request('ModifyTask', task({ liid: 'LIID-7', target: '<x:telUri>tel:+4915112345678</x:telUri>' })));
    const m = messages(run(h, request('GetTaskDetails', `<x:xId>${XID}</x:xId>`)).xml)[0]!;
    expect(m.type).toBe('GetTaskDetailsResponse');
    const trd = m.el.getElementsByTagNameNS(X1, 'taskResponseDetails')[0]!;
    const td = trd.getElementsByTagNameNS(X1, 'taskDetails')[0]!;
    const names = Array.from(td.childNodes as unknown as ArrayLike<Element>)
      .filter((n) => n.nodeType === 1)
      .map((n) => n.localName);
    expect(names).toEqual(['xId', 'targetIdentifiers', 'deliveryType', 'listOfDIDs', 'listOfMediationDetails']);
    expect(td.getElementsByTagNameNS(X1, 'telUri')[0]!.textContent).toBe('tel:+4915112345678');
    const st = trd.getElementsByTagNameNS(X1, 'taskStatus')[0]!;
    const v = (n: string) => st.getElementsByTagNameNS(X1, n)[0]?.textContent;
    expect([v('provisioningStatus'), v('amountOfX2Data'), v('amountOfX3Data'), v('numberOfModifications'), v('timeOfLastIntercept')]).toEqual(['complete', '3', '5', '1', '2023-11-14T22:13:20.500000Z']);
  });

  it('ListAllDetails lists the XIDs and DIDs; GetAllDetails and GetNEStatus answer', () => {
    const h = handler({ neFaults: () => [{ code: 1000, description: 'capture drops' }] });
    run(h, request('CreateDestination', destination()));
    run(h, request('ActivateTask', task({ liid: 'L1' })));
    const l = messages(run(h, request('ListAllDetails')).xml)[0]!.el;
    expect(Array.from(l.getElementsByTagNameNS(X1, 'xId') as ArrayLike<Element>).map((e) => e.textContent)).toEqual([XID]);
    expect(Array.from(l.getElementsByTagNameNS(X1, 'dId') as ArrayLike<Element>).map((e) => e.textContent)).toEqual([DID]);
    const all = messages(run(h, request('GetAllDetails')).xml)[0]!;
    expect(all.el.getElementsByTagNameNS(X1, 'taskResponseDetails').length).toBe(1);
    expect(all.el.getElementsByTagNameNS(X1, 'destinationResponseDetails').length).toBe(1);
    expect(all.el.getElementsByTagNameNS(C280, 'IPv4Address')[0]!.textContent).toBe('127.0.0.1');
    const ne = messages(run(h, request('GetNEStatus')).xml)[0]!.el;
    expect(ne.getElementsByTagNameNS(X1, 'neStatus')[0]!.textContent).toBe('Faults');
  });

  it('element and depth caps: a deep or huge body is a top-level error', () => {
    const deep = request('Ping', `${'<x:a>'.repeat(100)}${'</x:a>'.repeat(100)}`);
    expect(run(handler(), deep).topLevelError).toBe(true);
    const wide = request('Ping', '<x:a/>'.repeat(30_000));
    expect(run(handler(), wide).topLevelError).toBe(true);
  });
});
