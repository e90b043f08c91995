/**
 * decodeFrame through a reader frame's (buf, offset) pair (CapturedFrame.buf) gives the same
 * result as through a frame whose `data` is the record alone: the layers work with absolute
 * offsets into the reader's buffer, and the packet's views cover the same bytes.
 */
import { describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { LinkType } from '../../../src/core/link-type.js';
import { ReaderFrame } from '../../../src/capture/frame-reader.js';
import { decodeFrame } from '../../../src/decode/decode-frame.js';
import { createDecodedPacket } from '../../../src/decode/decoded-packet.js';
import { cat, eth, frameOf, ipv4, tcp, textBytes, udp, vxlan } from '../../helpers/packet-builders.js';

const FRAMES: [string, Uint8Array][] = [
  ['TCP over Ethernet', eth(0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6, payload: tcp({ sport: 40000, dport: 2855, seq: 7, flags: 0x18, payload: textBytes('MSRP a786hjs2 SEND\r\n') }) }))],
  [
    'UDP in VXLAN',
    eth(
      0x0800,
      ipv4({ src: '192.0.2.1', dst: '192.0.2.2', proto: 17, payload: udp(4789, 4789, vxlan(42, eth(0x0800, ipv4({ src: '10.1.0.1', dst: '10.1.0.2', proto: 17, payload: udp(5060, 5060, textBytes('OPTIONS sip:x SIP/2.0\r\n\r\n')) })))) }),
    ),
  ],
];

describe('decodeFrame through buf/offset', () => {
  it.each(FRAMES)('%s: same packet as from a frame of its own', (_name, bytes) => {
    const plain = createDecodedPacket();
    decodeFrame(frameOf(LinkType.ETHERNET, bytes), plain, new AnomalyCounter());
    // The record in the middle of a larger buffer, as a file reader holds it.
    const big = cat(new Uint8Array(37).fill(0xee), bytes, new Uint8Array(11).fill(0xdd));
    const f = new ReaderFrame(0);
    f.frameNo = 1;
    f.linkType = LinkType.ETHERNET;
    f.capLen = f.origLen = bytes.length;
    f.setBytes(big, 37);
    const viaOffset = createDecodedPacket();
    decodeFrame(f, viaOffset, new AnomalyCounter());
    for (const k of ['l4', 'srcPort', 'dstPort', 'tunnel', 'sawUdp', 'sawIpv4'] as const) expect(viaOffset[k]).toEqual(plain[k]);
    expect([...viaOffset.src]).toEqual([...plain.src]);
    expect([...viaOffset.dst]).toEqual([...plain.dst]);
    expect([...viaOffset.payload]).toEqual([...plain.payload]);
    expect(viaOffset.payload.length).toBeGreaterThan(0);
    // The lazy view is the record's bytes.
    expect([...f.data]).toEqual([...bytes]);
  });
});
