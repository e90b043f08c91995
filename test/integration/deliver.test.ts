/**
 * `run --deliver` to `msrptap receive` over real sockets on 127.0.0.1: plain TCP, mutual TLS
 * (certificates made here with the openssl CLI), the receiver killed and restarted three times
 * in the middle of a delivery, and the tap killed with SIGKILL and restarted. In every case the
 * receiver must end with exactly the PDUs `run --out` writes for the same capture: byte for
 * byte, in order per XID, sequence numbers 0..n-1 with no gap and no duplicate.
 *
 * "In the middle" is made deterministic with the hidden `--deliver-pace-ms` throttle (one PDU
 * per interval on the link) and by waiting on the receiver's own index, not on timing luck.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRecordFile } from '../../src/encode/index.js';
import { emptyPcap, ROOT, startCli, startReceiver, storedCount, waitFor, type Proc } from '../helpers/deliver-procs.js';
import { runCli } from '../helpers/run-cli.js';

const SAMPLE = 'file-transfer';
const PCAP = join(ROOT, 'samples', 'pcap', `${SAMPLE}.pcap`);
const DID = '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab';

/** Records in a record file (0 when it does not decode). */
function itemCount(b: Uint8Array): number {
  const d = decodeRecordFile(b);
  return 'items' in d ? d.items.length : 0;
}

/** The sample's tasks file with one destination, referenced by every task. */
function tasksWith(dir: string, port: number, tls?: { cert: string; key: string; ca: string }): string {
  const t = JSON.parse(readFileSync(join(ROOT, 'samples', 'tasks', `${SAMPLE}.tasks.json`), 'utf8')) as { tasks: Record<string, unknown>[]; destinations?: unknown[] };
  t.destinations = [{ did: DID, address: `127.0.0.1:${port}`, ...(tls !== undefined ? { tls } : {}) }];
  for (const task of t.tasks) task.listOfDids = [DID];
  const p = join(dir, 'tasks.json');
  writeFileSync(p, JSON.stringify(t));
  return p;
}

/** x2x3.pdu of `run --out`, keyed by XID. */
function expectedByXid(outDir: string): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const liid of readdirSync(outDir)) {
    const f = join(outDir, liid, 'x2x3.pdu');
    if (!existsSync(f)) continue;
    const bytes = readFileSync(f);
    const d = decodeRecordFile(bytes);
    if (d.kind !== 'x2x3' || d.items.length === 0) throw new Error(`${f}: no X2/X3 PDUs`);
    m.set(d.items[0]!.pdu.xid, bytes);
  }
  return m;
}

/** Asserts the receiver's folder holds exactly `expected`, with a gap-free 0..n-1 index. */
function expectSameAsFiles(rxDir: string, expected: Map<string, Buffer>): void {
  expect(expected.size).toBeGreaterThan(0);
  expect(readdirSync(rxDir).sort()).toEqual([...expected.keys()].sort());
  for (const [xid, bytes] of expected) {
    const got = readFileSync(join(rxDir, xid, 'x2x3.pdu'));
    expect(got.length, xid).toBe(bytes.length);
    expect(got.equals(bytes), `${xid}: bytes differ`).toBe(true);
    const seqs = readFileSync(join(rxDir, xid, 'index.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqs).toEqual(seqs.map((_, i) => i));
    expect(statSync(join(rxDir, xid, 'x2x3.pdu')).mode & 0o777).toBe(0o600);
    expect(statSync(join(rxDir, xid)).mode & 0o777).toBe(0o700);
  }
}

async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode === null) p.child.kill('SIGTERM');
  await p.exited;
}

/** Reference output and a free port (a receiver started on port 0 tells which). */
function setup(name: string): { dir: string; expected: Map<string, Buffer>; total: number } {
  const dir = mkdtempSync(join(tmpdir(), `msrptap-deliver-${name}-`));
  const tasks = join(ROOT, 'samples', 'tasks', `${SAMPLE}.tasks.json`);
  const r = runCli(['run', '-r', PCAP, '--tasks', tasks, '--out', join(dir, 'ref')]);
  expect(r.status, r.stderr).toBe(0);
  const expected = expectedByXid(join(dir, 'ref'));
  let total = 0;
  for (const b of expected.values()) {
    const d = decodeRecordFile(b);
    if (d.kind === 'x2x3') total += d.items.length;
  }
  return { dir, expected, total };
}

