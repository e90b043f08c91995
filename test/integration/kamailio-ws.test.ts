/**
 * The chat of kamailio-relay.test.ts (test/helpers/relay-chat.ts) with the callers as browser-like
 * WebSocket clients (the `ws` package): SIP over WebSocket (RFC 7118, subprotocol `sip`) to
 * Kamailio's websocket module, which proxies it to Bob over TCP, and MSRP over WebSocket (RFC
 * 7977, subprotocol `msrp`) to its msrp module, which relays it to Bob over TCP. The callers' MSRP
 * URIs have the `ws` transport and an `.invalid` host (RFC 7977 section 5.1), SDP `TCP/WS/MSRP`.
 * The same Kamailio also carries the plain-TCP chat; msrptap's audits of the two runs must be
 * the same, and tshark must see the same MSRP requests in both.
 *
 * Needs kamailio with its websocket module (Debian kamailio-websocket-modules), tcpdump (root)
 * and tshark. MSRPTAP_KEEP_TEST_DIR=1 keeps the captures and outputs (msrptap-kamws-* in tmp).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type Relay, type RelayPorts, relayConfig, relayTestBlocker, startKamailio } from '../helpers/kamailio-relay.js';
import { type Audit, comparable, expectChatOutputs, tapRun, tsharkMsrpRequests, tsharkSip, tsharkMsrpOptions } from '../helpers/relay-audit.js';
import { CHAT, type ChatRun, runRelayChat } from '../helpers/relay-chat.js';

const blocker = relayTestBlocker(['websocket', 'xhttp']);

describe.skipIf(blocker !== null)(`the relay chat over WebSocket (Kamailio websocket + msrp)${blocker !== null ? ` — skipped: ${blocker}` : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'msrptap-kamws-'));
  let relay: Relay | undefined;
  let ports: RelayPorts;
  let tcp: ChatRun;
  let ws: ChatRun;
  let tcpAudit: Audit;
  let wsAudit: Audit;

  beforeAll(async () => {
    ports = { msrp: await freePort(), sip: await freePort(), ws: await freePort() };
    relay = await startKamailio(dir, relayConfig(ports), ports.ws!);
    tcp = await runRelayChat('tcp', ports, dir, 'tcp');
    ws = await runRelayChat('ws', ports, dir, 'ws');
    const t = tapRun(tcp.pcap, join(dir, 'out-tcp'));
    const w = tapRun(ws.pcap, join(dir, 'out-ws'));
    expect(t.status, t.stderr).toBe(0);
    expect(w.status, w.stderr).toBe(0);
    tcpAudit = t.audit;
    wsAudit = w.audit;
  }, 60_000);

  afterAll(async () => {
    await relay?.stop();
    if (process.env.MSRPTAP_KEEP_TEST_DIR === undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('msrptap: the WebSocket run audits exactly like the TCP run (messages, sizes, hashes, chunks)', () => {
    for (const a of [tcpAudit, wsAudit]) {
      expect(a.anomalies).toEqual({});
      expect(a.uncorrelated).toEqual([]);
      expect(a.sessions).toHaveLength(1);
    }
    const [t] = tcpAudit.sessions;
    const [w] = wsAudit.sessions;
    expect(comparable(w!)).toEqual(comparable(t!));
    // Not vacuous: both messages, whole, with the hashes of what was sent.
    expect(t!.messages.map((m) => [m.messageId, m.size, m.chunks, m.status])).toEqual(
      expect.arrayContaining([
        ['msg-bulk-1', CHAT.bulk.length, 3, 'complete'],
        ['msg-bob-1', CHAT.fromBob.length, 1, 'complete'],
      ]),
    );
  });

  it('msrptap: the transports field says WebSocket for the caller legs, TCP for the relay to Bob', () => {
    expect(tcpAudit.sessions[0]!.transports).toBeUndefined();
    const w = wsAudit.sessions[0]!;
    expect(w.transports).toEqual(expect.arrayContaining(['sip/ws', 'sip/tcp', 'msrp/ws', 'msrp/tcp']));
    // Alice's WebSocket connection to the relay, and the relay's own TCP connection to Bob.
    expect(w.connections).toHaveLength(2);
    expect(w.connections.some((c) => c.endsWith(`-127.0.0.1:${ws.relayMsrpPort}`))).toBe(true);
    expect(w.connections.some((c) => c.endsWith(`-127.0.0.1:${ws.bobMsrpPort}`))).toBe(true);
  });

  it('msrptap: the same records and X3 as over TCP; no byte of the other session in any output', () => {
    expectChatOutputs(join(dir, 'out-tcp'));
    expectChatOutputs(join(dir, 'out-ws'));
  });

  it('tshark (websocket dissector) sees the same MSRP requests and the same SIP dialog in both captures', () => {
    const t = tsharkMsrpRequests(tcp.pcap);
    const w = tsharkMsrpRequests(ws.pcap, tsharkMsrpOptions(dir, { ws: true }));
    // Each leg: AUTH ×2, 3 bulk chunks, the REPORT, Bob's SEND, Carol's SEND.
    expect(t.filter((l) => l === 'SEND msg-bulk-1')).toHaveLength(6);
    expect(w).toEqual(t);
    // Without the subprotocol registered, tshark sees only the relay's TCP legs: the WebSocket
    // legs were really WebSocket.
    expect(tsharkMsrpRequests(ws.pcap).filter((l) => l === 'SEND msg-bulk-1')).toHaveLength(3);
    const sipT = tsharkSip(tcp.pcap, 'call-ab@relay.test');
    expect(sipT).toHaveLength(10);
    expect(tsharkSip(ws.pcap, 'call-ab@relay.test')).toEqual(sipT);
  });
});
