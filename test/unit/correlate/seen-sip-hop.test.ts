import { describe, expect, it } from 'vitest';
import { ipAddr } from '../../../samples/gen/lib/addr.js';
import { SeenSipHop } from '../../../src/correlate/seen-sip-hop.js';

describe('SeenSipHop', () => {
  it('gives back the network context of the SIP packet it was made from, with owned addresses (IPv4 and IPv6)', () => {
    for (const [src, dst] of [
      ['10.0.0.1', '192.168.255.254'],
      ['2001:db8::1', 'fe80::ff:fe00:1'],
    ] as const) {
      const packet = new Uint8Array(64).fill(0xaa);
      const s = ipAddr(src);
      const d = ipAddr(dst);
      packet.set(s, 8);
      packet.set(d, 8 + s.length);
      const where = { frameNo: 42, tsSec: 1_790_000_123, tsNsec: 456_789, srcAddr: packet.subarray(8, 8 + s.length), dstAddr: packet.subarray(8 + s.length, 8 + s.length + d.length), srcPort: 5060, dstPort: 5070, ipProto: 17 };
      const hop = SeenSipHop.of(where);
      packet.fill(0); // the capture buffer is reused: the hop must not alias it
      const n = hop.network();
      expect([...n.srcAddr]).toEqual([...s]);
      expect([...n.dstAddr]).toEqual([...d]);
      expect(n.srcAddr.buffer).not.toBe(packet.buffer);
      expect({ srcPort: n.srcPort, dstPort: n.dstPort, ipProto: n.ipProto, tsSec: n.tsSec, tsNsec: n.tsNsec, frameNo: n.frameNo }).toEqual({ srcPort: 5060, dstPort: 5070, ipProto: 17, tsSec: 1_790_000_123, tsNsec: 456_789, frameNo: 42 });
    }
  });
});
