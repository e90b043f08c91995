import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { decodeBer, findNode, treeToValue, type AsnNode } from '../../../../src/encode/asn1/ber-decoder.js';
import { encodeDer } from '../../../../src/encode/asn1/der-encoder.js';
import { encodeTs33128CCPayload, encodeTs33128IRIPayload, encodeXIRIPayload } from '../../../../src/encode/asn1/encode-ts33128-payloads.js';
import { CCPayload } from '../../../../src/encode/asn1/ts33128/cc-payload.js';
import { IRIPayload } from '../../../../src/encode/asn1/ts33128/iri-payload.js';
import { XIRIPayload } from '../../../../src/encode/asn1/ts33128/xiri-payload.js';
import { mimeEntityText, targetIdentifierValue } from '../../../../src/encode/asn1/ts33128-record-values.js';
import type { RcsMessageEvent } from '../../../../src/records/iri-event.js';
import { formatUuid } from '../../../../src/records/uuid.js';
import { toHex } from '../../../../src/util/bytes.js';
import { CC_BINARY, CC_TEXT, CPIM, IRI_RECORDS, MSRP_BINARY, MSRP_SEND, SDP, iri } from '../../../helpers/sample-records.js';

const EVENT_TAGS = {
  iMSMessage: 105,
  startOfInterceptionForActiveIMSSession: 106,
  iMSCCUnavailable: 107,
  rCSMessage: 141,
  rCSSessionEstablishment: 143,
  rCSSessionRelease: 145,
  startOfInterceptWithEstablisedRCSSession: 158,
} as const;

function decoded(type: typeof XIRIPayload, der: Uint8Array): AsnNode {
  const d = decodeBer(type, der);
  if (!d.ok) throw new Error(JSON.stringify(d.error));
  expect(d.value.end).toBe(der.length);
  return d.value.node;
}

const text = (n: AsnNode | undefined): unknown => (n?.value instanceof Uint8Array ? Buffer.from(n.value).toString('utf8') : n?.value);

