/**
 * Generates the benchmark capture: mixed traffic of at least `--mb` megabytes (default 200),
 * written as a classic pcap in a streaming way. Each "unit" of traffic is one SIP/SDP call
 * over UDP that sets up an MSRP session, the MSRP TCP connection carrying chunked SEND
 * requests and their responses, plus background traffic (a bulk TCP download and DNS-like UDP
 * datagrams) that msrptap must skip cheaply. Addresses and ports vary per unit so the flow
 * tables see many distinct connections. Deterministic for a given size.
 *
 * Targets (issue 7: "a minority of them targets"): every `targetEvery`-th unit (default 25,
 * i.e. 4 %) is placed by one of {@link BENCH_TARGETS} target identities (its From URI), and
 * {@link writeBenchTasks} writes the tasks file that names them (one task, one LIID each), so
 * `msrptap run` does the full job: correlation, X2/X3, HI2/HI3, protobuf and the audit.
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { PcapWriter } from '../src/capture/pcap-writer.js';
import { LinkType } from '../src/core/link-type.js';
import {
  ethernetLink,
  ipv4Addr,
  msrpFrame,
  Prng,
  sdpBody,
  sipMessage,
  TcpConversation,
  Timeline,
  udpDatagram,
  type TcpSegment,
} from '../samples/gen/lib/index.js';

export interface BenchCaptureOptions {
  path: string;
  megabytes: number;
  seed?: number;
  /** Every n-th unit is placed by a target identity (default 25). */
  targetEvery?: number;
}

/** Number of target identities (and tasks) of the bench. */
export const BENCH_TARGETS = 8;

/** The n-th target identity (0 ≤ n < BENCH_TARGETS) as written in the capture and the tasks file. */
export function benchTargetUri(n: number): string {
  return `sip:lea-target-${n}@ims.example.net`;
}

/** Writes the tasks file naming the bench's target identities (X1 vocabulary, see samples/tasks/). */
export function writeBenchTasks(path: string): void {
  const tasks: object[] = [];
  for (let n = 0; n < BENCH_TARGETS; n++) {
    const hex = (0xbe7c0000 + n).toString(16);
    tasks.push({
      xid: `${hex}-0000-4000-8000-00000000000${n}`,
      liid: `LIID-BENCH-${n}`,
      targetIdentifiers: [{ sipUri: benchTargetUri(n) }],
      deliveryType: 'X2andX3',
    });
  }
  writeFileSync(path, JSON.stringify({ tasks }, null, 2) + '\n');
}

