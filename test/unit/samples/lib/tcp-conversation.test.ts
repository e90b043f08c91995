/** TcpConversation: seq/ack bookkeeping, MSS splitting, wrap-around, teardown, retransmission. */
import { describe, expect, it } from 'vitest';
import { ipAddr } from '../../../../samples/gen/lib/addr.js';
import { internetChecksum, pseudoHeader } from '../../../../samples/gen/lib/checksum.js';
import { TcpFlags } from '../../../../samples/gen/lib/tcp.js';
import { TcpConversation, type TcpSegment } from '../../../../samples/gen/lib/tcp-conversation.js';
import { u16be, u32be } from '../../../../src/util/bytes.js';

const { SYN, ACK, FIN, PSH, RST } = TcpFlags;

function conv(family: 4 | 6, cIsn = 100, sIsn = 5000): TcpConversation {
  const [c, s] = family === 4 ? ['192.0.2.1', '198.51.100.1'] : ['2001:db8::1', '2001:db8::2'];
  return new TcpConversation({ client: { addr: ipAddr(c), port: 49200, isn: cIsn }, server: { addr: ipAddr(s), port: 2855, isn: sIsn, mss: 1000 } });
}

/** Reads seq, ack, flags and payload length back from the built IP packet and checks both checksums. */
function wire(seg: TcpSegment): { seq: number; ack: number; flags: number; len: number } {
  const v6 = seg.ip[0]! >> 4 === 6;
  const hl = v6 ? 40 : (seg.ip[0]! & 0x0f) * 4;
  const end = v6 ? 40 + u16be(seg.ip, 4) : u16be(seg.ip, 2);
  const t = seg.ip.subarray(hl, end);
  const src = v6 ? seg.ip.subarray(8, 24) : seg.ip.subarray(12, 16);
  const dst = v6 ? seg.ip.subarray(24, 40) : seg.ip.subarray(16, 20);
  if (!v6) expect(internetChecksum([seg.ip.subarray(0, hl)])).toBe(0);
  expect(internetChecksum([pseudoHeader(src, dst, 6, t.length), t])).toBe(0);
  return { seq: u32be(t, 4), ack: u32be(t, 8), flags: t[13]!, len: t.length - (t[12]! >> 4) * 4 };
}

describe.each([4, 6] as const)('TcpConversation over IPv%i', (family) => {
  it('handshake, data both ways, close: seq/ack follow RFC 9293', () => {
    const c = conv(family);
    const segs = [...c.handshake(), ...c.send('c2s', 'hello'), ...c.send('s2c', 'world!'), c.ack('c2s'), ...c.close('c2s')];
    expect(segs.map(wire)).toEqual([
      { seq: 100, ack: 0, flags: SYN, len: 0 },
      { seq: 5000, ack: 101, flags: SYN | ACK, len: 0 },
      { seq: 101, ack: 5001, flags: ACK, len: 0 },
      { seq: 101, ack: 5001, flags: ACK | PSH, len: 5 },
      { seq: 5001, ack: 106, flags: ACK | PSH, len: 6 },
      { seq: 106, ack: 5007, flags: ACK, len: 0 },
      { seq: 106, ack: 5007, flags: FIN | ACK, len: 0 },
      { seq: 5007, ack: 107, flags: FIN | ACK, len: 0 },
      { seq: 107, ack: 5008, flags: ACK, len: 0 },
    ]);
    expect(segs.every((s) => s.facts.tcpStream === c)).toBe(true);
    expect(segs[0]!.facts[family === 4 ? 'ipv4' : 'ipv6']).toBe(true);
  });
});

describe('TcpConversation', () => {
  it("splits data by the receiver's MSS, PSH on the last piece only", () => {
    const c = conv(4);
    const segs = c.send('c2s', new Uint8Array(2500)); // server MSS 1000
    expect(segs.map((s) => [s.payload.length, s.flags])).toEqual([
      [1000, ACK],
      [1000, ACK],
      [500, ACK | PSH],
    ]);
    expect(segs.map((s) => s.seq)).toEqual([101, 1101, 2101]);
    const back = c.send('s2c', new Uint8Array(3000)); // client default MSS 1460
    expect(back.map((s) => s.payload.length)).toEqual([1460, 1460, 80]);
  });

  it('wraps sequence numbers modulo 2^32', () => {
    const c = conv(4, 0xfffffc00);
    const segs = c.send('c2s', new Uint8Array(2500));
    // 0xfffffc01 + 1000 = 0xffffffe9; + 2000 wraps to 0x3d1; + 2500 to 0x5c5.
    expect(segs.map((s) => s.seq)).toEqual([0xfffffc01, 0xffffffe9, 0x000003d1]);
    expect(c.nextSeq('c2s')).toBe(0x000005c5);
    expect(segs.map(wire).map((w) => w.seq)).toEqual(segs.map((s) => s.seq));
  });

  it('retransmit: same seq by default; with offset/payload an overlapping segment with other bytes; state unchanged', () => {
    const c = conv(4);
    const [seg] = c.send('c2s', 'abcdefghij');
    const next = c.nextSeq('c2s');
    const dup = c.retransmit(seg!);
    expect([dup.seq, Buffer.from(dup.payload).toString()]).toEqual([seg!.seq, 'abcdefghij']);
    const ov = c.retransmit(seg!, { offset: 4, payload: Buffer.from('XXXX') });
    expect([ov.seq, ov.ack, ov.flags, Buffer.from(ov.payload).toString()]).toEqual([seg!.seq + 4, seg!.ack, seg!.flags, 'XXXX']);
    expect(c.nextSeq('c2s')).toBe(next);
  });

  it('reset with and without ACK; IPv4 ids count per direction', () => {
    const c = conv(4);
    expect(c.reset('s2c').flags).toBe(RST | ACK);
    expect(c.reset('c2s', { withAck: false }).flags).toBe(RST);
    const a = c.ack('c2s');
    const b = c.ack('c2s');
    expect(u16be(b.ip, 4) - u16be(a.ip, 4)).toBe(1);
  });

  it('rejects peers of different families', () => {
    expect(() => new TcpConversation({ client: { addr: ipAddr('192.0.2.1'), port: 1, isn: 0 }, server: { addr: ipAddr('::1'), port: 2, isn: 0 } })).toThrow(RangeError);
  });
});
