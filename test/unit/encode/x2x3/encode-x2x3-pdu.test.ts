import { describe, expect, it } from 'vitest';
import { decodeX2X3Pdu } from '../../../../src/encode/x2x3/decode-x2x3-pdu.js';
import { encodeKeepalive, encodeKeepaliveAck, encodeX2X3Pdu } from '../../../../src/encode/x2x3/encode-x2x3-pdu.js';
import { encodeX3Record } from '../../../../src/encode/x2x3/encode-x2x3-record.js';
import type { X2X3Attribute } from '../../../../src/encode/x2x3/x2x3-pdu.js';
import { fromHex, toHex } from '../../../../src/util/bytes.js';
import { bytesOf } from '../helpers/hex-fixture.js';
import { cc, enc } from '../../../helpers/sample-records.js';

/** Keepalive with sequence number 0x01020304 (TS 103 221-2; OpenLI keepalive layout). */
const KEEPALIVE = `
  00 05                                            version 0.5
  00 03                                            PDU type 3 keepalive
  00 00 00 30                                      header length 48
  00 00 00 00                                      payload length 0
  00 00                                            payload format 0 (keepalive)
  00 00                                            payload direction 0 (reserved)
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  XID all zero
  00 00 00 00 00 00 00 00                          correlation ID all zero
  00 08 00 04 01 02 03 04                          attr 8 sequence number = 0x01020304
`;

/** The acknowledgement: same layout, PDU type 4, echoed sequence number. */
const KEEPALIVE_ACK = KEEPALIVE.replace('00 03                                            PDU type 3', '00 04                                            PDU type 4');

/** X3 PDU of a minimal MSRP request, IPv4, sequence number 5. */
const X3_PDU = `
  00 05                                            version 0.5
  00 02                                            PDU type 2 (X3 xCC)
  00 00 00 76                                      header length 118 = 40 + 78
  00 00 00 1a                                      payload length 26
  00 0d                                            payload format 13 (MSRP message)
  00 03                                            direction 3 (sent from the target)
  2b 3c 4d 5e 6f 70 41 82 93 a4 b5 c6 d7 e8 f9 01  XID 2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901, RFC 4122 order
  01 02 03 04 05 06 07 08                          correlation ID
  00 08 00 04 00 00 00 05                          attr 8 sequence number 5
  00 09 00 08 69 29 64 90 07 5b cd 15              attr 9 timestamp 1764320400 s, 123456789 ns
  00 0a 00 04 c0 00 02 0a                          attr 10 source IPv4 192.0.2.10
  00 0b 00 04 c0 00 02 14                          attr 11 destination IPv4 192.0.2.20
  00 0e 00 02 1e 61                                attr 14 source port 7777
  00 0f 00 02 22 b8                                attr 15 destination port 8888
  00 10 00 01 06                                   attr 16 IP protocol 6 (TCP)
  00 11 00 15 73 69 70 3a 61 6c 69 63 65 40 65 78  attr 17 matched target id (21 bytes)
  61 6d 70 6c 65 2e 63 6f 6d                         "sip:alice@example.com"
  4d 53 52 50 20 74 31 20 53 45 4e 44 0d 0a        payload "MSRP t1 SEND\\r\\n"
  2d 2d 2d 2d 2d 2d 2d 74 31 24 0d 0a                 "-------t1$\\r\\n"
`;

describe('X2/X3 PDU encoder: golden bytes', () => {
  it('keepalive', () => {
    expect(toHex(encodeKeepalive(0x01020304))).toBe(toHex(bytesOf(KEEPALIVE)));
  });
  it('keepalive acknowledgement echoes the sequence number (header length 48)', () => {
    const ka = decodeX2X3Pdu(bytesOf(KEEPALIVE));
    expect(ka.ok).toBe(true);
    if (!ka.ok) return;
    expect(toHex(encodeKeepaliveAck(ka.value.pdu)!)).toBe(toHex(bytesOf(KEEPALIVE_ACK)));
  });
  it('no acknowledgement for a keepalive without sequence number or for other PDUs', () => {
    const base = { version: 5, pduType: 3, payloadFormat: 0, payloadDirection: 0, xid: '00000000-0000-0000-0000-000000000000', correlationId: new Uint8Array(8), payload: new Uint8Array(0) };
    expect(encodeKeepaliveAck({ ...base, attributes: [] })).toBeUndefined();
    expect(encodeKeepaliveAck({ ...base, pduType: 1, attributes: [{ kind: 'sequenceNumber', value: 1 }] })).toBeUndefined();
  });
  it('X3 PDU for an MSRP request', () => {
    expect(toHex(encodeX3Record(cc(enc('MSRP t1 SEND\r\n-------t1$\r\n')), 5))).toBe(toHex(bytesOf(X3_PDU)));
  });
});

