import { describe, expect, it } from 'vitest';
import { decodeLiStructure } from '../../../../src/encode/asn1/decode-li-payloads.js';
import { decodeX2X3Pdu } from '../../../../src/encode/x2x3/decode-x2x3-pdu.js';
import { encodeX2X3Record } from '../../../../src/encode/x2x3/encode-x2x3-record.js';
import { fromX2X3Direction } from '../../../../src/records/direction.js';
import { toHex } from '../../../../src/util/bytes.js';
import { ALL_RECORDS, CC_BINARY, CC_TEXT, IRI_RECORDS, TASK } from '../../../helpers/sample-records.js';

const EVENT_TAGS: Record<string, number> = {
  iMSMessage: 105,
  startOfInterceptionForActiveIMSSession: 106,
  iMSCCUnavailable: 107,
  rCSMessage: 141,
  rCSSessionEstablishment: 143,
  rCSSessionRelease: 145,
  startOfInterceptWithEstablisedRCSSession: 158,
};

describe('LI records → X2/X3 PDUs (round trip through the decoder)', () => {
  it.each(ALL_RECORDS.map((r, i) => [r.kind === 'iri' ? r.event.kind : `cc ${i}`, r, i] as const))('%s', (_n, r, i) => {
    const d = decodeX2X3Pdu(encodeX2X3Record(r, 1000 + i));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    const p = d.value.pdu;
    expect(p.version).toBe(5);
    expect(p.pduType).toBe(r.kind === 'iri' ? 1 : 2);
    expect(p.payloadFormat).toBe(r.kind === 'iri' ? 2 : 13);
    expect(fromX2X3Direction(p.payloadDirection)).toBe(r.direction);
    expect(p.xid).toBe(r.task.xid);
    expect(toHex(p.correlationId)).toBe(toHex(r.correlationId));
    expect(p.attributes).toEqual([
      { kind: 'sequenceNumber', value: 1000 + i },
      { kind: 'timestamp', sec: r.network.tsSec, nsec: r.network.tsNsec },
      { kind: 'sourceIPv4Address', address: r.network.srcAddr },
      { kind: 'destinationIPv4Address', address: r.network.dstAddr },
      { kind: 'sourcePort', port: r.network.srcPort },
      { kind: 'destinationPort', port: r.network.dstPort },
      { kind: 'ipProtocol', protocol: 6 },
      { kind: 'matchedTargetIdentifier', text: TASK.matchedTargetId },
    ]);
    if (r.kind === 'cc') {
      expect(toHex(p.payload)).toBe(toHex(r.event.bytes));
    } else {
      const x = decodeLiStructure('XIRIPayload', p.payload);
      expect(x.ok).toBe(true);
      if (!x.ok) return;
      const event = x.value.node.children![1]!.children![0]!;
      expect(event.name).toBe(r.event.kind);
      expect(event.tag).toBe(`[${EVENT_TAGS[r.event.kind]}]`);
    }
  });

  it('uses IPv6 attributes for IPv6 records', () => {
    const v6 = new Uint8Array(16).fill(1);
    const r = { ...CC_TEXT, network: { ...CC_TEXT.network, srcAddr: v6, dstAddr: v6 } };
    const d = decodeX2X3Pdu(encodeX2X3Record(r, 0));
    expect(d.ok && d.value.pdu.attributes.map((a) => a.kind).slice(2, 4)).toEqual(['sourceIPv6Address', 'destinationIPv6Address']);
  });

  it('refuses records the task does not want, and invalid records', () => {
    expect(() => encodeX2X3Record({ ...CC_BINARY, task: { ...TASK, deliveryType: 'X2Only' } }, 0)).toThrow(/X2Only/);
    expect(() => encodeX2X3Record({ ...IRI_RECORDS.iMSMessage, task: { ...TASK, deliveryType: 'X3Only' } }, 0)).toThrow(/X3Only/);
    expect(() => encodeX2X3Record({ ...CC_TEXT, correlationId: new Uint8Array(4) }, 0)).toThrow(/correlationId/);
  });
});