describe('delivery to msrptap receive', () => {
  it('TCP: the receiver gets exactly the PDUs of run --out; the spool ends empty', async () => {
    const { dir, expected } = setup('tcp');
    const rx = await startReceiver(join(dir, 'rx'), 0);
    try {
      const tasks = tasksWith(dir, rx.port);
      const tap = startCli(['run', '-r', PCAP, '--tasks', tasks, '--out', join(dir, 'out'), '--deliver', '--spool-dir', join(dir, 'spool'), '--drain-timeout', '10']);
      expect(await tap.exited, tap.stderr()).toBe(0);
      expect(tap.stderr()).toMatch(/"event":"delivery.summary"[^\n]*"spooledPdus":0,/);
      // --out alongside --deliver is unchanged.
      for (const [xid, bytes] of expectedByXid(join(dir, 'out'))) expect(bytes.equals(expected.get(xid)!)).toBe(true);
      expectSameAsFiles(join(dir, 'rx'), expected);
      const spool = join(dir, 'spool', DID);
      expect(statSync(spool).mode & 0o777).toBe(0o700);
      for (const f of readdirSync(spool)) expect(statSync(join(spool, f)).mode & 0o777, f).toBe(0o600);
    } finally {
      await stop(rx.proc);
    }
  }, 30_000);

  it("a second run on the same spool folder continues the sequence numbers: the receiver keeps both runs' PDUs", async () => {
    const { dir, expected, total } = setup('seq-restart');
    const rx = await startReceiver(join(dir, 'rx'), 0);
    try {
      const tasks = tasksWith(dir, rx.port);
      const spool = join(dir, 'spool');
      const t1 = startCli(['run', '-r', PCAP, '--tasks', tasks, '--deliver', '--spool-dir', spool, '--drain-timeout', '10']);
      expect(await t1.exited, t1.stderr()).toBe(0);
      expectSameAsFiles(join(dir, 'rx'), expected);
      // Without --out there is no audit.json: sessions are counted, their metadata never written.
      expect(t1.stderr()).toMatch(/"event":"run.summary","pid":\d+,"sessions":[1-9]\d*,"uncorrelated":0,/);
      expect(existsSync(join(spool, '.audit-spool'))).toBe(false);
      const state = join(spool, 'x2x3-sequence.json');
      expect(statSync(state).mode & 0o777).toBe(0o600);
      const t2 = startCli(['run', '-r', PCAP, '--tasks', tasks, '--deliver', '--spool-dir', spool, '--drain-timeout', '10']);
      expect(await t2.exited, t2.stderr()).toBe(0);
      expect(t2.stderr()).toMatch(/sequence numbers continue from the previous run/);
      await waitFor(() => storedCount(join(dir, 'rx')) >= 2 * total, 10_000, "the second run's PDUs");
      expect(storedCount(join(dir, 'rx'))).toBe(2 * total);
      for (const [xid, bytes] of expected) {
        const n = itemCount(bytes);
        const seqs = readFileSync(join(dir, 'rx', xid, 'index.jsonl'), 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => (JSON.parse(l) as { seq: number }).seq);
        // First run 0..n-1 (the reservation was 1024 per XID), second run from the stored reservation.
        expect(seqs).toEqual([...seqs.slice(0, n).map((_, i) => i), ...seqs.slice(0, n).map((_, i) => 1024 + i)]);
      }
    } finally {
      await stop(rx.proc);
    }
  }, 40_000);

  it('--metrics-port: /metrics on loopback while the run waits for an absent receiver: packets, records per LIID, spool depth', async () => {
    const { dir, total } = setup('metrics');
    // A port nobody listens on: every PDU stays spooled while the drain waits.
    const dead = await new Promise<number>((res) => {
      const srv = createNetServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => res(p));
      });
    });
    const tasks = tasksWith(dir, dead);
    const tap = startCli(['run', '-r', PCAP, '--tasks', tasks, '--out', join(dir, 'out'), '--deliver', '--spool-dir', join(dir, 'spool'), '--drain-timeout', '8', '--metrics-port', '0']);
    try {
      await waitFor(() => /"event":"metrics.listening","pid":\d+,"host":"[^"]+","port":\d+/.test(tap.stderr()) || tap.child.exitCode !== null, 20_000, 'the metrics endpoint');
      const m = /"event":"metrics.listening","pid":\d+,"host":"([^"]+)","port":(\d+)/.exec(tap.stderr());
      expect(m, tap.stderr()).not.toBeNull();
      expect(m![1]).toBe('127.0.0.1');
      const base = `http://127.0.0.1:${m![2]}`;
      const value = (text: string, series: string): number => {
        const line = text.split('\n').find((l) => l.startsWith(`${series} `));
        return line === undefined ? NaN : Number(line.slice(series.length + 1));
      };
      let text = '';
      async function scrape(): Promise<void> {
        const r = await fetch(`${base}/metrics`);
        expect(r.status).toBe(200);
        expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
        text = await r.text();
      }
      // Until the whole capture is processed and spooled.
      for (let i = 0; i < 150 && value(text, `msrptap_spool_pdus{did="${DID}"}`) !== total; i++) {
        await scrape();
        await new Promise((r) => setTimeout(r, 100));
      }
      const frames = execFileSync('tshark', ['-r', PCAP, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l !== '').length;
      expect(value(text, 'msrptap_packets_total')).toBe(frames);
      expect(value(text, 'msrptap_bytes_total')).toBeGreaterThan(frames * 40);
      expect(value(text, 'msrptap_tcp_flows_total')).toBeGreaterThan(0);
      const x2 = itemCount(readFileSync(join(dir, 'out', 'LIID-DE-0009', 'x2x3.pdu')));
      expect(value(text, 'msrptap_records_total{liid="LIID-DE-0009",kind="iri"}') + value(text, 'msrptap_records_total{liid="LIID-DE-0009",kind="cc"}')).toBe(x2);
      expect(value(text, `msrptap_spool_pdus{did="${DID}"}`)).toBe(total);
      expect(value(text, `msrptap_spool_bytes{did="${DID}"}`)).toBeGreaterThan(0);
      expect(value(text, `msrptap_link_up{did="${DID}"}`)).toBe(0);
      expect(text).toMatch(/^# TYPE msrptap_anomalies_total counter$/m);
      // No identities in the metrics.
      expect(text).not.toMatch(/sip:|@/);
      expect((await fetch(`${base}/other`)).status).toBe(404);
    } finally {
      if (tap.child.exitCode === null) tap.child.kill('SIGTERM');
      await tap.exited;
    }
  }, 40_000);

  it('mutual TLS with pinned CA; a client certificate from another CA is refused', async () => {
    const { dir, expected } = setup('tls');
    const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    const mkCa = (n: string): void => ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${n}.key`, '-out', `${n}.pem`, '-days', '2', '-subj', `/CN=${n}`);
    const mkLeaf = (n: string, ca: string, san: string): void => {
      ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', `/CN=${n}`);
      writeFileSync(join(dir, `${n}.ext`), `subjectAltName=${san}\n`);
      ssl('x509', '-req', '-in', `${n}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${n}.pem`, '-days', '2', '-extfile', `${n}.ext`);
    };
    mkCa('ca');
    mkCa('rogue');
    mkLeaf('server', 'ca', 'IP:127.0.0.1');
    mkLeaf('client', 'ca', 'DNS:tap.example');
    mkLeaf('intruder', 'rogue', 'DNS:tap.example');
    const p = (n: string): string => join(dir, n);
    const rx = await startReceiver(join(dir, 'rx'), 0, ['--tls-cert', p('server.pem'), '--tls-key', p('server.key'), '--tls-ca', p('ca.pem')]);
    try {
      // A client certificate the receiver's CA did not sign: the handshake fails, nothing is stored.
      const bad = tasksWith(dir, rx.port, { cert: p('intruder.pem'), key: p('intruder.key'), ca: p('ca.pem') });
      const t1 = startCli(['run', '-r', PCAP, '--tasks', bad, '--deliver', '--spool-dir', join(dir, 'spool-bad'), '--drain-timeout', '1']);
      expect(await t1.exited, t1.stderr()).toBe(0);
      expect(t1.stderr()).toMatch(/"event":"delivery.summary"/);
      expect(t1.stderr()).not.toMatch(/"event":"delivery.summary"[^\n]*"spooledPdus":0,/);
      expect(storedCount(join(dir, 'rx'))).toBe(0);
      expect(rx.proc.stderr()).toMatch(/"event":"receiver.tls_failed"/);

      const good = tasksWith(dir, rx.port, { cert: p('client.pem'), key: p('client.key'), ca: p('ca.pem') });
      const t2 = startCli(['run', '-r', PCAP, '--tasks', good, '--deliver', '--spool-dir', join(dir, 'spool'), '--drain-timeout', '10']);
      expect(await t2.exited, t2.stderr()).toBe(0);
      expect(t2.stderr()).toMatch(/"tls":true/);
      expectSameAsFiles(join(dir, 'rx'), expected);
    } finally {
      await stop(rx.proc);
    }
  }, 60_000);

  it('a bad TLS key file is a configuration error (exit 2) naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrptap-deliver-badkey-'));
    writeFileSync(join(dir, 'c.pem'), 'not a certificate');
    const tasks = tasksWith(dir, 9, { cert: join(dir, 'c.pem'), key: join(dir, 'missing.key'), ca: join(dir, 'c.pem') });
    const r = runCli(['run', '-r', PCAP, '--tasks', tasks, '--deliver', '--spool-dir', join(dir, 'spool')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot read TLS private key file .*missing\.key|is not PEM/);
  });

  it('receiver killed (SIGKILL) and restarted 3 times mid-delivery: nothing lost, no duplicate stored', async () => {
    const { dir, expected, total } = setup('rxkill');
    expect(total).toBeGreaterThanOrEqual(20);
    const rxDir = join(dir, 'rx');
    let rx = await startReceiver(rxDir, 0);
    const port = rx.port;
    const tasks = tasksWith(dir, port);
    const tap = startCli(['run', '-r', PCAP, '--tasks', tasks, '--deliver', '--spool-dir', join(dir, 'spool'), '--drain-timeout', '30', '--deliver-pace-ms', '25', '--keepalive-timeout', '2000']);
    try {
      for (const at of [Math.floor(total / 5), Math.floor((2 * total) / 5), Math.floor((3 * total) / 5)]) {
        await waitFor(() => storedCount(rxDir) >= at, 20_000, `${at} PDUs at the receiver`);
        rx.proc.child.kill('SIGKILL');
        await rx.proc.exited;
        expect(storedCount(rxDir)).toBeLessThan(total);
        rx = await startReceiver(rxDir, port);
      }
      expect(await tap.exited, tap.stderr()).toBe(0);
      expect(tap.stderr()).toMatch(/"event":"delivery.summary"[^\n]*"spooledPdus":0,/);
      expect((tap.stderr().match(/"event":"link.up"/g) ?? []).length).toBeGreaterThanOrEqual(4);
      expectSameAsFiles(rxDir, expected);
    } finally {
      tap.child.kill('SIGKILL');
      await stop(rx.proc);
    }
  }, 60_000);

  it('tap killed (SIGKILL) mid-delivery and restarted: the spool is replayed, the receiver drops the resent duplicates', async () => {
    const { dir, expected, total } = setup('tapkill');
    const rxDir = join(dir, 'rx');
    const rx = await startReceiver(rxDir, 0);
    try {
      const tasks = tasksWith(dir, rx.port);
      const spool = join(dir, 'spool');
      const tap = startCli(['run', '-r', PCAP, '--tasks', tasks, '--deliver', '--spool-dir', spool, '--deliver-pace-ms', '25']);
      await waitFor(() => storedCount(rxDir) >= Math.floor(total / 3), 20_000, 'a third of the PDUs at the receiver');
      tap.child.kill('SIGKILL');
      await tap.exited;
      const before = storedCount(rxDir);
      expect(before).toBeLessThan(total);
      // Restart on a capture with no packets: whatever arrives now can only come from the spool.
      const empty = join(dir, 'empty.pcap');
      writeFileSync(empty, emptyPcap());
      const again = startCli(['run', '-r', empty, '--tasks', tasks, '--deliver', '--spool-dir', spool, '--drain-timeout', '20']);
      expect(await again.exited, again.stderr()).toBe(0);
      expect(again.stderr()).toMatch(/spool holds PDUs from a previous run/);
      expect(again.stderr()).toMatch(/"event":"delivery.summary"[^\n]*"spooledPdus":0,/);
      expectSameAsFiles(rxDir, expected);
      await stop(rx.proc);
      // PDUs in flight at the kill (sent, not yet vouched for by a keepalive round trip) were
      // sent again and dropped as duplicates; how many depends on where the kill fell.
      const m = /"stored":(\d+),"duplicates":(\d+)/.exec(rx.proc.stderr());
      expect(m).not.toBeNull();
      expect(Number(m![1])).toBe(total);
    } finally {
      await stop(rx.proc);
    }
  }, 60_000);
});

describe('file delivery rotation (run --out --rotate-size / --rotate-seconds)', () => {
  const CHAT = join(ROOT, 'samples', 'pcap', 'chat-udp.pcap');
  const CHAT_TASKS = join(ROOT, 'samples', 'tasks', 'chat-udp.tasks.json');
  const NAMES = ['x2x3.pdu', 'hi2.ber', 'hi3.ber', 'records.pb'];
  /** NAME, NAME.1, NAME.2, ... as written. */
  const parts = (folder: string, name: string): string[] => {
    const out: string[] = [];
    for (let n = 0; existsSync(join(folder, n === 0 ? name : `${name}.${n}`)); n++) out.push(n === 0 ? name : `${name}.${n}`);
    return out;
  };

  it.each([
    ['size', ['--rotate-size', String(2000 / 1024 / 1024)]],
    ['time', ['--rotate-seconds', '5']],
  ])(
    'by %s: parts concatenate to the unrotated file; the manifest lists every part with its hash and records',
    (kind, args) => {
      const dir = mkdtempSync(join(tmpdir(), `msrptap-rotate-${kind}-`));
      const ref = runCli(['run', '-r', CHAT, '--tasks', CHAT_TASKS, '--out', join(dir, 'ref')]);
      expect(ref.status, ref.stderr).toBe(0);
      const rot = runCli(['run', '-r', CHAT, '--tasks', CHAT_TASKS, '--out', join(dir, 'rot'), ...args]);
      expect(rot.status, rot.stderr).toBe(0);
      const liid = readdirSync(join(dir, 'ref'))[0]!;
      const refDir = join(dir, 'ref', liid);
      const rotDir = join(dir, 'rot', liid);
      const manifest = JSON.parse(readFileSync(join(rotDir, 'manifest.json'), 'utf8')) as { files: { name: string; records: number; bytes: number; sha256: string }[] };
      let rotatedSomething = false;
      for (const name of NAMES) {
        const list = parts(rotDir, name);
        if (list.length > 1) rotatedSomething = true;
        const joined = Buffer.concat(list.map((p) => readFileSync(join(rotDir, p))));
        expect(joined.equals(readFileSync(join(refDir, name))), `${name}: parts differ from the unrotated file`).toBe(true);
        for (const p of list) {
          const bytes = readFileSync(join(rotDir, p));
          expect(statSync(join(rotDir, p)).mode & 0o777).toBe(0o600);
          if (kind === 'size' && name !== 'records.pb') expect(bytes.length <= 2000 || itemCount(bytes) === 1, `${p}: ${bytes.length} bytes`).toBe(true);
          const entry = manifest.files.find((f) => f.name === p);
          expect(entry, `${p} in the manifest`).toBeDefined();
          expect(entry!.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
          expect(entry!.bytes).toBe(bytes.length);
          expect(entry!.records).toBe(itemCount(bytes));
          if (kind === 'time' && name === 'records.pb') {
            // Each part spans less than the rotation period of capture time.
            const d = decodeRecordFile(bytes);
            const ts =
              d.kind === 'protobuf'
                ? d.items.map((i) => {
                    const t = i.record.time as { seconds: number | string; nanos?: number };
                    return Number(t.seconds) + (t.nanos ?? 0) / 1e9;
                  })
                : [];
            expect(ts.length).toBeGreaterThan(0);
            expect(ts[ts.length - 1]! - ts[0]!).toBeLessThan(5);
          }
        }
      }
      expect(rotatedSomething).toBe(true);
      expect(manifest.files.map((f) => f.name).sort()).toEqual(NAMES.flatMap((n) => parts(rotDir, n)).sort());
      // A later unrotated run in the same folder (--overwrite) leaves no stale part behind.
      const again = runCli(['run', '-r', CHAT, '--tasks', CHAT_TASKS, '--out', join(dir, 'rot'), '--overwrite']);
      expect(again.status, again.stderr).toBe(0);
      expect(readdirSync(rotDir).sort()).toEqual(readdirSync(refDir).sort());
    },
    60_000,
  );

  it('--rotate-size without --out is a configuration error', () => {
    const r = runCli(['run', '-r', CHAT, '--tasks', CHAT_TASKS, '--deliver', '--rotate-size', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--rotate-size/);
  });
});
