/**
 * What the taps behind a flow-hashing packet broker each see (issue 15): a capture split into
 * three per-tap captures. SIP (TCP port 5060) and everything that is not TCP go to tap 0; every
 * other TCP connection (by its unordered endpoint pair) goes to tap 1 or 2, so MSRP connections
 * are spread and the two legs of a relayed session may land apart. Used by the splitter test
 * (test/integration/trigger-bus-cli.test.ts) and the bench (bench/bus-cluster.ts).
 *
 * - `alternate` (the test's): connections in order of first appearance alternately on 1 and 2,
 *   so consecutive connections (a sample's relay legs) are always apart;
 * - `hash` (the bench's, as a broker does): FNV-1a of the endpoint pair, so a connection's tap
 *   does not depend on what came before it (relay legs apart for about half the sessions).
 * The per-tap captures are written as they are read (a bench capture is hundreds of MB).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { openCaptureFile } from '../../src/capture/capture-file.js';
import { PcapWriter } from '../../src/capture/pcap-writer.js';
import { AnomalyCounter } from '../../src/core/anomaly.js';
import type { CapturedFrame } from '../../src/core/frame.js';
import { decodeFrame } from '../../src/decode/decode-frame.js';
import { createDecodedPacket } from '../../src/decode/decoded-packet.js';
import { formatIp } from '../../src/decode/format-ip.js';

export const SPLIT_SIP_PORT = 5060;
export const SPLIT_TAPS = 3;

export interface FlowSplitOptions {
  readonly assign?: 'alternate' | 'hash';
  /** File name prefix in `dir` (default `tap`: tap0.pcap …). */
  readonly prefix?: string;
}

export interface FlowSplit {
  /** One capture per tap: [0] SIP and non-TCP, [1] and [2] the other TCP connections. */
  readonly paths: string[];
  readonly frames: number[];
  /** TCP connections (not SIP) per tap. */
  readonly connections: number[];
}

/** Bytes buffered per tap before a write. */
const FLUSH_BYTES = 4 << 20;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The tap of each frame, as {@link splitByFlow} assigns it (connections remembered in first-seen order). */
export class FlowSplitter {
  private readonly anomalies = new AnomalyCounter();
  private readonly pkt = createDecodedPacket();
  private readonly conns = new Map<string, number>();
  /** TCP connections (not SIP) per tap. */
  readonly connections = Array.from({ length: SPLIT_TAPS }, () => 0);

  constructor(private readonly assign: 'alternate' | 'hash' = 'alternate') {}

  tapOf(f: CapturedFrame): number {
    const pkt = this.pkt;
    decodeFrame(f, pkt, this.anomalies);
    if (pkt.l4 !== 6 || pkt.srcPort === SPLIT_SIP_PORT || pkt.dstPort === SPLIT_SIP_PORT) return 0;
    const a = `${formatIp(pkt.src)}:${pkt.srcPort}`;
    const b = `${formatIp(pkt.dst)}:${pkt.dstPort}`;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    let t = this.conns.get(key);
    if (t === undefined) {
      t = 1 + (this.assign === 'hash' ? fnv1a(key) % 2 : this.conns.size % 2);
      this.conns.set(key, t);
      this.connections[t]!++;
    }
    return t;
  }
}

export function splitByFlow(pcap: string, dir: string, o: FlowSplitOptions = {}): FlowSplit {
  const anomalies = new AnomalyCounter();
  const r = openCaptureFile(pcap, 0, anomalies);
  const paths = Array.from({ length: SPLIT_TAPS }, (_, i) => join(dir, `${o.prefix ?? 'tap'}${i}.pcap`));
  const fds = paths.map((p) => openSync(p, 'w', 0o600));
  const pending: Uint8Array[][] = paths.map(() => []);
  const pendingBytes = paths.map(() => 0);
  const flush = (i: number): void => {
    writeSync(fds[i]!, Buffer.concat(pending[i]!));
    pending[i] = [];
    pendingBytes[i] = 0;
  };
  const frames = paths.map(() => 0);
  const splitter = new FlowSplitter(o.assign);
  let writers: PcapWriter[] | undefined;
  try {
    for (let f = r.next(); f !== null; f = r.next()) {
      writers ??= paths.map(
        (_, i) =>
          new PcapWriter(
            (b) => {
              pending[i]!.push(b.slice());
              pendingBytes[i]! += b.length;
              if (pendingBytes[i]! >= FLUSH_BYTES) flush(i);
            },
            { linkType: f!.linkType, nanosecond: true },
          ),
      );
      const tap = splitter.tapOf(f);
      frames[tap]!++;
      writers[tap]!.packet(f.tsSec, f.tsNsec, f.data.slice(0, f.capLen), f.origLen);
    }
    for (let i = 0; i < fds.length; i++) flush(i);
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  return { paths, frames, connections: splitter.connections };
}
