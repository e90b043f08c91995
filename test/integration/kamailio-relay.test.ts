/**
 * Against a real MSRP relay (RFC 4976): Kamailio's msrp module on 127.0.0.1, captured with
 * tcpdump on lo, then `msrptap run` on the capture. The relay is an independent implementation:
 * it chooses its own session ids (Use-Path), rewrites To-Path/From-Path on the second leg,
 * opens its own connection to the callee, answers 200 itself and forwards the callee's 200
 * (or forwards the callee's). The endpoints are test code (test/helpers/msrp-peer.ts: there is no
 * MSRP client in Debian nor on npm). The target call's SIP goes through the same Kamailio as a
 * stateless proxy (its own Via, Record-Route), so the capture holds every SIP message twice, once
 * per hop; the other call's SIP goes directly between the agents. SIP is UDP on lo.
 *
 * Two sessions share the relay: Alice (the target) ↔ Bob, and Carol ↔ Dave (not a target).
 * Checked: the target session's audit (both legs, each message once, hashes of what was sent),
 * its X3 PDUs (every chunk on both legs), and that no byte of the other session is in any output.
 *
 * The chat itself is test/helpers/relay-chat.ts (the same on TCP, WebSocket and TLS:
 * kamailio-ws.test.ts and kamailio-tls.test.ts compare their runs with this one).
 *
 * Needs kamailio (Debian package `kamailio`: .ci/run installs it) and tcpdump; root for tcpdump.
 * MSRPTAP_KEEP_TEST_DIR=1 keeps the capture, the relay's config and msrptap's output (the path
 * is in the temp folder, msrptap-kamailio-*).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectChatOutputs, tapRun } from '../helpers/relay-audit.js';
import { freePort, type Relay, type RelayPorts, relayConfig, relayTestBlocker, startKamailio } from '../helpers/kamailio-relay.js';
import { CHAT, type ChatRun, runRelayChat } from '../helpers/relay-chat.js';

const blocker = relayTestBlocker();
const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

describe.skipIf(blocker !== null)(`through a real MSRP relay (Kamailio msrp module)${blocker !== null ? ` — skipped: ${blocker}` : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'msrptap-kamailio-'));
  const out = join(dir, 'out');
  let relay: Relay | undefined;
  let ports: RelayPorts;
  let run: ChatRun;
  let pcap = '';
  const { bulk, fromBob, aliceSid, bobSid } = CHAT;

  beforeAll(async () => {
    ports = { msrp: await freePort(), sip: await freePort() };
    relay = await startKamailio(dir, relayConfig(ports), ports.msrp);
    run = await runRelayChat('tcp', ports, dir, 'relay');
    pcap = run.pcap;
  }, 60_000);

  afterAll(async () => {
    await relay?.stop();
    if (process.env.MSRPTAP_KEEP_TEST_DIR === undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('tshark decodes every MSRP frame of the capture (the relay legs included)', () => {
    const r = spawnSync('tshark', ['-r', pcap, '-Y', 'msrp', '-T', 'fields', '-e', 'msrp.request.line', '-e', 'msrp.response.line', '-e', '_ws.malformed'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l !== '');
    // Each leg: AUTH + 200 (2 clients), 3 bulk chunks + Bob's SEND + Carol's SEND, each answered.
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(rows.filter((l) => l.split('\t')[2] !== '')).toEqual([]);
  });

  it('msrptap: one target session, both legs, each message once with the hash of what was sent', () => {
    const { audit, status, stderr } = tapRun(pcap, out);
    expect(status, stderr).toBe(0);
    // Well-formed traffic from both implementations: nothing to report.
    expect(audit.anomalies).toEqual({});
    expect(audit.uncorrelated).toEqual([]);
    expect(audit.sessions).toHaveLength(1);
    const s = audit.sessions[0]!;
    expect(s.callId).toBe('call-ab@relay.test');
    expect(s.liid).toBe('LIID-RELAY');
    expect(s.msrpSessionIds).toEqual([aliceSid, bobSid]);
    // Alice ↔ relay, and the relay's own connection to Bob.
    expect(s.connections).toHaveLength(2);
    expect(s.connections.some((c) => c.endsWith(`-127.0.0.1:${run.relayMsrpPort}`))).toBe(true);
    expect(s.connections.some((c) => c.endsWith(`-127.0.0.1:${run.bobMsrpPort}`))).toBe(true);
    const bulkMsg = s.messages.find((m) => m.messageId === 'msg-bulk-1')!;
    expect(bulkMsg).toMatchObject({ direction: 'fromTarget', size: bulk.length, sha256: sha256(bulk), chunks: 3, status: 'complete', reportStatuses: ['200'] });
    const bobMsg = s.messages.find((m) => m.messageId === 'msg-bob-1')!;
    expect(bobMsg).toMatchObject({ direction: 'toTarget', size: fromBob.length, sha256: sha256(fromBob), innerSha256: sha256('Hi Alice, relayed back to you'), status: 'complete' });
    expect(s.messages.map((m) => m.messageId).sort()).toEqual(['msg-bob-1', 'msg-bulk-1']);
  });

  it('SIP through the proxy (UDP one side, TCP the other): one dialog; an iMSMessage per SIP message and hop, establishment and release once; X3: every chunk on both legs; no byte of the other session anywhere', () => {
    const r = spawnSync('tshark', ['-r', pcap, '-Y', 'sip.Call-ID == "call-ab@relay.test"', '-T', 'fields', '-e', 'udp.srcport', '-e', 'udp.dstport', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'sip.CSeq'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const hops = r.stdout.split('\n').filter((l) => l !== '');
    // INVITE, 200, ACK, BYE, 200: each on the caller's side of the proxy (UDP) and on the
    // callee's (TCP, written by Kamailio one way and by the callee the other).
    expect(hops).toHaveLength(10);
    const udp = hops.filter((l) => l.split('\t')[0] !== '');
    const tcp = hops.filter((l) => l.split('\t')[2] !== '');
    expect(udp.filter((l) => l.split('\t').includes(String(ports.sip)))).toHaveLength(5);
    // Kamailio connects to the callee from a port of its own choosing.
    expect(tcp.filter((l) => l.split('\t').includes(String(run.bobSipPort)))).toHaveLength(5);
    expectChatOutputs(out);
  });
});
