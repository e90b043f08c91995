// Inclusive cost ladder of the main thread (issue 13): one pipeline stage added at a time, on
// one capture, each stage in a fresh process (the same JIT warm-up as a run), importing a dist/
// (so two builds can be compared: `cp -r dist /tmp/old-dist` before a change).
//   node bench/stage-ladder.mjs DIST CAPTURE TASKS STAGE
// STAGE, each including the ones before it:
//   read              the capture's records walked (the pcap reader, no decoding)
//   decode            + link/IP/transport decoding into one reused DecodedPacket
//   tcp               + PacketPipeline without consumers (defragmentation, TCP connection table)
//   sniff             + every TCP direction classified (stream-classifier), then let go
//   sip               + SIP over UDP parsed (AppAnalyzers.udp, into a sink that drops it)
//   analyzers         AppAnalyzers in full into a null sink: MSRP and SIP/TCP framing
//   correlate         InterceptPipeline (correlator, audit in memory) with records dropped
//   correlate-bypass  the same with the opt-in flow bypass (`run --flow-bypass`)
// What `run` adds on top (records to the output worker, the audit spool, start-up) is measured
// on the CLI with bench/measure.mjs.
// Prints one JSON line: the main thread's CPU for the loop only (module loading excluded;
// /proc/self/task/PID/stat, 10 ms ticks) and the process's (every thread, V8 helpers included),
// plus counts (MSRP directions and frames, SIP messages; the bypass counters).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distArg, capture, tasksPath, stage] = process.argv.slice(2);
const dist = pathToFileURL(resolve(distArg)).href;
const imp = (p) => import(`${dist}/${p}`);
const { openCaptureFile } = await imp('capture/capture-file.js');
const { AnomalyCounter } = await imp('core/anomaly.js');
const { createDecodedPacket } = await imp('decode/decoded-packet.js');
const { decodeFrame } = await imp('decode/decode-frame.js');
const { PacketPipeline } = await imp('pipeline/packet-pipeline.js');
const { AppAnalyzers } = await imp('analyzers/app-analyzers.js');
const { classifyStream, StreamKind } = await imp('analyzers/stream-classifier.js');
const { InterceptPipeline } = await imp('pipeline/intercept-pipeline.js');
const { loadTasks } = await imp('pipeline/load-tasks.js');

const mainCpu = () => {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'latin1').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};

/** Classifies each direction like the analyzers, then lets it go (no framing). */
class SniffOnly {
  constructor(conn) {
    this.conn = conn;
    this.head = [null, null];
    this.len = [0, 0];
    this.atStart = conn.sawSyn && !conn.resumed;
  }
  data(dir, data) {
    let h = this.head[dir];
    const need = this.len[dir] + data.length;
    if (h === null || h.length < need) {
      const g = new Uint8Array(Math.max(need, 512));
      if (h !== null) g.set(h.subarray(0, this.len[dir]));
      h = this.head[dir] = g;
    }
    h.set(data, this.len[dir]);
    this.len[dir] = need;
    const k = classifyStream(h, need, this.atStart, true);
    if (k !== StreamKind.UNDECIDED) {
      this.head[dir] = null;
      this.conn.ignore(dir);
    }
  }
  gap() {}
  conflict() {}
  end() {}
}
const sniffFactory = { create: (c) => new SniffOnly(c) };
const counts = { msrpDirections: 0, msrpFrames: 0, sipMessages: 0 };
const noHandler = {
  onFrameStart() {
    counts.msrpFrames++;
  },
  onFrameEnd() {},
  onGap() {},
  onStreamEnd() {},
};
const nullSink = {
  sip() {
    counts.sipMessages++;
  },
  msrpStream: () => {
    counts.msrpDirections++;
    return noHandler;
  },
  tick() {},
  finish() {},
};

let frames = 0;
const bypass = {};
let run;
const anomalies = new AnomalyCounter();
if (stage === 'read') run = () => {};
else if (stage === 'decode') {
  const pkt = createDecodedPacket();
  run = (f) => decodeFrame(f, pkt, anomalies);
} else if (stage === 'tcp') {
  const p = new PacketPipeline({ anomalies });
  run = (f) => p.frame(f);
} else if (stage === 'sniff' || stage === 'sip') {
  const an = new AppAnalyzers(nullSink, anomalies);
  counts.sipDatagrams = () => an.sipDatagrams;
  const p = new PacketPipeline({ anomalies, tcpConsumers: sniffFactory, ...(stage === 'sip' ? { udp: (pkt, f) => an.udp(pkt, f.frameNo, f.tsSec, f.tsNsec) } : {}) });
  run = (f) => p.frame(f);
} else if (stage === 'analyzers') {
  const an = new AppAnalyzers(nullSink, anomalies);
  const p = new PacketPipeline({ anomalies, tcpConsumers: an, udp: (pkt, f) => an.udp(pkt, f.frameNo, f.tsSec, f.tsNsec), sctp: an, onTick: (s, n) => an.tick(s, n) });
  run = (f) => p.frame(f);
} else if (stage === 'correlate' || stage === 'correlate-bypass') {
  const p = new InterceptPipeline({ tasks: loadTasks(tasksPath), onRecord: () => {}, auditDetails: false, ...(stage === 'correlate-bypass' ? { tcp: { bypass: true } } : {}) });
  run = (f) => p.frame(f);
  run.finish = () => {
    p.finish();
    const t = p.packets.tcpStats();
    Object.assign(bypass, { bypassed: t.bypassed, bypassedBytes: t.bypassedBytes, bypassReprobes: t.bypassReprobes, bypassResumed: t.bypassResumed });
  };
} else throw new Error(`stage ${stage}`);

const c0 = mainCpu();
const u0 = process.cpuUsage();
const r = openCaptureFile(capture, 0, anomalies);
for (let f = r.next(); f !== null; f = r.next()) {
  frames++;
  run(f);
}
run.finish?.();
const u = process.cpuUsage(u0);
console.log(
  JSON.stringify({
    stage,
    dist: distArg,
    frames,
    mainCpuMs: mainCpu() - c0,
    cpuMs: Math.round((u.user + u.system) / 1000),
    ...(stage === 'analyzers' ? counts : {}),
    ...(stage === 'sip' ? { sipDatagrams: counts.sipDatagrams() } : {}),
    ...(stage.startsWith('correlate') ? bypass : {}),
  }),
);
