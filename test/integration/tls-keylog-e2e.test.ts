/**
 * `msrptap run --tls-keylog` end to end (issue 16) on a capture of a real TLS chat
 * (test/helpers/tls-chat.ts: node:tls endpoints, SIP over TLS 1.3 on 5061, MSRP over TLS 1.2 with
 * msrps: paths, the clients' NSS key log):
 * - with the key log the MSRP messages are intercepted: X3 PDUs carry the plaintext requests,
 *   the audit says the transports were decrypted (version, suite), message hashes are those of
 *   the plaintext sent, and tshark, given the same key log, sees the same MSRP requests;
 * - without it (SIP in the clear, MSRP over TLS): iMSCCUnavailable (TLS) as before, and the
 *   connection is counted undecryptable; a key log without the MSRP keys: the same, at release;
 * - a key log that only gets its keys after the run started is still used: offline at the
 *   end-of-input re-read, live within a tick (run -i lo, tcpreplay; root only);
 * - no key material reaches any output file or the log.
 */
import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeRecordFile } from '../../src/encode/index.js';
import { PduType } from '../../src/encode/x2x3/x2x3-constants.js';
import { loadCap } from '../../src/capture/live-capture.js';
import { startCli, waitFor } from '../helpers/deliver-procs.js';
import { hasProgram } from '../helpers/has-program.js';
import { eventsNamed } from '../helpers/log-events.js';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { recordTlsChat, TLS_TARGET, type TlsChat } from '../helpers/tls-chat.js';

const hasTshark = hasProgram('tshark');
const hasOpenssl = hasProgram('openssl', 'version');

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

interface AuditJson {
  sessions: { messages: { messageId: string; sha256: string | null; status: string }[]; transports?: string[]; tls?: { transport: string; decrypted: boolean; version: string; cipherSuite: string }[]; ccUnavailable: string | null }[];
  uncorrelated: unknown[];
  anomalies: Record<string, number>;
}

/** X3 payloads (MSRP requests as intercepted) of every x2x3.pdu under `out`. */
function x3Payloads(out: string): string[] {
  const list: string[] = [];
  for (const f of files(out).filter((x) => x.endsWith('x2x3.pdu'))) {
    const d = decodeRecordFile(readFileSync(f));
    if (d.kind !== 'x2x3') throw new Error(`${f} is not x2x3`);
    for (const it of d.items) if (it.pdu.pduType === PduType.X3) list.push(Buffer.from(it.pdu.payload).toString('utf8'));
  }
  return list;
}

