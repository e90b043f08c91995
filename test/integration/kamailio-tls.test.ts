/**
 * The chat of kamailio-relay.test.ts (test/helpers/relay-chat.ts) over TLS through Kamailio's tls
 * module (a self-signed certificate made by openssl in the temp folder): SIP over TLS from Alice
 * to the proxy and from the proxy to Bob (RFC 3261 section 26.2), MSRP over TLS (`msrps`, SDP
 * `TCP/TLS/MSRP`, RFC 4975 section 6) on both relay legs. Every TLS connection has a node:tls
 * end (Alice and Carol connect, Bob and Dave accept the relay's connections), which logs its
 * session keys through the `keylog` event into one NSS key log file.
 *
 * tshark with `-o tls.keylog_file:K` must find in the TLS capture the MSRP requests and the SIP
 * dialog it finds in the plain-TCP run's capture. msrptap decrypts with `--tls-keylog K` (issue
 * 16); its checks run only when the CLI offers that option (asked from `run --help`, never
 * assumed), and then its audit must equal the plain-TCP run's.
 *
 * Needs kamailio with its tls module (Debian kamailio-tls-modules), openssl, tcpdump (root) and
 * tshark. MSRPTAP_KEEP_TEST_DIR=1 keeps the captures, key log and outputs (msrptap-kamtls-*).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type Relay, type RelayPorts, relayConfig, relayTestBlocker, selfSignedCert, startKamailio } from '../helpers/kamailio-relay.js';
import { type Audit, comparable, expectChatOutputs, tapRun, tsharkMsrpOptions, tsharkMsrpRequests, tsharkSip } from '../helpers/relay-audit.js';
import { type ChatRun, runRelayChat } from '../helpers/relay-chat.js';
import { runCli } from '../helpers/run-cli.js';

const blocker = relayTestBlocker(['tls']) ?? (spawnSync('sh', ['-c', 'command -v openssl']).status === 0 ? null : 'openssl is not installed');
/** Whether this msrptap decrypts TLS with a key log: its own `run --help` says so. */
const tlsKeylogSupported = blocker === null && runCli(['run', '--help']).stdout.includes('--tls-keylog');

