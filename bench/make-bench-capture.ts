/**
 * Generates the benchmark capture: mixed traffic of at least `--mb` megabytes (default 200),
 * written as a classic pcap in a streaming way. Each "unit" of traffic is one SIP/SDP call that
 * sets up an MSRP session, the MSRP TCP connection(s) carrying chunked SEND requests and their
 * responses, plus background traffic (a bulk TCP download and DNS-like UDP datagrams) that
 * msrptap must skip cheaply. Addresses and ports vary per unit so the flow tables see many
 * distinct connections. Deterministic for a given size, seed and share.
 *
 * Realism (issue 13): bodies are random (text messages random printable ASCII, never one byte
 * repeated), one unit in five is a binary file transfer (RFC 5547 a=file-selector, random octets
 * that are not UTF-8, so HI2 carries them as base64), one in three signals over SIP/TCP (the
 * others SIP/UDP), and one in four goes through an MSRP relay (RFC 4976: a=path with the relay
 * first; the capture sees both legs, endpoint ↔ relay and relay ↔ peer, with the same SENDs).
 *
 * Targets: a share of the units (`targetShare`, percent, default 4 = the earlier one in 25;
 * 1, 10 and 100 are the issue-13 points) is placed by one of {@link BENCH_TARGETS} target
 * identities (its From URI), and {@link writeBenchTasks} writes the tasks file that names them
 * (one task, one LIID each), so `msrptap run` does the full job: correlation, X2/X3, HI2/HI3,
 * protobuf and the audit.
 *
 * Standalone: `npx tsx bench/make-bench-capture.ts --mb 50 --share 10 --out F.pcap [--tasks T.json] [--seed 7]`.
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { PcapWriter } from '../src/capture/pcap-writer.js';
import { LinkType } from '../src/core/link-type.js';
import { ethernetLink, ipv4Addr, msrpFrame, Prng, sdpBody, sipMessage, TcpConversation, Timeline, udpDatagram, type TcpSegment } from '../samples/gen/lib/index.js';

export interface BenchCaptureOptions {
  path: string;
  megabytes: number;
  seed?: number;
  /** Every n-th unit is placed by a target identity (the former option; `targetShare` wins when both are given). */
  targetEvery?: number;
  /** Percentage of the units placed by a target identity (0 < share ≤ 100; default 4). */
  targetShare?: number;
}

/** The relay every relayed unit goes through (RFC 4976), as seen on both of its legs. */
const RELAY_HOST = '10.30.0.1';
const RELAY_PORT = 2855;

