import { describe, expect, it } from 'vitest';
import { decodeX2X3Pdu } from '../../../../src/encode/x2x3/decode-x2x3-pdu.js';
import { encodeKeepalive, encodeX2X3Pdu } from '../../../../src/encode/x2x3/encode-x2x3-pdu.js';
import type { X2X3Attribute } from '../../../../src/encode/x2x3/x2x3-pdu.js';
import { concatBytes } from '../../../../src/util/bytes.js';

const XID = '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901';

function pdu(attributes: X2X3Attribute[] = [], payload = Uint8Array.of(1, 2, 3)): Uint8Array {
  return encodeX2X3Pdu({ pduType: 2, payloadFormat: 13, payloadDirection: 2, xid: XID, correlationId: new Uint8Array(8), attributes, payload });
}

/** Returns a copy with bytes overwritten at `at`. */
function patch(b: Uint8Array, at: number, bytes: number[]): Uint8Array {
  const c = b.slice();
  c.set(bytes, at);
  return c;
}

/** A PDU whose only attribute is type `t` with the raw `value`, built by hand (the encoder refuses bad ones). */
function withRawAttribute(t: number, value: number[], extra: number[] = []): Uint8Array {
  const base = pdu([], new Uint8Array(0));
  const attr = [t >> 8, t & 0xff, value.length >> 8, value.length & 0xff, ...value, ...extra];
  const out = concatBytes([base, Uint8Array.from(attr)]);
  const hl = 40 + attr.length;
  out.set([hl >>> 24, (hl >>> 16) & 0xff, (hl >>> 8) & 0xff, hl & 0xff], 4);
  return out;
}

describe('X2/X3 decoder: typed errors with offsets', () => {
  const good = pdu([{ kind: 'sequenceNumber', value: 1 }]);
  it.each([
    ['empty input', new Uint8Array(0), 'truncated', 0],
    ['39 bytes', good.subarray(0, 39), 'truncated', 39],
    ['version 00 01', patch(good, 0, [0, 1]), 'bad_version', 0],
    ['version 05 00 (lippycat)', patch(good, 0, [5, 0]), 'bad_version', 0],
    ['PDU type 0', patch(good, 2, [0, 0]), 'bad_pdu_type', 2],
    ['PDU type 5', patch(good, 2, [0, 5]), 'bad_pdu_type', 2],
    ['header length 39', patch(good, 4, [0, 0, 0, 39]), 'bad_header_length', 4],
    ['header length above the cap', patch(good, 4, [0, 2, 0, 0]), 'too_large', 4],
    ['payload length above the cap', patch(good, 8, [0x7f, 0, 0, 0]), 'too_large', 8],
    ['payload cut short', good.subarray(0, good.length - 1), 'truncated', good.length - 1],
    ['keepalive with a payload', patch(encodeKeepalive(1), 8, [0, 0, 0, 1]), 'bad_keepalive', 8],
    ['sequence number of 3 bytes', withRawAttribute(8, [0, 0, 1]), 'bad_attribute', 40],
    ['timestamp of 4 bytes', withRawAttribute(9, [0, 0, 0, 1]), 'bad_attribute', 40],
    ['timestamp nanoseconds 1e9', withRawAttribute(9, [0, 0, 0, 1, 0x3b, 0x9a, 0xca, 0x00]), 'bad_attribute', 48],
    ['IPv6 address of 4 bytes', withRawAttribute(12, [1, 2, 3, 4]), 'bad_attribute', 40],
    ['port of 1 byte', withRawAttribute(14, [1]), 'bad_attribute', 40],
    ['IP protocol of 2 bytes', withRawAttribute(16, [0, 6]), 'bad_attribute', 40],
    ['attribute type 0', withRawAttribute(0, [1]), 'bad_attribute', 40],
    ['matched target id not UTF-8', withRawAttribute(17, [0xc3, 0x28]), 'bad_attribute', 44],
    ['attribute length beyond the header', patch(withRawAttribute(4, [1, 2]), 42, [0, 9]), 'bad_attribute', 42],
    ['3 stray bytes after the last attribute', withRawAttribute(4, [1], [0, 4, 0]), 'bad_attribute', 45],
    ['duplicate non-repeatable attribute', concatBytes([patch(withRawAttribute(8, [0, 0, 0, 1]), 4, [0, 0, 0, 56]), Uint8Array.of(0, 8, 0, 4, 0, 0, 0, 2)]), 'bad_attribute', 48],
  ] as const)('%s', (_name, bytes, code, offset) => {
    const r = decodeX2X3Pdu(bytes);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(code);
    expect(r.error.offset).toBe(offset);
    expect(r.error.expected.length).toBeGreaterThan(0);
  });

  it('repeatable attributes may occur twice', () => {
    const r = decodeX2X3Pdu(
      pdu([
        { kind: 'matchedTargetIdentifier', text: 'a' },
        { kind: 'matchedTargetIdentifier', text: 'b' },
      ]),
    );
    expect(r.ok).toBe(true);
  });

  it('decodes at an offset and reports the PDU length (trailing bytes ignored)', () => {
    const two = concatBytes([Uint8Array.of(9, 9), good, good]);
    const r = decodeX2X3Pdu(two, 2);
    expect(r.ok && r.value.length).toBe(good.length);
  });

  it('respects smaller caps given by the caller', () => {
    const r = decodeX2X3Pdu(good, 0, { maxPayloadLength: 2 });
    expect(!r.ok && r.error.code).toBe('too_large');
  });
});
