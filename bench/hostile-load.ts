/**
 * Hostile loads (issue 12): captures built to fill the tap's per-connection and per-session
 * tables, and the peak RSS of `msrptap run` on each. The budget is 256 MiB whatever the input:
 * caps limit what is kept (evictions are reported as anomalies), never whether a target is
 * seen, so each load also carries a target whose interception is checked afterwards.
 *
 *   mids        one target MSRP session, N distinct Message-IDs on its connection, each a
 *               complete one-chunk SEND (no responses: every transaction stays pending);
 *   mids-open   the same, but every SEND is a first chunk (`+`) whose message never ends;
 *   idle        N TCP connections (handshake) that sent `MSRP ` and nothing more, so each has
 *               a framer that saw a start line begin; then a target session;
 *   syn         N SYN-only connections (one packet each), then a target session;
 *   invites     N non-target INVITEs offering MSRP that are never answered (each a dialog the
 *               correlator follows until Timer C), then a target session;
 *   messages    N non-target pager-mode MESSAGEs (RFC 3428), each with its own Call-ID and
 *               never answered, then a target session;
 *   registers   N REGISTER and OPTIONS requests (alternating), distinct Call-IDs, never
 *               answered, then a target session.
 *
 * Captures are written to a temporary folder (never into the repository) and deleted after.
 * Standalone: `npx tsx bench/hostile-load.ts [--only mids,idle] [--scale 0.1] [--keep]`
 * (builds nothing: run `npx tsc -p tsconfig.build.json` first). `bench/bench.ts` calls
 * {@link runHostileLoads} too.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PcapWriter } from '../src/capture/pcap-writer.js';
import { LinkType } from '../src/core/link-type.js';
import { ethernetLink, ipv4Addr, msrpFrame, sdpBody, sipMessage, TcpConversation, Timeline, udpDatagram, type TcpSegment } from '../samples/gen/lib/index.js';

const ROOT = resolve(import.meta.dirname, '..');

export type HostileKind = 'mids' | 'mids-open' | 'idle' | 'syn' | 'invites' | 'messages' | 'registers';

/** Default sizes: the loads of issue 12 (and a third, `syn`, at the TCP table's old cap). */
export const HOSTILE_DEFAULTS: Readonly<Record<HostileKind, number>> = {
  mids: 200_000,
  'mids-open': 200_000,
  idle: 100_000,
  syn: 1_000_000,
  invites: 200_000,
  messages: 200_000,
  registers: 200_000,
};

/** The loads `npm run bench` runs: all of them. */
export const HOSTILE_BENCH_KINDS: readonly HostileKind[] = ['mids', 'mids-open', 'idle', 'syn', 'invites', 'messages', 'registers'];

const TARGET = 'sip:hostile-target@ims.example.net';

/** The tasks file naming the target of every hostile capture. */
export function writeHostileTasks(path: string): void {
  writeFileSync(path, JSON.stringify({ tasks: [{ xid: 'b0571e00-0000-4000-8000-000000000001', liid: 'LIID-HOSTILE', targetIdentifiers: [{ sipUri: TARGET }], deliveryType: 'X2andX3' }] }, null, 2) + '\n');
}

