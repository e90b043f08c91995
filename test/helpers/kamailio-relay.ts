/**
 * A real MSRP relay (RFC 4976) and SIP proxy for integration tests: Kamailio as a child process
 * on free loopback ports, unprivileged configuration in a temp folder, and tcpdump on lo. The
 * relay configuration is the one of ../../../shared/docs/tooling-notes.md; optional listeners add
 * WebSocket (RFC 6455: xhttp answers the Upgrade, the websocket module frames SIP, RFC 7118,
 * and MSRP, RFC 7977) and TLS (the tls module, a self-signed certificate made by openssl).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules';

/** Why a relay test cannot run here (null: it can): programs, Kamailio modules, root for tcpdump. */
export function relayTestBlocker(modules: readonly string[] = []): string | null {
  for (const p of ['kamailio', 'tcpdump', 'tshark']) if (!has(p)) return `${p} is not installed`;
  if (process.getuid?.() !== 0) return 'tcpdump on lo needs root';
  const pkg: Record<string, string> = { tls: 'kamailio-tls-modules', websocket: 'kamailio-websocket-modules' };
  for (const m of modules) if (!existsSync(join(MODULES, `${m}.so`))) return `Kamailio module ${m} is missing (Debian ${pkg[m] ?? 'kamailio'})`;
  return null;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((res) => srv.close(() => res()));
  return port;
}

/** The relay's ports: MSRP and SIP always, a WebSocket (HTTP Upgrade) port and TLS ports when asked. */
export interface RelayPorts {
  /** MSRP over TCP. */
  readonly msrp: number;
  /** SIP over UDP and TCP (the same number). */
  readonly sip: number;
  /** SIP and MSRP over WebSocket (one port: the subprotocol tells them apart). */
  readonly ws?: number;
  /** MSRP over TLS. */
  readonly msrpTls?: number;
  /** SIP over TLS. */
  readonly sipTls?: number;
}

/** A self-signed certificate (CN and SAN 127.0.0.1) made by openssl in `dir`. */
export function selfSignedCert(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'relay.pem');
  const key = join(dir, 'relay.key');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
  return { cert, key };
}

/**
 * The relay on `ports.msrp` (and `ports.msrpTls`), plus a stateless SIP proxy (Record-Route on
 * the INVITE, forward by Request-URI; replies follow the Via headers, RFC 3261 section 16.7).
 * Requests from a WebSocket client get rport (RFC 3581): its Via host is `.invalid` (RFC 7118
 * section 5.2), so the reply must go back on the connection it came from. The callee is reached
 * from the SIP port of the Request-URI's transport (TCP or TLS), never from an MSRP port.
 * With TLS, the Use-Path (RFC 4976 section 5.1) names the socket the AUTH came on (`msrps` for
 * TLS): `use_path_addr` would give one address to clients of every transport.
 */
