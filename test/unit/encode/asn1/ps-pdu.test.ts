import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { decodeLiStructure } from '../../../../src/encode/asn1/decode-li-payloads.js';
import { findNode, treeToValue } from '../../../../src/encode/asn1/ber-decoder.js';
import { encodePsPdu } from '../../../../src/encode/asn1/encode-ps-pdu.js';
import { toHex } from '../../../../src/util/bytes.js';
import { bytesOf } from '../helpers/hex-fixture.js';
import { ALL_RECORDS, cc, enc, iri } from '../../../helpers/sample-records.js';

/** HI2 PS-PDU (TS 102 232-1 LI-PS-PDU version35) carrying a 33.128 IRIPayload (iMSCCUnavailable "TLS"). */
const HI2 = `
  30 81 99                 PS-PDU SEQUENCE, 153 octets (long form, > 127)
  a1 55                    pSHeader [1] PSHeader, 85 octets
  80 07 04 00 02 02 05 01 23  li-psDomainId [0] OID 0.4.0.2.2.5.1.35
  81 09 4c 49 49 44 2d 30 30 30 31  lawfulInterceptionIdentifier [1] "LIID-0001"
  82 02 44 45              authorizationCountryCode [2] "DE"
  a3 0d                    communicationIdentifier [3]
  a0 04                    networkIdentifier [0]
  80 02 4f 50              operatorIdentifier [0] "OP"
  81 01 4d                 communicationIdentityNumber [1] 77
  82 02 44 45              deliveryCountryCode [2] "DE"
  84 01 01                 sequenceNumber [4] 1
  85 19 32 30 32 35 31 31 32 38 30 39 30 30 30 30  timeStamp [5] GeneralizedTime
  2e 31 32 33 34 35 36 37 38 39 5a  "20251128090000.123456789Z"
  a7 0b                    microSecondTimeStamp [7]
  80 04 69 29 64 90        seconds [0] 1764320400
  81 03 01 e2 40           microSeconds [1] 123456
  88 01 01                 timeStampQualifier [8] timeOfInterception(1)
  a2 40                    payload [2] Payload (CHOICE: explicit)
  a0 3e                    iRIPayloadSequence [0] SEQUENCE OF IRIPayload
  30 3c                    IRIPayload
  80 01 04                 iRIType [0] iRI-Report(4)
  a2 37                    iRIContents [2] IRIContents (CHOICE: explicit)
  93 35                    threeGPP33128DefinedIRI [19] OCTET STRING, 53 octets, CONTAINING:
  30 33                    33.128 IRIPayload
  81 05 04 13 13 08 03     iRIPayloadOID [1] 4.19.19.8.3
  a2 08                    event [2] IRIEvent (CHOICE: explicit)
  bf 6b 05                 iMSCCUnavailable [107]
  81 03 54 4c 53           cCUnavailableReason [1] "TLS"
  a3 20                    targetIdentifiers [3] SEQUENCE OF IRITargetIdentifier
  30 1e                    IRITargetIdentifier
  a1 19                    identifier [1] TargetIdentifier (CHOICE: explicit)
  ab 17                    iMPU [11] IMPU (CHOICE: explicit)
  81 15 73 69 70 3a 61 6c 69 63 65 40 65 78 61 6d  sIPURI [1] "sip:alice@example.com"
  70 6c 65 2e 63 6f 6d
  82 01 03                 provenance [2] matchedOn(3)
`;

/** HI3 PS-PDU carrying a 33.128 CCPayload with one MSRP request (valid UTF-8 → rCSCCPDU). */
const HI3 = `
  30 81 89                 PS-PDU SEQUENCE, 137 octets
  a1 4d                    pSHeader [1]
  80 07 04 00 02 02 05 01 23  li-psDomainId [0]
  81 09 4c 49 49 44 2d 30 30 30 31  LIID "LIID-0001"
  a3 09                    communicationIdentifier [3]
  a0 04 80 02 4f 50        networkIdentifier [0] { operatorIdentifier [0] "OP" }
  81 01 4d                 communicationIdentityNumber [1] 77
  84 01 02                 sequenceNumber [4] 2
  85 19 32 30 32 35 31 31 32 38 30 39 30 30 30 30  timeStamp [5]
  2e 31 32 33 34 35 36 37 38 39 5a
  a7 0b 80 04 69 29 64 90 81 03 01 e2 40  microSecondTimeStamp [7]
  88 01 01                 timeStampQualifier [8] timeOfInterception(1)
  a2 38                    payload [2]
  a1 36                    cCPayloadSequence [1] SEQUENCE OF CCPayload
  30 34                    CCPayload
  80 01 00                 payloadDirection [0] fromTarget(0)
  a2 2f                    cCContents [2] CCContents (CHOICE: explicit)
  97 2d                    threeGPP33128DefinedCC [23] OCTET STRING, 45 octets, CONTAINING:
  30 2b                    33.128 CCPayload
  81 05 04 13 13 08 04     cCPayloadOID [1] 4.19.19.8.4
  a2 22                    pDU [2] CCPDU (CHOICE: explicit)
  a7 20                    rCSCCPDU [7] RCSCCPDU (CHOICE: explicit)
  a1 1e                    encapsulatedRCSPayload [1] EncapsulatedRCSPayload (CHOICE: explicit)
  a2 1c                    mSRP [2] MSRPMessage (SEQUENCE, implicit)
  81 1a 4d 53 52 50 20 74 31 20 53 45 4e 44 0d 0a  encapsulatedMSRP [1] UTF8String
  2d 2d 2d 2d 2d 2d 2d 74 31 24 0d 0a  "MSRP t1 SEND\\r\\n-------t1$\\r\\n"
`;