describe('X2/X3 PDU encode/decode round trip', () => {
  const attrs: X2X3Attribute[] = [
    { kind: 'opaque', type: 1, value: Uint8Array.of(1) },
    { kind: 'opaque', type: 2, value: Uint8Array.of(2, 2) },
    { kind: 'opaque', type: 5, value: enc('did') },
    { kind: 'opaque', type: 6, value: enc('nf-1') },
    { kind: 'opaque', type: 7, value: enc('ipid') },
    { kind: 'sequenceNumber', value: 0xffffffff },
    { kind: 'timestamp', sec: 0xffffffff, nsec: 999_999_999 },
    { kind: 'sourceIPv6Address', address: fromHex('20010db8000000000000000000000001') },
    { kind: 'destinationIPv6Address', address: fromHex('20010db8000000000000000000000002') },
    { kind: 'sourcePort', port: 0 },
    { kind: 'destinationPort', port: 65535 },
    { kind: 'ipProtocol', protocol: 17 },
    { kind: 'matchedTargetIdentifier', text: '<E164Number>4930123</E164Number>' },
    { kind: 'matchedTargetIdentifier', text: 'tel:+4930123' },
    { kind: 'otherTargetIdentifier', text: 'sip:ä@example.com' },
    { kind: 'opaque', type: 19, value: enc('message/cpim') },
    { kind: 'opaque', type: 20, value: enc('binary') },
    { kind: 'opaque', type: 21, value: Uint8Array.of() },
    { kind: 'sdpSessionDescription', text: 'v=0\r\n' },
    { kind: 'opaque', type: 300, value: Uint8Array.of(9) },
  ];
  it.each([1, 2, 3, 4])('PDU type %i with every attribute kind', (pduType) => {
    const pdu = {
      pduType,
      payloadFormat: pduType >= 3 ? 0 : 13,
      payloadDirection: pduType >= 3 ? 0 : 2,
      xid: 'ffeeddcc-bbaa-4988-8776-655443322110',
      correlationId: fromHex('8877665544332211'),
      attributes: attrs,
      payload: pduType >= 3 ? new Uint8Array(0) : enc('payload'),
    };
    const bytes = encodeX2X3Pdu(pdu);
    const d = decodeX2X3Pdu(bytes);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.length).toBe(bytes.length);
    expect({ ...d.value.pdu, correlationId: toHex(d.value.pdu.correlationId), payload: toHex(d.value.pdu.payload) }).toEqual({
      ...pdu,
      version: 5,
      correlationId: toHex(pdu.correlationId),
      payload: toHex(pdu.payload),
      attributes: attrs.map((a) => ('address' in a ? { ...a, address: a.address } : a)),
    });
  });
});

describe('X2/X3 PDU encoder rejects invalid input (caller bugs)', () => {
  const ok = { pduType: 2, payloadFormat: 13, payloadDirection: 2, xid: '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901', correlationId: new Uint8Array(8), attributes: [], payload: new Uint8Array(0) };
  it.each([
    ['XID not a UUID', { ...ok, xid: 'task-1' }],
    ['correlation ID of 7 bytes', { ...ok, correlationId: new Uint8Array(7) }],
    ['IPv4 attribute of 16 bytes', { ...ok, attributes: [{ kind: 'sourceIPv4Address', address: new Uint8Array(16) }] }],
    ['port 65536', { ...ok, attributes: [{ kind: 'sourcePort', port: 65536 }] }],
    ['nanoseconds 1e9', { ...ok, attributes: [{ kind: 'timestamp', sec: 1, nsec: 1e9 }] }],
    ['attribute type 0', { ...ok, attributes: [{ kind: 'opaque', type: 0, value: new Uint8Array(0) }] }],
    ['attribute value > 65535 bytes', { ...ok, attributes: [{ kind: 'opaque', type: 4, value: new Uint8Array(65536) }] }],
    ['lone surrogate in a text attribute', { ...ok, attributes: [{ kind: 'matchedTargetIdentifier', text: 'a\ud800' }] }],
  ] as const)('%s', (_name, pdu) => {
    expect(() => encodeX2X3Pdu(pdu as never)).toThrow(/X2\/X3/);
  });
});
