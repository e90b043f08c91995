/**
 * TcpTracker throughput (connection lookup, LRU touch, reassembly hand-off: the per-packet path
 * below every parser): pre-built decoded packets of CONNS connections (handshake, SEGS data
 * segments of 1000 bytes round-robin over the connections, FIN both ways), fed with `expire`
 * once every 4096 packets, into a consumer that drops the bytes. Prints packets per second.
 *
 * Run: `npx tsx bench/tcp-tracker-throughput.ts [conns=4000] [segs=60] [runs=5] [bypass]`. Best of
 * `runs`, in-process; these machines are noisy, compare runs made in the same invocation only.
 * With `bypass` the consumer asks for the bypass of each direction at its first bytes (issue 13,
 * src/flow/stream-bypass.ts), as the correlator does for a direction carrying non-targets only:
 * both variants run, alternating, and both are printed.
 */
import { createDecodedPacket, type DecodedPacket, IpProto, TcpFlag } from '../src/decode/decoded-packet.js';
import type { StreamConsumerFactory } from '../src/flow/stream-consumer.js';
import { TcpTracker } from '../src/flow/tcp-tracker.js';

const CONNS = Number(process.argv[2] ?? 4000);
const SEGS = Number(process.argv[3] ?? 60);
const RUNS = Number(process.argv[4] ?? 5);
const BYPASS = process.argv[5] === 'bypass';
const SERVER = Uint8Array.of(10, 200, 0, 1);
const NONE = new Uint8Array(0);

function packet(c: number, fromClient: boolean, seq: number, ack: number, flags: number, payload: Uint8Array): DecodedPacket {
  const p = createDecodedPacket();
  const client = Uint8Array.of(10, (c >> 16) & 255, (c >> 8) & 255, c & 255);
  p.ipVersion = 4;
  p.sawIpv4 = true;
  p.ipProto = IpProto.TCP;
  p.l4 = IpProto.TCP;
  p.src = fromClient ? client : SERVER;
  p.dst = fromClient ? SERVER : client;
  p.srcPort = fromClient ? 40000 + (c % 20000) : 2855;
  p.dstPort = fromClient ? 2855 : 40000 + (c % 20000);
  p.tcpSeq = seq >>> 0;
  p.tcpAck = ack >>> 0;
  p.tcpFlags = flags;
  p.payload = payload;
  return p;
}

function packets(): DecodedPacket[] {
  const out: DecodedPacket[] = [];
  const data = new Uint8Array(1000).fill(0x41);
  const { SYN, ACK, FIN } = TcpFlag;
  for (let c = 0; c < CONNS; c++) {
    out.push(packet(c, true, 1000, 0, SYN, NONE));
    out.push(packet(c, false, 5000, 1001, SYN | ACK, NONE));
  }
  for (let s = 0; s < SEGS; s++) {
    const fromClient = s % 2 === 0;
    const k = s >> 1;
    for (let c = 0; c < CONNS; c++) out.push(packet(c, fromClient, (fromClient ? 1001 : 5001) + k * 1000, (fromClient ? 5001 : 1001) + k * 1000, ACK, data));
  }
  const half = Math.ceil(SEGS / 2) * 1000;
  for (let c = 0; c < CONNS; c++) {
    out.push(packet(c, true, 1001 + half, 5001 + half, FIN | ACK, NONE));
    out.push(packet(c, false, 5001 + half, 1002 + half, FIN | ACK, NONE));
  }
  return out;
}

let bytes = 0;
/**
 * One consumer per connection that drops the bytes; with `bypass` it asks for the bypass of each
 * direction at its bytes (the correlator's verdict, in effect). Both variants share this code, so
 * neither pays for the other's call sites.
 */
const makeFactory = (bypass: boolean): StreamConsumerFactory => ({
  create: (conn) => ({
    data: (dir, d) => {
      bytes += d.length;
      if (bypass) conn.bypass?.(dir);
    },
    gap: () => {},
    end: () => {},
  }),
});
const sink = { report: () => {} };

const pkts = packets();
const variants: [string, StreamConsumerFactory][] = BYPASS
  ? [
      ['framed', makeFactory(false)],
      ['bypassed', makeFactory(true)],
    ]
  : [['framed', makeFactory(false)]];
const best = variants.map(() => Infinity);
const delivered = variants.map(() => 0);
for (let r = 0; r < RUNS; r++) {
  variants.forEach(([, f], v) => {
    bytes = 0;
    const t = new TcpTracker(f, sink);
    const t0 = process.hrtime.bigint();
    let sec = 1000;
    for (let i = 0; i < pkts.length; i++) {
      if ((i & 4095) === 0) t.expire(++sec);
      t.packet(pkts[i]!, i + 1, sec, 0);
    }
    t.flush();
    best[v] = Math.min(best[v]!, Number(process.hrtime.bigint() - t0) / 1e6);
    delivered[v] = bytes;
  });
}
variants.forEach(([name], v) => {
  const ms = best[v]!;
  console.log(`tcp ${name} ${CONNS} conns × ${SEGS} segments: ${pkts.length} packets, ${(delivered[v]! / 1e6).toFixed(0)} MB delivered, best ${ms.toFixed(1)} ms, ${(((pkts.length / ms) * 1000) / 1e6).toFixed(2)} Mpkt/s`);
});