const UNAV = iri({ kind: 'iMSCCUnavailable', reason: 'TLS' });
const SMALL_CC = cc(enc('MSRP t1 SEND\r\n-------t1$\r\n'));

describe('TS 102 232-1 PS-PDU encoder', () => {
  it('golden HI2 PS-PDU', () => {
    expect(toHex(encodePsPdu(UNAV, { operatorIdentifier: 'OP', sequenceNumber: 1, authorizationCountryCode: 'DE', deliveryCountryCode: 'DE' }))).toBe(toHex(bytesOf(HI2)));
  });
  it('golden HI3 PS-PDU', () => {
    expect(toHex(encodePsPdu(SMALL_CC, { operatorIdentifier: 'OP', sequenceNumber: 2 }))).toBe(toHex(bytesOf(HI3)));
  });

  it('asn1js sees the spec tag numbers: [1] header, [2] payload, [0]/[1] sequences, [19]/[23] contents', () => {
    for (const [r, seqTag, contentTag] of [
      [UNAV, 0, 19],
      [SMALL_CC, 1, 23],
    ] as const) {
      const der = encodePsPdu(r, { operatorIdentifier: 'OP', sequenceNumber: 9 });
      const top = asn1js.fromBER(der);
      expect(top.offset).toBe(der.length);
      const [hdr, payload] = (top.result as asn1js.Sequence).valueBlock.value;
      expect([hdr!.idBlock.tagNumber, payload!.idBlock.tagNumber]).toEqual([1, 2]);
      const seq = (payload as asn1js.Constructed).valueBlock.value[0] as asn1js.Constructed;
      expect(seq.idBlock.tagNumber).toBe(seqTag);
      const item = seq.valueBlock.value[0] as asn1js.Constructed;
      const contents = item.valueBlock.value.find((e) => e.idBlock.tagNumber === 2) as asn1js.Constructed;
      const inner = contents.valueBlock.value[0]!;
      expect(inner.idBlock.tagNumber).toBe(contentTag);
      expect(inner.idBlock.isConstructed).toBe(false);
      // The OCTET STRING holds a complete 33.128 encoding (CONTAINING).
      const innerBytes = new Uint8Array((inner.valueBlock as unknown as { valueHexView: Uint8Array }).valueHexView);
      expect(asn1js.fromBER(innerBytes).offset).toBe(innerBytes.length);
    }
  });

  it('openssl asn1parse accepts every PS-PDU and shows the context tags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrptap-ps-'));
    ALL_RECORDS.forEach((r, i) => {
      const file = join(dir, `${i}.der`);
      writeFileSync(file, encodePsPdu(r, { operatorIdentifier: 'OP', sequenceNumber: i }));
      const out = execFileSync('openssl', ['asn1parse', '-inform', 'DER', '-in', file, '-i'], { encoding: 'utf8' });
      expect(out).toMatch(/cont \[ 1 \]/);
      expect(out).toMatch(r.kind === 'iri' ? /prim:\s+cont \[ 19 \]/ : /prim:\s+cont \[ 23 \]/);
      expect(out).not.toMatch(/error/i);
    });
  });

  it.each(ALL_RECORDS.map((r, i) => [i, r] as const))('record %i: decodes to a named tree and re-encodes identically', (i, r) => {
    const der = encodePsPdu(r, { operatorIdentifier: 'OP', sequenceNumber: i, networkElementIdentifier: Uint8Array.of(1, 2) });
    const d = decodeLiStructure('PS-PDU', der);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    const t = d.value.node;
    expect(findNode(t, 'li-psDomainId')?.value).toBe('0.4.0.2.2.5.1.35');
    expect(findNode(t, 'lawfulInterceptionIdentifier')?.value).toBe('LIID-0001');
    expect(findNode(t, 'communicationIdentityNumber')?.value).toBe(77);
    expect(findNode(t, 'sequenceNumber')?.value).toBe(i);
    expect(findNode(t, r.kind === 'iri' ? 'threeGPP33128DefinedIRI' : 'threeGPP33128DefinedCC')).toBeDefined();
    if (r.kind === 'iri') expect(findNode(t, r.event.kind)).toBeDefined();
    expect(findNode(t, 'iRIType')?.value).toBe(r.kind === 'iri' ? { begin: 'iRI-Begin', continue: 'iRI-Continue', end: 'iRI-End', report: 'iRI-Report' }[r.iriType] : undefined);
    expect(treeToValue(t)).toBeTruthy();
  });

  it('rejects sequence numbers outside 0..2^32-1 and invalid header fields', () => {
    expect(() => encodePsPdu(UNAV, { operatorIdentifier: 'OP', sequenceNumber: 2 ** 32 })).toThrow(/sequenceNumber/);
    expect(() => encodePsPdu(UNAV, { operatorIdentifier: 'OP', sequenceNumber: 0, authorizationCountryCode: 'DEU' })).toThrow(/size 3/);
    expect(() => encodePsPdu(UNAV, { operatorIdentifier: '', sequenceNumber: 0 })).toThrow(/size 0/);
    expect(() => encodePsPdu({ ...UNAV, task: { ...UNAV.task, liid: 'x'.repeat(26) } }, { operatorIdentifier: 'OP', sequenceNumber: 0 })).toThrow(/liid/);
  });
});