/** Streams packets into a pcap file. */
class CaptureFile {
  private readonly fd: number;
  private readonly pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly writer: PcapWriter;
  private readonly link = ethernetLink();
  private readonly clock = new Timeline({ startSec: 1_790_000_000, stepNs: 20_000 });
  frames = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
    this.writer = new PcapWriter(
      (chunk) => {
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
        if (this.pendingBytes > 4 << 20) this.flush();
      },
      { linkType: LinkType.ETHERNET },
    );
  }

  put(ip: Uint8Array): void {
    const t = this.clock.next();
    this.writer.packet(t.sec, t.nsec, this.link.wrap(ip));
    this.frames++;
  }

  segs(s: readonly TcpSegment[]): void {
    for (const x of s) this.put(x.ip);
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    writeSync(this.fd, Buffer.concat(this.pending, this.pendingBytes));
    this.pending.length = 0;
    this.pendingBytes = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * A target's SIP dialog setting up an MSRP session (RFC 4975 section 8 SDP), its connection
 * and one complete SEND `mid` on it; returns the connection for more frames.
 */
function targetSession(f: CaptureFile, n: number, mid: string): { conn: TcpConversation; send: (tid: string, mid: string, flag: '$' | '+', body: string) => void } {
  const aHost = `10.200.${(n >> 8) & 255}.${n & 255}`;
  const bHost = `10.201.${(n >> 8) & 255}.${n & 255}`;
  const a = ipv4Addr(aHost);
  const b = ipv4Addr(bHost);
  const callId = `hostile-${n}@ims.example.net`;
  const sdp = (host: string, port: number, sess: string): string =>
    sdpBody(['v=0', `o=- ${n} 1 IN IP4 ${host}`, 's=-', `c=IN IP4 ${host}`, 't=0 0', `m=message ${port} TCP/MSRP *`, 'a=accept-types:text/plain', `a=path:msrp://${host}:${port}/${sess};tcp`]);
  const sip = (start: string, cseq: string, body = ''): Uint8Array =>
    sipMessage(
      start,
      [
        ['Via', `SIP/2.0/UDP ${aHost}:5060;branch=z9hG4bKh${n}`],
        ['From', `<${TARGET}>;tag=f${n}`],
        ['To', `<sip:peer${n}@ims.example.net>${start.startsWith('SIP/2.0') ? `;tag=t${n}` : ''}`],
        ['Call-ID', callId],
        ['CSeq', cseq],
        ['Content-Type', 'application/sdp'],
        ['Content-Length', String(Buffer.byteLength(body))],
      ],
      body,
    );
  const sessA = `ha${n}`;
  const sessB = `hb${n}`;
  f.put(udpDatagram({ src: a, dst: b, srcPort: 5060, dstPort: 5060, payload: sip(`INVITE sip:peer${n}@ims.example.net SIP/2.0`, '1 INVITE', sdp(aHost, 30000, sessA)) }).ip);
  f.put(udpDatagram({ src: b, dst: a, srcPort: 5060, dstPort: 5060, payload: sip('SIP/2.0 200 OK', '1 INVITE', sdp(bHost, 2855, sessB)) }).ip);
  f.put(udpDatagram({ src: a, dst: b, srcPort: 5060, dstPort: 5060, payload: sip(`ACK sip:peer${n}@ims.example.net SIP/2.0`, '1 ACK') }).ip);
  const conn = new TcpConversation({ client: { addr: a, port: 30000, isn: 1000 + n }, server: { addr: b, port: 2855, isn: 900_000 + n } });
  f.segs(conn.handshake());
  const send = (tid: string, m: string, flag: '$' | '+', body: string): void => {
    const len = Buffer.byteLength(body);
    f.segs(
      conn.send(
        'c2s',
        msrpFrame({
          transactionId: tid,
          startLine: 'SEND',
          headers: [
            ['To-Path', `msrp://${bHost}:2855/${sessB};tcp`],
            ['From-Path', `msrp://${aHost}:30000/${sessA};tcp`],
            ['Message-ID', m],
            ['Byte-Range', `1-${len}/${flag === '$' ? len : len * 2}`],
            ['Content-Type', 'text/plain'],
          ],
          body,
          flag,
        }),
      ),
    );
  };
  send(`tt${n}`, mid, '$', 'hello from the target');
  return { conn, send };
}

/** Writes the capture of one hostile load with `n` units; returns its frame count. */
export function makeHostileCapture(kind: HostileKind, path: string, n: number): { frames: number } {
  const f = new CaptureFile(path);
  if (kind === 'mids' || kind === 'mids-open') {
    const t = targetSession(f, 1, 'first-target-message');
    const open = kind === 'mids-open';
    for (let i = 0; i < n; i++) t.send(`x${i.toString(36)}`, `hm-${i.toString(36)}`, open ? '+' : '$', open ? 'partial chunk' : 'hi');
    t.send('tlast', 'last-target-message', '$', 'still intercepted');
  } else if (kind === 'idle') {
    const msrpStart = new TextEncoder().encode('MSRP ');
    for (let i = 0; i < n; i++) {
      const c = new TcpConversation({
        client: { addr: ipv4Addr(`10.${1 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}`), port: 40000 + (i % 20000), isn: i * 7919 },
        server: { addr: ipv4Addr('10.99.0.1'), port: 2855, isn: i * 104729 },
      });
      f.segs(c.handshake());
      f.segs(c.send('c2s', msrpStart));
    }
    targetSession(f, 2, 'after-idle-flood');
  } else if (kind === 'invites') {
    const a = ipv4Addr('10.98.0.1');
    const b = ipv4Addr('10.98.0.2');
    for (let i = 0; i < n; i++) {
      const host = `10.${100 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}`;
      const body = sdpBody(['v=0', `o=- ${i} 1 IN IP4 ${host}`, 's=-', `c=IN IP4 ${host}`, 't=0 0', 'm=message 30000 TCP/MSRP *', 'a=accept-types:text/plain', `a=path:msrp://${host}:30000/s${i.toString(36)};tcp`]);
      const invite = sipMessage(
        'INVITE sip:someone@ims.example.net SIP/2.0',
        [
          ['Via', `SIP/2.0/UDP 10.98.0.1:5060;branch=z9hG4bKfl${i}`],
          ['From', `<sip:flood${i}@ims.example.net>;tag=f${i}`],
          ['To', '<sip:someone@ims.example.net>'],
          ['Call-ID', `flood-${i}@ims.example.net`],
          ['CSeq', '1 INVITE'],
          ['Content-Type', 'application/sdp'],
          ['Content-Length', String(Buffer.byteLength(body))],
        ],
        body,
      );
      f.put(udpDatagram({ src: a, dst: b, srcPort: 5060, dstPort: 5060, payload: invite }).ip);
    }
    targetSession(f, 4, 'after-invite-flood');
  } else if (kind === 'messages' || kind === 'registers') {
    const a = ipv4Addr('10.97.0.1');
    const b = ipv4Addr('10.97.0.2');
    for (let i = 0; i < n; i++) {
      const method = kind === 'messages' ? 'MESSAGE' : i % 2 === 0 ? 'REGISTER' : 'OPTIONS';
      const body = method === 'MESSAGE' ? `flood message ${i}` : '';
      const req = sipMessage(
        `${method} sip:someone@ims.example.net SIP/2.0`,
        [
          ['Via', `SIP/2.0/UDP 10.97.0.1:5060;branch=z9hG4bKpm${i}`],
          ['From', `<sip:flood${i}@ims.example.net>;tag=p${i}`],
          ['To', '<sip:someone@ims.example.net>'],
          ['Call-ID', `${method.toLowerCase()}-flood-${i}@ims.example.net`],
          ['CSeq', `1 ${method}`],
          ...(body !== '' ? [['Content-Type', 'text/plain'] as [string, string]] : []),
          ['Content-Length', String(Buffer.byteLength(body))],
        ],
        body,
      );
      f.put(udpDatagram({ src: a, dst: b, srcPort: 5060, dstPort: 5060, payload: req }).ip);
    }
    targetSession(f, kind === 'messages' ? 5 : 6, `after-${kind}-flood`);
  } else {
    const server = ipv4Addr('10.99.0.2');
    for (let i = 0; i < n; i++) {
      const c = new TcpConversation({
        client: { addr: ipv4Addr(`10.${64 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}`), port: 1024 + (i % 60000), isn: i * 7919 },
        server: { addr: server, port: 2855, isn: 0 },
      });
      f.put(c.handshake()[0]!.ip);
    }
    targetSession(f, 3, 'after-syn-flood');
  }
  f.close();
  return { frames: f.frames };
}

export interface HostileResult {
  kind: HostileKind;
  units: number;
  frames: number;
  megabytes: number;
  workMs: number;
  maxRssMiB: number;
  /** The target's messages found in the audit (its session was intercepted). */
  targetMessages: number;
  /** Anomaly counts of the run that name an eviction or a cap. */
  evictions: Record<string, number>;
  withinBudget: boolean;
}

/** Runs `msrptap run` (dist/) on one hostile capture under bench/measure.mjs. */
function measureRun(capture: string, tasks: string, out: string): { workMs: number; maxRssKiB: number } {
  rmSync(out, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [resolve(ROOT, 'bench/measure.mjs'), resolve(ROOT, 'dist/cli/main.js'), 'run', '-r', capture, '--tasks', tasks, '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, BENCH_CAPTURE: capture },
  });
  const line = r.stderr.split('\n').find((l) => l.startsWith('BENCH '));
  if (r.status !== 0 || line === undefined) throw new Error(`hostile-load: run on ${capture} failed (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
  const m = JSON.parse(line.slice(6)) as { workMs: number | null; maxRssKiB: number };
  return { workMs: m.workMs ?? NaN, maxRssKiB: m.maxRssKiB };
}

/** The target's message count and the eviction/cap anomaly counts, from the run's audit.json. */
function auditFacts(out: string): { targetMessages: number; evictions: Record<string, number> } {
  const audit = JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as { sessions: { liid: string | null; messages: unknown[]; messagesOmitted?: number }[]; anomalies: Record<string, number> };
  let targetMessages = 0;
  for (const s of audit.sessions) if (s.liid === 'LIID-HOSTILE') targetMessages += s.messages.length + (s.messagesOmitted ?? 0);
  const evictions: Record<string, number> = {};
  for (const [k, v] of Object.entries(audit.anomalies)) if (/evict|capped|cap_exceeded|limit|memcap|_full/.test(k)) evictions[k] = v;
  return { targetMessages, evictions };
}

/**
 * Generates, runs and measures each hostile load; `scale` multiplies the default sizes
 * (`--scale 0.1` for a quick look).
 */
export function runHostileLoads(o: { kinds?: readonly HostileKind[]; scale?: number; keep?: boolean; log?: (s: string) => void } = {}): HostileResult[] {
  const log = o.log ?? ((s: string) => void process.stderr.write(`hostile-load: ${s}\n`));
  const dir = mkdtempSync(join(tmpdir(), 'msrptap-hostile-'));
  const tasks = join(dir, 'tasks.json');
  writeHostileTasks(tasks);
  const results: HostileResult[] = [];
  try {
    for (const kind of o.kinds ?? HOSTILE_BENCH_KINDS) {
      const units = Math.max(1, Math.round(HOSTILE_DEFAULTS[kind] * (o.scale ?? 1)));
      const capture = join(dir, `${kind}.pcap`);
      log(`${kind}: generating ${units} units …`);
      const { frames } = makeHostileCapture(kind, capture, units);
      const megabytes = statSync(capture).size / 1e6;
      log(`${kind}: ${frames} frames, ${megabytes.toFixed(1)} MB; run …`);
      const out = join(dir, `${kind}-out`);
      const m = measureRun(capture, tasks, out);
      const facts = auditFacts(out);
      const maxRssMiB = Number((m.maxRssKiB / 1024).toFixed(1));
      results.push({ kind, units, frames, megabytes: Number(megabytes.toFixed(1)), workMs: Math.round(m.workMs), maxRssMiB, ...facts, withinBudget: maxRssMiB <= 256 });
      log(`${kind}: peak RSS ${maxRssMiB} MiB, target messages ${facts.targetMessages}, ${JSON.stringify(facts.evictions)}`);
      if (!o.keep) {
        rmSync(capture, { force: true });
        rmSync(out, { recursive: true, force: true });
      }
    }
  } finally {
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}: ${readdirSync(dir).join(' ')}`);
  }
  return results;
}

/** Lines for the bench's table. */
export function hostileSummaryLines(rs: readonly HostileResult[]): string[] {
  return rs.map(
    (r) =>
      `hostile ${r.kind.padEnd(9)} ${String(r.units).padStart(8)} units, ${String(r.megabytes).padStart(6)} MB: peak RSS ${String(r.maxRssMiB).padStart(6)} MiB (budget 256: ${r.withinBudget ? 'met' : 'NOT met'}), ${(r.workMs / 1000).toFixed(1)} s, target messages ${r.targetMessages}`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--only');
  const kinds = i >= 0 ? (args[i + 1]!.split(',') as HostileKind[]) : undefined;
  const j = args.indexOf('--scale');
  const rs = runHostileLoads({ ...(kinds !== undefined ? { kinds } : {}), scale: j >= 0 ? Number(args[j + 1]) : 1, keep: args.includes('--keep') });
  for (const l of hostileSummaryLines(rs)) process.stdout.write(`${l}\n`);
  process.stdout.write(`${JSON.stringify(rs)}\n`);
}