export function relayConfig(ports: RelayPorts, tls?: { cert: string; key: string; cfg: string; tcpChildren?: number }): string {
  const listen = [`tcp:127.0.0.1:${ports.msrp}`, `udp:127.0.0.1:${ports.sip}`, `tcp:127.0.0.1:${ports.sip}`];
  if (ports.ws !== undefined) listen.push(`tcp:127.0.0.1:${ports.ws}`);
  if (ports.msrpTls !== undefined) listen.push(`tls:127.0.0.1:${ports.msrpTls}`);
  if (ports.sipTls !== undefined) listen.push(`tls:127.0.0.1:${ports.sipTls}`);
  const modules = ['sl', 'rr', 'pv', 'xlog', 'msrp', 'htable'];
  if (ports.ws !== undefined) modules.push('xhttp', 'websocket');
  if (tls !== undefined) {
    modules.unshift('tls');
    // Kamailio's tls.cfg: verification off both ways (self-signed, test only); TLS 1.2 and 1.3.
    // tcp_children=1 (below): with several TCP workers, two Kamailio processes sent the same
    // ClientHello random on their own connections to Bob (their RNG state forked from one
    // parent; rand_engine did not help), so one key log entry (NSS key logs are keyed by client
    // random) named two connections and tshark, like any key log reader, decrypted one of them.
    // `tcpChildren` > 1 reproduces that on purpose (msrptap keeps every secret per random).
    writeFileSync(
      tls.cfg,
      `[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\nprivate_key = ${tls.key}\ncertificate = ${tls.cert}\n\n[client:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n`,
    );
  }
  const tlsForward = ports.sipTls !== undefined ? `\n        if ($rP == "tls" || $rP == "TLS") force_send_socket(tls:127.0.0.1:${ports.sipTls});` : '';
  const wsRoute =
    ports.ws !== undefined
      ? `
event_route[xhttp:request] {
    set_reply_close();
    set_reply_no_connect();
    if ($Rp == ${ports.ws} && $hdr(Upgrade) =~ "websocket" && $hdr(Connection) =~ "Upgrade" && $rm == "GET") {
        if (ws_handle_handshake()) exit;
    }
    xhttp_reply("404", "Not found", "", "");
}
`
      : '';
  return `#!KAMAILIO
debug=2
log_stderror=yes
children=2
auto_aliases=no
tcp_accept_no_cl=yes
tcp_connection_lifetime=120
disable_sctp=yes
${tls !== undefined ? `enable_tls=yes\ntcp_children=${tls.tcpChildren ?? 1}\n` : ''}${listen.map((l) => `listen=${l}`).join('\n')}
${modules.map((m) => `loadmodule "${m}.so"`).join('\n')}
modparam("msrp", "cmap_size", 8)
${tls === undefined ? `modparam("msrp", "use_path_addr", "127.0.0.1:${ports.msrp}")\n` : ''}modparam("htable", "htable", "authed=>size=8;autoexpire=3600;")
${ports.ws !== undefined ? 'modparam("websocket", "sub_protocols", 3)\n' : ''}${tls !== undefined ? `modparam("tls", "config", "${tls.cfg}")\n` : ''}request_route {
    if ($proto == "ws" || $proto == "wss") force_rport();
    if ($rm == "INVITE") record_route();
    if ($rm == "INVITE" || $rm == "ACK" || $rm == "BYE") {
        force_send_socket(tcp:127.0.0.1:${ports.sip});${tlsForward}
        forward();
        exit;
    }
    sl_send_reply("403", "Not here");
    exit;
}
${wsRoute}
event_route[msrp:frame-in] {
    msrp_reply_flags("1");
    if (msrp_is_reply()) { msrp_relay(); exit; }
    if ($msrp(method)=="AUTH") {
        if ($msrp(nexthops)>0) { msrp_relay(); exit; }
        $sht(authed=>$msrp(srcaddr)) = 1;
        msrp_cmap_save();
        exit;
    }
    if ($msrp(method)=="SEND" || $msrp(method)=="REPORT") {
        if ($msrp(nexthops)<1) { msrp_reply("481", "Session-does-not-exist"); exit; }
        if ($msrp(method)!="REPORT") { msrp_reply("200", "OK"); }
        if ($sht(authed=>$msrp(srcaddr)) == $null && msrp_cmap_lookup()) { msrp_relay_flags("1"); }
        msrp_relay();
        exit;
    }
    msrp_reply("501", "Request-method-not-understood");
}
`;
}

/** A running Kamailio: its process and what it logged (for failure messages). */
export interface Relay {
  readonly proc: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/** Starts Kamailio with `config` written in `dir`; ready when `probePort` accepts a TCP connection. */
export async function startKamailio(dir: string, config: string, probePort: number): Promise<Relay> {
  writeFileSync(join(dir, 'kamailio.cfg'), config);
  const proc = spawn('kamailio', ['-f', join(dir, 'kamailio.cfg'), '-DD', '-E', '-P', join(dir, 'kamailio.pid'), '-Y', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stderr!.on('data', (b: Buffer) => (log += b.toString('utf8')));
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await Promise.race([exited, sleep(1000)]);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  };
  // Ready when it accepts connections (before tcpdump starts: the probe is not captured).
  for (let i = 0; ; i++) {
    const ok = await new Promise<boolean>((res) => {
      const s = connect({ host: '127.0.0.1', port: probePort }, () => {
        s.destroy();
        res(true);
      });
      s.on('error', () => res(false));
    });
    if (ok) break;
    if (i > 100 || proc.exitCode !== null) {
      await stop();
      throw new Error(`kamailio did not start:\n${log}`);
    }
    await sleep(100);
  }
  return { proc, log: () => log, stop };
}

/**
 * tcpdump on lo into `pcap` with `filter`; resolves once it listens. The returned function stops
 * it. --immediate-mode: without it libpcap hands packets over a block at a time (up to 1 s
 * late), and on a loaded machine the last SIP messages were still in the kernel ring when SIGINT
 * came, so they were missing from the capture. A ring slot is as large as the snapshot length:
 * 65 600 (lo's MTU is 65 536) and 16 MiB give some 250 slots; with `-s 0` (256 KiB) in the
 * default 2 MiB there were 8, and the kernel dropped packets of a burst on a loaded machine.
 */
export async function startTcpdump(pcap: string, filter: string): Promise<() => Promise<void>> {
  const proc = spawn('tcpdump', ['-i', 'lo', '--immediate-mode', '-U', '-s', '65600', '-B', '16384', '-w', pcap, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (b: Buffer) => (err += b.toString('utf8')));
  for (let i = 0; !/listening on/.test(err); i++) {
    if (i > 100 || proc.exitCode !== null) {
      proc.kill('SIGKILL');
      throw new Error(`tcpdump did not start:\n${err}`);
    }
    await sleep(50);
  }
  return async () => {
    if (proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGINT');
    await exited;
    // A capture with holes would fail the checks for the wrong reason: say so instead.
    const dropped = Number(/(\d+) packets? dropped by kernel/.exec(err)?.[1] ?? 0);
    if (dropped > 0) throw new Error(`tcpdump: ${dropped} packets dropped by the kernel`);
  };
}