/** `n` random bytes: printable ASCII for text (valid UTF-8, no CR/LF), any octets for a file. */
function randomBody(rnd: Prng, n: number, text: boolean): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) {
    let v = rnd.u32();
    for (let k = i; k < Math.min(n, i + 4); k++, v >>>= 8) out[k] = text ? 32 + ((v & 0xff) % 95) : v & 0xff;
  }
  // A random file could start with valid UTF-8 by chance: make sure it is binary (one 0xff octet).
  if (!text && n > 0) out[0] = 0xff;
  return out;
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
  const putSegs = (segs: readonly TcpSegment[]): void =>
    segs.forEach((s) => {
      put(s.ip);
    });
  const limit = o.megabytes * 1_000_000;
  const share = o.targetShare ?? (o.targetEvery !== undefined ? 100 / o.targetEvery : 4);
  let targetUnits = 0;
  let unit = 0;
  while (bytes < limit) {
    unit++;
    // Exactly `share` % of the units, spread evenly.
    const isTarget = Math.floor((unit * share) / 100) !== Math.floor(((unit - 1) * share) / 100);
    if (isTarget) targetUnits++;
    const fromUri = isTarget ? benchTargetUri(targetUnits % BENCH_TARGETS) : `sip:user${unit}@ims.example.net`;
    // Drawn, not taken from the unit number: no aliasing with the target share.
    const isFile = rnd.float() < 0.2;
    const sipTcp = rnd.float() < 1 / 3;
    const relayed = rnd.float() < 0.25;
    const aHost = `10.${(unit >> 8) & 255}.${unit & 255}.10`;
    const bHost = `10.${128 + ((unit >> 8) & 127)}.${unit & 255}.20`;
    const a = ipv4Addr(aHost);
    const b = ipv4Addr(bHost);
    const relay = ipv4Addr(RELAY_HOST);
    const callId = `bench-${unit}@ims.example.net`;
    const sessA = `a${unit.toString(36)}x`;
    const sessB = `b${unit.toString(36)}y`;
    const portA = 20000 + (unit % 30000);
    const uriA = `msrp://${aHost}:${portA}/${sessA};tcp`;
    const uriB = `msrp://${bHost}:2855/${sessB};tcp`;
    const uriRelay = `msrp://${RELAY_HOST}:${RELAY_PORT}/r${unit.toString(36)};tcp`;
    const fileSize = isFile ? 5000 + rnd.int(0, 60000) : 0;
    const media = isFile ? ['a=sendonly', 'a=accept-types:application/octet-stream', `a=file-selector:name:"bench-${unit}.bin" type:application/octet-stream size:${fileSize}`] : ['a=accept-types:message/cpim text/plain'];
    const sdp = (host: string, port: number, path: string): string => sdpBody(['v=0', `o=- ${unit} 1 IN IP4 ${host}`, 's=-', `c=IN IP4 ${host}`, 't=0 0', `m=message ${port} TCP/MSRP *`, ...media, `a=path:${path}`]);
    const sip = (start: string, cseq: string, body = ''): Uint8Array =>
      sipMessage(
        start,
        [
          ['Via', `SIP/2.0/${sipTcp ? 'TCP' : 'UDP'} ${aHost}:5060;branch=z9hG4bK${unit}${cseq.replace(' ', '')}`],
          ['From', `<${fromUri}>;tag=f${unit}`],
          // The remote tag on responses and on in-dialog requests (ACK, BYE: RFC 3261 12.2.1.1);
          // without it the correlator rightly ignores them and no dialog ends by BYE.
          ['To', `<sip:peer${unit}@ims.example.net>${start.startsWith('INVITE') ? '' : `;tag=t${unit}`}`],
          ['Call-ID', callId],
          ['CSeq', cseq],
          ['Content-Type', 'application/sdp'],
          ['Content-Length', String(Buffer.byteLength(body))],
        ],
        body,
      );
    // SIP over UDP datagrams or one TCP connection per call (RFC 3261 18.2.2: responses on the same connection).
    const sipTcpConn = sipTcp ? new TcpConversation({ client: { addr: a, port: 50000 + (unit % 10000), isn: rnd.u32() }, server: { addr: b, port: 5060, isn: rnd.u32() } }) : undefined;
    if (sipTcpConn !== undefined) putSegs(sipTcpConn.handshake());
    const sendSip = (fromA: boolean, msg: Uint8Array): void => {
      if (sipTcpConn !== undefined) putSegs(sipTcpConn.send(fromA ? 'c2s' : 's2c', msg));
      else put(udpDatagram({ src: fromA ? a : b, dst: fromA ? b : a, srcPort: 5060, dstPort: 5060, payload: msg }).ip);
    };
    const offerPath = relayed ? `${uriRelay} ${uriA}` : uriA;
    sendSip(true, sip(`INVITE sip:peer${unit}@ims.example.net SIP/2.0`, '1 INVITE', sdp(aHost, portA, offerPath)));
    sendSip(false, sip('SIP/2.0 200 OK', '1 INVITE', sdp(bHost, 2855, uriB)));
    sendSip(true, sip(`ACK sip:peer${unit}@ims.example.net SIP/2.0`, '1 ACK'));

    // MSRP: A ↔ B directly, or A ↔ relay and relay ↔ B (RFC 4976 section 7: each hop answers the SEND).
    const legs = relayed
      ? [
          { conn: new TcpConversation({ client: { addr: a, port: portA, isn: rnd.u32() }, server: { addr: relay, port: RELAY_PORT, isn: rnd.u32() } }), to: `${uriRelay} ${uriB}`, from: uriA, respTo: uriA, respFrom: uriRelay },
          {
            conn: new TcpConversation({ client: { addr: relay, port: 30000 + (unit % 30000), isn: rnd.u32() }, server: { addr: b, port: 2855, isn: rnd.u32() } }),
            to: uriB,
            from: `${uriRelay} ${uriA}`,
            respTo: `${uriRelay} ${uriA}`,
            respFrom: uriB,
          },
        ]
      : [{ conn: new TcpConversation({ client: { addr: a, port: portA, isn: rnd.u32() }, server: { addr: b, port: 2855, isn: rnd.u32() } }), to: uriB, from: uriA, respTo: uriA, respFrom: uriB }];
    for (const leg of legs) putSegs(leg.conn.handshake());
    const messages = isFile ? 1 : 1 + rnd.int(0, 3);
    for (let m = 0; m < messages; m++) {
      const size = isFile ? fileSize : 200 + rnd.int(0, 20000);
      const body = randomBody(rnd, size, !isFile);
      const contentType = isFile ? 'application/octet-stream' : 'text/plain';
      const chunk = 4096;
      for (let off = 0, t = 0; off < size; off += chunk, t++) {
        const end = Math.min(size, off + chunk);
        for (const [hop, leg] of legs.entries()) {
          const tid = `t${unit}m${m}c${t}h${hop}`;
          putSegs(
            leg.conn.send(
              'c2s',
              msrpFrame({
                transactionId: tid,
                startLine: 'SEND',
                headers: [
                  ['To-Path', leg.to],
                  ['From-Path', leg.from],
                  ['Message-ID', `m${unit}-${m}`],
                  ['Byte-Range', `${off + 1}-${end}/${size}`],
                  ['Content-Type', contentType],
                ],
                body: body.subarray(off, end),
                flag: end === size ? '$' : '+',
              }),
            ),
          );
          putSegs(
            leg.conn.send(
              's2c',
              msrpFrame({
                transactionId: tid,
                startLine: '200 OK',
                headers: [
                  ['To-Path', leg.respTo],
                  ['From-Path', leg.respFrom],
                ],
              }),
            ),
          );
        }
      }
    }
    for (const leg of legs) putSegs(leg.conn.close('c2s'));
    sendSip(true, sip(`BYE sip:peer${unit}@ims.example.net SIP/2.0`, '2 BYE'));
    sendSip(false, sip('SIP/2.0 200 OK', '2 BYE'));
    if (sipTcpConn !== undefined) putSegs(sipTcpConn.close('c2s'));

    // Background: a bulk download (random, as encrypted traffic is) and a few DNS-like datagrams.
    const web = new TcpConversation({ client: { addr: a, port: 40000 + (unit % 20000), isn: rnd.u32() }, server: { addr: b, port: 443, isn: rnd.u32() } });
    putSegs(web.handshake());
    putSegs(web.send('c2s', randomBody(rnd, 300, false)));
    putSegs(web.send('s2c', randomBody(rnd, 20000 + rnd.int(0, 60000), false)));
    putSegs(web.close('s2c'));
    for (let d = 0; d < 4; d++) put(udpDatagram({ src: a, dst: b, srcPort: 30000 + d, dstPort: 53, payload: randomBody(rnd, 60 + rnd.int(0, 200), false) }).ip);
  }
  flush();
  closeSync(fd);
  return { frames, bytes, units: unit, targetUnits };
}

// Standalone use (see the file header).
if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const argv = process.argv.slice(2);
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const out = get('out');
  if (out === undefined) {
    process.stderr.write('usage: tsx bench/make-bench-capture.ts --out F.pcap [--mb 200] [--share 4] [--seed 7] [--tasks T.json]\n');
    process.exit(2);
  }
  const r = makeBenchCapture({ path: out, megabytes: Number(get('mb') ?? 200), targetShare: Number(get('share') ?? 4), seed: Number(get('seed') ?? 7) });
  const tasks = get('tasks');
  if (tasks !== undefined) writeBenchTasks(tasks);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