export function makeBenchCapture(o: BenchCaptureOptions): { frames: number; bytes: number; units: number; targetUnits: number } {
  const fd = openSync(o.path, 'w');
  let bytes = 0;
  // Buffer writes: one writeSync per packet would dominate generation time.
  const pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = (): void => {
    if (pendingBytes === 0) return;
    writeSync(fd, Buffer.concat(pending, pendingBytes));
    pending.length = 0;
    pendingBytes = 0;
  };
  const writer = new PcapWriter(
    (chunk) => {
      pending.push(chunk);
      pendingBytes += chunk.length;
      bytes += chunk.length;
      if (pendingBytes > 4 << 20) flush();
    },
    { linkType: LinkType.ETHERNET },
  );
  const link = ethernetLink();
  const clock = new Timeline({ startSec: 1_790_000_000, stepNs: 50_000 });
  const rnd = new Prng(o.seed ?? 7);
  let frames = 0;
  const put = (ip: Uint8Array): void => {
    const t = clock.next();
    writer.packet(t.sec, t.nsec, link.wrap(ip));
    frames++;
  };
  const putSegs = (segs: readonly TcpSegment[]): void => segs.forEach((s) => {
    put(s.ip);
  });
  const limit = o.megabytes * 1_000_000;
  const targetEvery = o.targetEvery ?? 25;
  let targetUnits = 0;
  let unit = 0;
  while (bytes < limit) {
    unit++;
    const isTarget = unit % targetEvery === 0;
    if (isTarget) targetUnits++;
    const fromUri = isTarget ? benchTargetUri((unit / targetEvery) % BENCH_TARGETS) : `sip:user${unit}@ims.example.net`;
    const a = ipv4Addr(`10.${(unit >> 8) & 255}.${unit & 255}.10`);
    const b = ipv4Addr(`10.${128 + ((unit >> 8) & 127)}.${unit & 255}.20`);
    const callId = `bench-${unit}@ims.example.net`;
    const sessA = `a${unit.toString(36)}x`;
    const sessB = `b${unit.toString(36)}y`;
    const portA = 20000 + (unit % 30000);
    const sdp = (host: string, port: number, sess: string): string =>
      sdpBody(['v=0', `o=- ${unit} 1 IN IP4 ${host}`, 's=-', `c=IN IP4 ${host}`, 't=0 0', `m=message ${port} TCP/MSRP *`, 'a=accept-types:message/cpim text/plain', `a=path:msrp://${host}:${port}/${sess};tcp`]);
    const aHost = `10.${(unit >> 8) & 255}.${unit & 255}.10`;
    const bHost = `10.${128 + ((unit >> 8) & 127)}.${unit & 255}.20`;
    const sip = (start: string, cseq: string, body = ''): Uint8Array =>
      sipMessage(start, [
        ['Via', `SIP/2.0/UDP ${aHost}:5060;branch=z9hG4bK${unit}`],
        ['From', `<${fromUri}>;tag=f${unit}`],
        ['To', `<sip:peer${unit}@ims.example.net>${start.startsWith('SIP/2.0') ? `;tag=t${unit}` : ''}`],
        ['Call-ID', callId],
        ['CSeq', cseq],
        ['Content-Type', 'application/sdp'],
        ['Content-Length', String(Buffer.byteLength(body))],
      ], body);
    put(udpDatagram({ src: a, dst: b, srcPort: 5060, dstPort: 5060, payload: sip(`INVITE sip:peer${unit}@ims.example.net SIP/2.0`, '1 INVITE', sdp(aHost, portA, sessA)) }).ip);
    put(udpDatagram({ src: b, dst: a, srcPort: 5060, dstPort: 5060, payload: sip('SIP/2.0 200 OK', '1 INVITE', sdp(bHost, 2855, sessB)) }).ip);
    put(udpDatagram({ src: a, dst: b, srcPort: 5060, dstPort: 5060, payload: sip(`ACK sip:peer${unit}@ims.example.net SIP/2.0`, '1 ACK') }).ip);

    const msrp = new TcpConversation({ client: { addr: a, port: portA, isn: rnd.u32() }, server: { addr: b, port: 2855, isn: rnd.u32() } });
    putSegs(msrp.handshake());
    const messages = 1 + rnd.int(0, 3);
    for (let m = 0; m < messages; m++) {
      const size = 200 + rnd.int(0, 20000);
      const chunk = 4096;
      for (let off = 0, t = 0; off < size; off += chunk, t++) {
        const end = Math.min(size, off + chunk);
        const tid = `t${unit}m${m}c${t}`;
        const body = new Uint8Array(end - off).fill(97 + (m % 26));
        putSegs(msrp.send('c2s', msrpFrame({
          transactionId: tid,
          startLine: 'SEND',
          headers: [['To-Path', `msrp://${bHost}:2855/${sessB};tcp`], ['From-Path', `msrp://${aHost}:${portA}/${sessA};tcp`], ['Message-ID', `m${unit}-${m}`], ['Byte-Range', `${off + 1}-${end}/${size}`], ['Content-Type', 'text/plain']],
          body,
          flag: end === size ? '$' : '+',
        })));
        putSegs(msrp.send('s2c', msrpFrame({ transactionId: tid, startLine: '200 OK', headers: [['To-Path', `msrp://${aHost}:${portA}/${sessA};tcp`], ['From-Path', `msrp://${bHost}:2855/${sessB};tcp`]] })));
      }
    }
    putSegs(msrp.close('c2s'));
    put(udpDatagram({ src: a, dst: b, srcPort: 5060, dstPort: 5060, payload: sip(`BYE sip:peer${unit}@ims.example.net SIP/2.0`, '2 BYE') }).ip);

    // Background: a bulk download and a few DNS-like datagrams.
    const web = new TcpConversation({ client: { addr: a, port: 40000 + (unit % 20000), isn: rnd.u32() }, server: { addr: b, port: 443, isn: rnd.u32() } });
    putSegs(web.handshake());
    putSegs(web.send('c2s', new Uint8Array(300).fill(1)));
    putSegs(web.send('s2c', new Uint8Array(20000 + rnd.int(0, 60000)).fill(2)));
    putSegs(web.close('s2c'));
    for (let d = 0; d < 4; d++) put(udpDatagram({ src: a, dst: b, srcPort: 30000 + d, dstPort: 53, payload: new Uint8Array(60 + rnd.int(0, 200)).fill(3) }).ip);
  }
  flush();
  closeSync(fd);
  return { frames, bytes, units: unit, targetUnits };
}