describe('33.128 payloads for every IRI event', () => {
  it.each(Object.entries(IRI_RECORDS))('%s: event tag checked by asn1js, round trip through the generic decoder', (kind, r) => {
    for (const [type, der, oid] of [
      [XIRIPayload, encodeXIRIPayload(r), '4.19.19.8.1'],
      [IRIPayload, encodeTs33128IRIPayload(r), '4.19.19.8.3'],
    ] as const) {
      // Second decoder: asn1js generic BER, checking the tag numbers the spec assigns.
      const a = asn1js.fromBER(der);
      expect(a.offset).toBe(der.length);
      const seq = a.result as asn1js.Sequence;
      const [oidEl, eventEl] = seq.valueBlock.value;
      expect(oidEl!.idBlock.tagClass).toBe(3);
      expect(oidEl!.idBlock.tagNumber).toBe(1);
      expect(toHex(new Uint8Array((oidEl!.valueBlock as unknown as { valueHexView: Uint8Array }).valueHexView))).toBe(oid === '4.19.19.8.1' ? '0413130801' : '0413130803');
      expect(eventEl!.idBlock.tagNumber).toBe(2);
      const alt = (eventEl as asn1js.Constructed).valueBlock.value[0]!;
      expect(alt.idBlock.tagClass).toBe(3);
      expect(alt.idBlock.tagNumber).toBe(EVENT_TAGS[kind as keyof typeof EVENT_TAGS]);
      // Own decoder: named tree, and re-encoding the decoded value gives the same bytes.
      const tree = decoded(type, der);
      expect(findNode(tree, kind)?.tag).toBe(`[${EVENT_TAGS[kind as keyof typeof EVENT_TAGS]}]`);
      expect(toHex(encodeDer(type, treeToValue(tree)))).toBe(toHex(der));
    }
  });

  it('iMSMessage carries the raw SIP, both IP addresses and the session direction', () => {
    const t = decoded(XIRIPayload, encodeXIRIPayload(IRI_RECORDS.iMSMessage));
    expect(text(findNode(t, 'sIPContent'))).toBe(Buffer.from(IRI_RECORDS.iMSMessage.event.kind === 'iMSMessage' ? IRI_RECORDS.iMSMessage.event.sip.raw : []).toString());
    expect(toHex(findNode(findNode(t, 'iPSourceAddress')!, 'iPv4Address')!.value as Uint8Array)).toBe('c000020a');
    expect(findNode(t, 'sessionDirection')?.value).toBe('fromTarget');
  });

  it('rCSSessionEstablishment: identities, UUIDs from Conversation-ID/Contribution-ID, MSRP path', () => {
    const t = decoded(XIRIPayload, encodeXIRIPayload(IRI_RECORDS.rCSSessionEstablishment));
    expect(formatUuid(findNode(t, 'conversationID')!.value as Uint8Array)).toBe('0f0e0d0c-0b0a-4908-8706-050403020100');
    expect(formatUuid(findNode(t, 'contributionID')!.value as Uint8Array)).toBe('11111111-2222-4333-8444-555555555555');
    expect(findNode(t, 'path')?.value).toBe('msrp://192.0.2.10:7777/s111;tcp');
    expect(findNode(t, 'sessionLeg')?.value).toBe('localLeg');
    expect(findNode(t, 'rCSSessionResult')?.value).toBe('newLegEstablished');
    expect(findNode(t, 'rCSSessionType')?.value).toBe('oneTo1Chat');
    const ids = findNode(t, 'iMSSubscriberIDs')!.children!.map((c) => treeToValue(c));
    expect(ids).toEqual([{ iMPU: { sIPURI: 'sip:alice@example.com' } }, { iMPU: { tELURI: 'tel:+4930123456' } }]);
  });

  it('a missing or non-UUID Conversation-ID becomes the nil UUID (mandatory field)', () => {
    const e = IRI_RECORDS.rCSMessage.event as RcsMessageEvent;
    const { conversationId: _drop, ...rest } = e;
    const t = decoded(XIRIPayload, encodeXIRIPayload(iri({ ...rest, contributionId: 'not-a-uuid' }, { network: IRI_RECORDS.rCSMessage.network })));
    expect(toHex(findNode(t, 'conversationID')!.value as Uint8Array)).toBe('00'.repeat(16));
    expect(toHex(findNode(t, 'contributionID')!.value as Uint8Array)).toBe('00'.repeat(16));
  });

  it('rCSMessage: UTF-8 content as a MIME entity, IMDN message ID, message type', () => {
    const t = decoded(XIRIPayload, encodeXIRIPayload(IRI_RECORDS.rCSMessage));
    expect(findNode(t, 'messageType')?.value).toBe('messageWithUserContent');
    expect(findNode(t, 'messageID')?.value).toBe('Msg1');
    expect(findNode(t, 'contentType')?.value).toBe('message/cpim');
    expect(findNode(t, 'encapsulatedMIMEEntity')?.value).toBe(`Content-Type: message/cpim\r\n\r\n${Buffer.from(CPIM).toString()}`);
    expect(findNode(t, 'direction')?.value).toBe('fromTarget');
  });

  it('rCSMessage: binary content becomes a base64 MIME entity that decodes to the same bytes', () => {
    const bin = new Uint8Array(200).map((_, i) => (i * 37) & 0xff);
    const entity = mimeEntityText('image/png', bin);
    expect(entity.startsWith('Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n')).toBe(true);
    const body = entity.split('\r\n\r\n')[1]!;
    expect(body.split('\r\n').every((l) => l.length <= 76)).toBe(true);
    expect(toHex(Buffer.from(body.replace(/\r\n/g, ''), 'base64'))).toBe(toHex(bin));
    const ev = { ...(IRI_RECORDS.rCSMessage.event as RcsMessageEvent), messageType: 'fileTransferMessage' as const, contentType: 'image/png', content: bin };
    const t = decoded(XIRIPayload, encodeXIRIPayload(iri(ev)));
    expect(findNode(t, 'encapsulatedMIMEEntity')?.value).toBe(entity);
    expect(findNode(t, 'messageType')?.value).toBe('fileTransferMessage');
  });

  it('rCSMessage with a direction 33.128 Direction cannot express is refused', () => {
    expect(() => encodeXIRIPayload({ ...IRI_RECORDS.rCSMessage, direction: 'combined' })).toThrow(/direction/);
  });

  it('IRIPayload names the matched target identifier with provenance matchedOn', () => {
    const t = decoded(IRIPayload, encodeTs33128IRIPayload(IRI_RECORDS.iMSMessage));
    expect(treeToValue(findNode(t, 'targetIdentifiers')!)).toEqual([{ identifier: { iMPU: { sIPURI: 'sip:alice@example.com' } }, provenance: 'matchedOn' }]);
  });

  it.each([
    ['sip:a@b', { iMPU: { sIPURI: 'sip:a@b' } }],
    ['SIPS:a@b', { iMPU: { sIPURI: 'SIPS:a@b' } }],
    ['tel:+4930', { iMPU: { tELURI: 'tel:+4930' } }],
    ['+4930123456', { e164Number: '4930123456' }],
    ['alice@ims.example', { iMPI: 'alice@ims.example' }],
  ])('TargetIdentifier for "%s"', (t, v) => {
    expect(targetIdentifierValue(t)).toEqual(v);
  });
});

describe('33.128 CCPayload policy for MSRP requests', () => {
  it('valid UTF-8 request → rCSCCPDU.encapsulatedRCSPayload.mSRP.encapsulatedMSRP (UTF8String)', () => {
    const der = encodeTs33128CCPayload(CC_TEXT);
    const t = decoded(CCPayload as never, der);
    expect(findNode(t, 'cCPayloadOID')?.value).toBe('4.19.19.8.4');
    expect(findNode(t, 'rCSCCPDU')?.tag).toBe('[7]');
    expect(findNode(t, 'encapsulatedMSRP')?.value).toBe(Buffer.from(MSRP_SEND).toString('utf8'));
    expect(findNode(t, 'iMSCCPDU')).toBeUndefined();
  });
  it('binary request → iMSCCPDU.payload (OCTET STRING, byte-exact) + sDPInfo', () => {
    const t = decoded(CCPayload as never, encodeTs33128CCPayload(CC_BINARY));
    expect(findNode(t, 'iMSCCPDU')?.tag).toBe('[6]');
    expect(toHex(findNode(t, 'payload')!.value as Uint8Array)).toBe(toHex(MSRP_BINARY));
    expect(toHex(findNode(t, 'sDPInfo')!.value as Uint8Array)).toBe(toHex(SDP));
    expect(findNode(t, 'rCSCCPDU')).toBeUndefined();
  });
});