describe.skipIf(blocker !== null)(`the relay chat over TLS (Kamailio tls + msrp)${blocker !== null ? ` — skipped: ${blocker}` : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'msrptap-kamtls-'));
  const keylog = join(dir, 'tls.keys');
  let relay: Relay | undefined;
  let ports: RelayPorts;
  let tcp: ChatRun;
  let tls: ChatRun;
  /** tshark options: decrypt with the key log (first, 2 items); what the TLS ports carry. */
  let tsharkTls: string[] = [];

  beforeAll(async () => {
    ports = { msrp: await freePort(), sip: await freePort(), msrpTls: await freePort(), sipTls: await freePort() };
    const cert = selfSignedCert(dir);
    relay = await startKamailio(dir, relayConfig(ports, { ...cert, cfg: join(dir, 'tls.cfg') }), ports.msrpTls!);
    tcp = await runRelayChat('tcp', ports, dir, 'tcp');
    tls = await runRelayChat('tls', ports, dir, 'tls', { ...cert, keylog });
    tsharkTls = ['-o', `tls.keylog_file:${keylog}`, ...tsharkMsrpOptions(dir, { tlsPorts: [ports.msrpTls!, tls.bobMsrpPort, tls.daveMsrpPort] }), '-d', `tls.port==${ports.sipTls},sip`, '-d', `tls.port==${tls.bobSipPort},sip`];
  }, 60_000);

  afterAll(async () => {
    await relay?.stop();
    if (process.env.MSRPTAP_KEEP_TEST_DIR === undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('the key log holds the secrets of every TLS connection (NSS key log format)', () => {
    const lines = readFileSync(keylog, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+$/);
    // One client random per connection: a random reused by two connections (Kamailio's forked
    // workers did that) leaves one of them undecryptable by any key log reader.
    const hellos = spawnSync('tshark', ['-r', tls.pcap, '-Y', 'tls.handshake.type == 1', '-T', 'fields', '-e', 'tls.handshake.random'], { encoding: 'utf8' });
    const randoms = hellos.stdout.split('\n').filter((l) => l !== '');
    // Alice's SIP and MSRP, Carol's MSRP, and the relay's SIP to Bob, MSRP to Bob and to Dave.
    expect(randoms).toHaveLength(6);
    expect(new Set(randoms).size).toBe(6);
    expect(new Set(lines.map((l) => l.split(' ')[1]))).toEqual(new Set(randoms));
  });

  it('tshark, decrypting with the key log, sees the MSRP requests and the SIP dialog of the TCP run', () => {
    const t = tsharkMsrpRequests(tcp.pcap);
    expect(t.filter((l) => l === 'SEND msg-bulk-1')).toHaveLength(6);
    expect(tsharkMsrpRequests(tls.pcap, tsharkTls)).toEqual(t);
    // Without the keys nothing is readable: the capture really is TLS.
    expect(
      tsharkMsrpRequests(
        tls.pcap,
        tsharkTls.filter((o, i, a) => !o.startsWith('tls.keylog_file') && !(o === '-o' && a[i + 1]!.startsWith('tls.keylog_file'))),
      ),
    ).toEqual([]);
    const sipT = tsharkSip(tcp.pcap, 'call-ab@relay.test');
    expect(sipT).toHaveLength(10);
    expect(tsharkSip(tls.pcap, 'call-ab@relay.test', tsharkTls)).toEqual(sipT);
  });

  describe.skipIf(!tlsKeylogSupported)('msrptap --tls-keylog (skipped: this msrptap has no --tls-keylog)', () => {
    let tcpAudit: Audit;
    let tlsAudit: Audit;
    beforeAll(() => {
      const t = tapRun(tcp.pcap, join(dir, 'out-tcp'));
      const s = tapRun(tls.pcap, join(dir, 'out-tls'), ['--tls-keylog', keylog]);
      expect(t.status, t.stderr).toBe(0);
      expect(s.status, s.stderr).toBe(0);
      tcpAudit = t.audit;
      tlsAudit = s.audit;
    }, 60_000);

    it('the TLS run audits exactly like the TCP run (messages, sizes, hashes, chunks); the transports say decrypted TLS', () => {
      expect(tlsAudit.anomalies).toEqual({});
      expect(tlsAudit.uncorrelated).toEqual([]);
      expect(tlsAudit.sessions).toHaveLength(1);
      expect(comparable(tlsAudit.sessions[0]!)).toEqual(comparable(tcpAudit.sessions[0]!));
      expect(tlsAudit.sessions[0]!.messages.map((m) => m.messageId).sort()).toEqual(['msg-bob-1', 'msg-bulk-1']);
      // Everything the target's dialog used was TLS, and all of it was decrypted.
      const t = tlsAudit.sessions[0]!;
      expect(t.transports).toEqual(['sip/tls', 'msrp/tls']);
      expect(t.tls).toEqual([expect.objectContaining({ transport: 'sip/tls', decrypted: true }), expect.objectContaining({ transport: 'msrp/tls', decrypted: true })]);
      expect(tcpAudit.sessions[0]!.tls).toBeUndefined();
    });

    it('the same records and X3 as over TCP (plaintext MSRP); no byte of the other session or of the key log in any output', () => {
      expectChatOutputs(join(dir, 'out-tls'));
      const secrets = readFileSync(keylog, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => Buffer.from(l.split(' ')[2]!, 'hex'));
      expect(secrets.length).toBeGreaterThan(0);
      const out = join(dir, 'out-tls');
      for (const f of readdirSync(out, { recursive: true, encoding: 'utf8' })) {
        if (!statSync(join(out, f)).isFile()) continue;
        const bytes = readFileSync(join(out, f));
        for (const k of secrets) {
          expect(bytes.includes(k), `a secret in ${f}`).toBe(false);
          expect(bytes.includes(k.toString('hex')), `a secret (hex) in ${f}`).toBe(false);
        }
      }
    });
  });
});

/**
 * The same chat with 4 Kamailio TCP workers: their RNG state is forked from one parent, so two of
 * the relay's connections to Bob/Dave have sent the same ClientHello random (seen in every run
 * so far: 5 distinct randoms for 6 connections), and the key log names two secrets under it.
 * tshark decrypts one of them; msrptap keeps both secrets and takes, per connection, the one its
 * first record authenticates under, so its audit still equals the plain-TCP run's.
 */
describe.skipIf(blocker !== null || !tlsKeylogSupported)('the relay chat over TLS with forked TCP workers (a ClientHello random shared by two connections)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'msrptap-kamtls4-'));
  const keylog = join(dir, 'tls.keys');
  let relay: Relay | undefined;
  let tcpAudit: Audit;
  let tlsAudit: Audit;
  let randoms: string[] = [];

  beforeAll(async () => {
    const ports: RelayPorts = { msrp: await freePort(), sip: await freePort(), msrpTls: await freePort(), sipTls: await freePort() };
    const cert = selfSignedCert(dir);
    relay = await startKamailio(dir, relayConfig(ports, { ...cert, cfg: join(dir, 'tls.cfg'), tcpChildren: 4 }), ports.msrpTls!);
    const tcp = await runRelayChat('tcp', ports, dir, 'tcp');
    const tls = await runRelayChat('tls', ports, dir, 'tls', { ...cert, keylog });
    const hellos = spawnSync('tshark', ['-r', tls.pcap, '-Y', 'tls.handshake.type == 1', '-T', 'fields', '-e', 'tls.handshake.random'], { encoding: 'utf8' });
    randoms = hellos.stdout.split('\n').filter((l) => l !== '');
    const t = tapRun(tcp.pcap, join(dir, 'out-tcp'));
    const s = tapRun(tls.pcap, join(dir, 'out-tls'), ['--tls-keylog', keylog]);
    expect(t.status, t.stderr).toBe(0);
    expect(s.status, s.stderr).toBe(0);
    tcpAudit = t.audit;
    tlsAudit = s.audit;
  }, 90_000);

  afterAll(async () => {
    await relay?.stop();
    if (process.env.MSRPTAP_KEEP_TEST_DIR === undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('every connection is decrypted, shared random or not: the audit equals the TCP run, no anomaly', () => {
    expect(randoms).toHaveLength(6);
    expect(tlsAudit.anomalies).toEqual({});
    expect(tlsAudit.sessions).toHaveLength(1);
    expect(comparable(tlsAudit.sessions[0]!)).toEqual(comparable(tcpAudit.sessions[0]!));
    expect(tlsAudit.sessions[0]!.tls).toEqual([expect.objectContaining({ transport: 'sip/tls', decrypted: true }), expect.objectContaining({ transport: 'msrp/tls', decrypted: true })]);
    expectChatOutputs(join(dir, 'out-tls'));
  });
});