/** Message-IDs of the MSRP requests tshark decrypts (Follow TLS stream: MSRP over TLS has no tls.port dissector entry). */
function tsharkMessageIds(pcap: string, keylog: string): string[] {
  const ids: string[] = [];
  for (const stream of [0, 1]) {
    const text = execFileSync('tshark', ['-r', pcap, '-o', `tls.keylog_file:${keylog}`, '-q', '-z', `follow,tls,raw,${stream}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    // Client → server data lines are not indented (RFC-free tshark output format: server lines start with a tab).
    const c2s = text
      .split('\n')
      .filter((l) => /^[0-9a-f]+$/.test(l))
      .map((l) => Buffer.from(l, 'hex').toString('latin1'))
      .join('');
    for (const m of c2s.matchAll(/^MSRP \S+ SEND\r\n(?:[^\r\n]*\r\n)*?Message-ID: (\S+)\r\n/gm)) ids.push(m[1]!);
  }
  return ids;
}

describe.skipIf(!hasOpenssl)('run --tls-keylog on a capture of real TLS (issue 16)', () => {
  let chat: TlsChat;
  let dir: string;
  let pcap: string;
  let keys: string;
  let tasks: string;

  beforeAll(async () => {
    chat = await recordTlsChat();
    dir = mkdtempSync(join(tmpdir(), 'msrptap-tls-e2e-'));
    pcap = join(dir, 'chat.pcap');
    keys = join(dir, 'keys.log');
    tasks = join(dir, 'tasks.json');
    writeFileSync(pcap, chat.pcap);
    writeFileSync(keys, chat.keylog);
    writeFileSync(tasks, JSON.stringify({ tasks: [{ xid: '0b8e6e0c-1111-4222-8333-444455556677', liid: 'LIID-TLS', targetIdentifiers: [{ sipUri: TLS_TARGET }], deliveryType: 'X2andX3' }] }));
  }, 60_000);

  const run = (name: string, extra: string[], capture = pcap): { out: string; audit: AuditJson; stderr: string } => {
    const out = join(dir, name);
    const r = runCli(['run', '-r', capture, '--tasks', tasks, '--out', out, ...extra]);
    expect(r.status, r.stderr).toBe(0);
    return { out, audit: JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as AuditJson, stderr: r.stderr };
  };

  it('with the key log: every message is intercepted, decrypted, with the plaintext hashes and X3', () => {
    const { out, audit, stderr } = run('keyed', ['--tls-keylog', keys]);
    expect(audit.sessions).toHaveLength(1);
    const s = audit.sessions[0]!;
    expect(s.ccUnavailable).toBeNull();
    expect(s.messages.map((m) => [m.messageId, m.status, m.sha256])).toEqual(chat.messages.map((m) => [m.mid, 'complete', m.sha256]));
    expect(s.transports).toEqual(['sip/tls', 'msrp/tls']);
    expect(s.tls).toEqual([
      { transport: 'sip/tls', decrypted: true, version: 'TLS1.3', cipherSuite: expect.stringMatching(/^0x130[123]$/) as unknown as string },
      { transport: 'msrp/tls', decrypted: true, version: 'TLS1.2', cipherSuite: '0xc02f' },
    ]);
    expect(audit.anomalies['correlate.cc_unavailable_tls']).toBeUndefined();
    // X3: one PDU per SEND chunk (4), each the plaintext MSRP request.
    const x3 = x3Payloads(out);
    expect(x3).toHaveLength(4);
    for (const m of chat.messages) expect(x3.some((p) => p.includes(`Message-ID: ${m.mid}`))).toBe(true);
    expect(x3.join('')).toContain(chat.messages[0]!.body);
    const summary = eventsNamed(stderr, 'tls.summary');
    expect(summary.map((e) => [e.connections, e.decrypted])).toEqual([[2, 2]]);
  });

  it('no key material in any output file or in the log', () => {
    const { out, stderr } = run('secrets', ['--tls-keylog', keys]);
    expect(chat.secretsHex.length).toBeGreaterThanOrEqual(6);
    for (const f of files(out)) {
      const b = readFileSync(f);
      const text = b.toString('latin1').toLowerCase();
      for (const h of chat.secretsHex) {
        expect(text.includes(h), `${f} holds a key log value as hex`).toBe(false);
        expect(b.includes(Buffer.from(h, 'hex')), `${f} holds a key log value as bytes`).toBe(false);
      }
    }
    for (const h of chat.secretsHex) expect(stderr.toLowerCase().includes(h)).toBe(false);
  });

  it('SIP in the clear, MSRP over TLS: without a key log iMSCCUnavailable (TLS) as before and the connection counted; with it, decrypted', async () => {
    const udp = await recordTlsChat({ sip: 'udp' });
    const udpPcap = join(dir, 'udp-sip.pcap');
    const udpKeys = join(dir, 'udp-sip.log');
    writeFileSync(udpPcap, udp.pcap);
    writeFileSync(udpKeys, udp.keylog);
    const without = run('unkeyed', [], udpPcap);
    expect(without.audit.sessions).toHaveLength(1);
    expect(without.audit.sessions[0]!.ccUnavailable).toBe('tls');
    expect(without.audit.sessions[0]!.messages).toEqual([]);
    expect(without.audit.sessions[0]!.tls).toBeUndefined();
    expect(without.audit.anomalies['correlate.cc_unavailable_tls']).toBe(1);
    expect(x3Payloads(without.out)).toEqual([]);
    expect(eventsNamed(without.stderr, 'tls.summary').map((e) => [e.connections, e.decrypted, e.undecryptable])).toEqual([[1, 0, { no_keylog: 1 }]]);
    const keyed = run('udp-keyed', ['--tls-keylog', udpKeys], udpPcap);
    expect(keyed.audit.sessions).toHaveLength(1);
    expect(keyed.audit.sessions[0]!.ccUnavailable).toBeNull();
    expect(keyed.audit.sessions[0]!.transports).toEqual(['sip/udp', 'msrp/tls']);
    expect(keyed.audit.sessions[0]!.messages.map((m) => [m.messageId, m.sha256])).toEqual(udp.messages.map((m) => [m.mid, m.sha256]));
    expect(x3Payloads(keyed.out)).toHaveLength(4);
  }, 60_000);

  it('a key log without the MSRP keys: SIP decrypted, the MSRP connection undecryptable (no_keys), iMSCCUnavailable at release', () => {
    const partial = join(dir, 'sip-only.log');
    writeFileSync(partial, chat.sipKeys);
    const { audit, stderr } = run('sip-only', ['--tls-keylog', partial]);
    expect(audit.sessions).toHaveLength(1);
    expect(audit.sessions[0]!.ccUnavailable).toBe('tls');
    expect(audit.sessions[0]!.messages).toEqual([]);
    expect(audit.anomalies['correlate.cc_unavailable_tls']).toBe(1);
    expect(audit.anomalies['tls.no_keys']).toBeGreaterThanOrEqual(1);
    const summary = eventsNamed(stderr, 'tls.summary');
    expect(summary.map((e) => [e.connections, e.decrypted, e.undecryptable])).toEqual([[2, 1, { no_keys: 1 }]]);
  });

  it('a missing key log file: ConfigError naming the file, nothing written', () => {
    const out = join(dir, 'missing');
    const r = runCli(['run', '-r', pcap, '--tasks', tasks, '--out', out, '--tls-keylog', join(dir, 'nope.log')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(join(dir, 'nope.log'));
    expect(r.stderr).toMatch(/cannot read the key log \(ENOENT\)/);
    expect(() => statSync(out)).toThrow();
  });

  it('audit --tls-keylog: the HTML report shows the decrypted transports, with no key material', () => {
    const html = join(dir, 'report.html');
    const json = join(dir, 'report.json');
    const r = runCli(['audit', '-r', pcap, '--tasks', tasks, '--tls-keylog', keys, '--json', json, '--html', html]);
    expect(r.status, r.stderr).toBe(0);
    const audit = JSON.parse(readFileSync(json, 'utf8')) as AuditJson;
    expect(audit.sessions[0]!.messages.map((m) => m.messageId)).toEqual(chat.messages.map((m) => m.mid));
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('msrp/tls decrypted TLS1.2 0xc02f');
    expect(page).toMatch(/sip\/tls decrypted TLS1\.3 0x130[123]/);
    for (const h of chat.secretsHex) expect(page.toLowerCase().includes(h)).toBe(false);
  });

  it.skipIf(!hasTshark)('tshark with the same key log sees the MSRP requests msrptap records', () => {
    const { audit } = run('tshark', ['--tls-keylog', keys]);
    const ids = tsharkMessageIds(pcap, keys);
    expect(ids).toEqual(['tlsmsg1', 'tlsmsg2', 'tlsmsg2', 'tlsmsg3']);
    expect([...new Set(ids)]).toEqual(audit.sessions[0]!.messages.map((m) => m.messageId));
  });
});

describe.skipIf(!hasOpenssl)('run --tls-keylog: keys written after the run started (issue 16)', () => {
  it('the end-of-input re-read of a grown key log decrypts the held connections', async () => {
    // No BYE: keys found at the end of input are tried on the held connections in their order, SIP first.
    const chat = await recordTlsChat({ bye: false });
    const dir = mkdtempSync(join(tmpdir(), 'msrptap-tls-late-'));
    const keys = join(dir, 'keys.log');
    const tasks = join(dir, 'tasks.json');
    const out = join(dir, 'out');
    writeFileSync(keys, '# NSS key log, empty at the start\n');
    writeFileSync(tasks, JSON.stringify({ tasks: [{ xid: '0b8e6e0c-1111-4222-8333-444455556677', liid: 'LIID-TLS', targetIdentifiers: [{ sipUri: TLS_TARGET }], deliveryType: 'X2andX3' }] }));
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'run', '-r', '-', '--tasks', tasks, '--out', out, '--tls-keylog', keys], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    const done = new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
    // The capture first, then (the run has read it and waits for more input) the keys, then the end of input.
    child.stdin.write(chat.pcap);
    await new Promise((r) => setTimeout(r, 1500));
    appendFileSync(keys, chat.keylog);
    child.stdin.end();
    expect(await done, stderr).toBe(0);
    const audit = JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as AuditJson;
    expect(audit.sessions).toHaveLength(1);
    expect(audit.sessions[0]!.ccUnavailable).toBeNull();
    expect(audit.sessions[0]!.messages.map((m) => [m.messageId, m.sha256])).toEqual(chat.messages.map((m) => [m.mid, m.sha256]));
    expect(eventsNamed(stderr, 'tls.summary').map((e) => [e.connections, e.decrypted])).toEqual([[2, 2]]);
  }, 60_000);
});

let liveSkip = '';
try {
  await loadCap();
} catch (e) {
  liveSkip = `cap not built: ${(e as Error).message}`;
}
if (liveSkip === '' && process.getuid?.() !== 0) liveSkip = 'not root';
if (liveSkip === '' && !hasProgram('tcpreplay', '--version')) liveSkip = 'tcpreplay not installed';
if (liveSkip === '' && !hasOpenssl) liveSkip = 'openssl not installed';

describe('run -i lo --tls-keylog: keys logged after the packets (issue 16)', () => {
  it.skipIf(liveSkip !== '')(
    `the growing key log is re-read while capturing: held connections decrypt before the stop${liveSkip !== '' ? ` [skipped: ${liveSkip}]` : ''}`,
    async () => {
      const chat = await recordTlsChat({ bye: false });
      const dir = mkdtempSync(join(tmpdir(), 'msrptap-tls-live-'));
      const pcap = join(dir, 'chat.pcap');
      const keys = join(dir, 'keys.log');
      const tasks = join(dir, 'tasks.json');
      writeFileSync(pcap, chat.pcap);
      writeFileSync(keys, '');
      writeFileSync(tasks, JSON.stringify({ tasks: [{ xid: '0b8e6e0c-1111-4222-8333-444455556677', liid: 'LIID-TLS', targetIdentifiers: [{ sipUri: TLS_TARGET }], deliveryType: 'X2andX3' }] }));
      const tap = startCli(['run', '-i', 'lo', '-f', 'tcp port 5061 or tcp port 2855', '--tasks', tasks, '--out', join(dir, 'out'), '--tls-keylog', keys, '--stats-interval', '1'], { dist: true });
      try {
        await waitFor(() => /"event":"capture.started"/.test(tap.stderr()) || tap.child.exitCode !== null, 20_000, 'the tap to capture');
        expect(tap.child.exitCode, tap.stderr()).toBeNull();
        execFileSync('tcpreplay', ['-i', 'lo', '--pps', '400', pcap], { stdio: 'ignore' });
        await waitFor(() => /"event":"run.stats"[^\n]*"tls":\{"connections":2,"decrypted":0/.test(tap.stderr()), 10_000, 'a stats line with the two connections waiting');
        // The endpoints' key log arrives after their packets: the tap reads it within a tick, before any stop.
        appendFileSync(keys, chat.keylog);
        await waitFor(() => /"event":"run.stats"[^\n]*"tls":\{"connections":2,"decrypted":2/.test(tap.stderr()), 10_000, 'a stats line with both connections decrypted');
        tap.child.kill('SIGTERM');
        expect(await tap.exited, tap.stderr()).toBe(0);
      } finally {
        if (tap.child.exitCode === null) tap.child.kill('SIGKILL');
      }
      const audit = JSON.parse(readFileSync(join(dir, 'out', 'audit.json'), 'utf8')) as AuditJson;
      expect(audit.sessions).toHaveLength(1);
      expect(audit.sessions[0]!.messages.map((m) => [m.messageId, m.sha256])).toEqual(chat.messages.map((m) => [m.mid, m.sha256]));
      for (const h of chat.secretsHex) expect(tap.stderr().toLowerCase().includes(h)).toBe(false);
    },
    60_000,
  );
});
