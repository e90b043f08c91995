// MSRP framer cost per frame on the bench mix's traffic shape (issue 13, round 22): per-direction
// streams built like bench/make-bench-capture.ts builds its MSRP legs (chunked SENDs of 200 B to
// 20 KB text or 5-65 KB files in 4 KiB chunks, a 200 OK per chunk, one relay leg in four), pushed
// in 1 448-byte segments, one framer per direction, into a sink that reads the frame's session-ids
// as the correlator does. Imports a dist/ so two builds can be compared (interleave the runs):
//   node bench/framer-heads.mjs DIST [rounds=7]
// Prints CPU ms per round (the first one includes the JIT warm-up), their median, µs per frame.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
const dist = pathToFileURL(resolve(process.argv[2])).href;
const { MsrpFramer } = await import(`${dist}/protocols/msrp/msrp-framer.js`);
const { AnomalyCounter } = await import(`${dist}/core/anomaly.js`);
const rounds = Number(process.argv[3] ?? 5);
let seed = 7;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed / 2 ** 32;
};
function frame(tid, start, headers, body, flag) {
  const head = [`MSRP ${tid} ${start}`, ...headers.map(([n, v]) => `${n}: ${v}`)].join('\r\n') + '\r\n';
  const end = `-------${tid}${flag}\r\n`;
  if (body === undefined) return Buffer.from(head + end, 'latin1');
  return Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), body, Buffer.from('\r\n' + end, 'latin1')]);
}
const dirs = [];
for (let unit = 1; unit <= 1200; unit++) {
  const isFile = rnd() < 0.2;
  const relayed = rnd() < 0.25;
  const aHost = `10.${(unit >> 8) & 255}.${unit & 255}.10`;
  const bHost = `10.${128 + ((unit >> 8) & 127)}.${unit & 255}.20`;
  const uriA = `msrp://${aHost}:${20000 + unit}/a${unit.toString(36)}x;tcp`;
  const uriB = `msrp://${bHost}:2855/b${unit.toString(36)}y;tcp`;
  const uriR = `msrp://10.30.0.1:2855/r${unit.toString(36)};tcp`;
  const legs = relayed
    ? [
        { to: `${uriR} ${uriB}`, from: uriA, rt: uriA, rf: uriR },
        { to: uriB, from: `${uriR} ${uriA}`, rt: `${uriR} ${uriA}`, rf: uriB },
      ]
    : [{ to: uriB, from: uriA, rt: uriA, rf: uriB }];
  const c2s = legs.map(() => []);
  const s2c = legs.map(() => []);
  const messages = isFile ? 1 : 1 + Math.floor(rnd() * 4);
  for (let m = 0; m < messages; m++) {
    const size = isFile ? 5000 + Math.floor(rnd() * 60000) : 200 + Math.floor(rnd() * 20000);
    const body = Buffer.alloc(size);
    for (let i = 0; i < size; i++) body[i] = isFile ? Math.floor(rnd() * 256) : 32 + Math.floor(rnd() * 95);
    for (let off = 0, t = 0; off < size; off += 4096, t++) {
      const end = Math.min(size, off + 4096);
      legs.forEach((leg, hop) => {
        const tid = `t${unit}m${m}c${t}h${hop}`;
        c2s[hop].push(
          frame(
            tid,
            'SEND',
            [
              ['To-Path', leg.to],
              ['From-Path', leg.from],
              ['Message-ID', `m${unit}-${m}`],
              ['Byte-Range', `${off + 1}-${end}/${size}`],
              ['Content-Type', isFile ? 'application/octet-stream' : 'text/plain'],
            ],
            body.subarray(off, end),
            end === size ? '$' : '+',
          ),
        );
        s2c[hop].push(
          frame(
            tid,
            '200 OK',
            [
              ['To-Path', leg.rt],
              ['From-Path', leg.rf],
            ],
            undefined,
            '$',
          ),
        );
      });
    }
  }
  for (const x of [...c2s, ...s2c]) dirs.push(Buffer.concat(x));
}
let frames = 0;
let sids = 0;
let bytes = 0;
const last = (l) => (l.length > 0 ? l[l.length - 1].sessionId : null);
const sink = {
  onFrameStart(h) {
    frames++;
    if (last(h.headers.toPath) !== null) sids++;
    if (last(h.headers.fromPath) !== null) sids++;
  },
  onBody() {},
  onRaw() {},
  onFrameEnd() {},
};
for (const d of dirs) bytes += d.length;
const times = [];
for (let r = 0; r < rounds; r++) {
  frames = 0;
  sids = 0;
  const an = new AnomalyCounter();
  const t0 = process.cpuUsage();
  for (const d of dirs) {
    const f = new MsrpFramer(sink, an, {});
    for (let o = 0, n = 1; o < d.length; o += 1448, n++) f.push(d.subarray(o, o + 1448), n, 0, 0);
    f.end();
  }
  const u = process.cpuUsage(t0);
  times.push((u.user + u.system) / 1000);
}
times.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    dist: process.argv[2],
    dirs: dirs.length,
    frames,
    sids,
    MB: +(bytes / 1e6).toFixed(1),
    ms: times.map((t) => Math.round(t)),
    median: Math.round(times[times.length >> 1]),
    usPerFrame: +((times[0] * 1000) / frames).toFixed(2),
  }),
);
