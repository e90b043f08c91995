/**
 * Caps degrade, never blind (issue 12), end to end through `msrptap run` and `audit`: the
 * target's INVITE carries 300 junk headers before From/To/Call-ID (SIP/UDP, in IP fragments), or is over 1 MiB
 * (junk headers and a multipart body with a 1.2 MB part, SIP/TCP). Either way the target's
 * session is intercepted (X2 and one X3 per MSRP SEND), the anomaly is in the audit, and stderr
 * ends with the warning line that counts what may have hidden traffic.
 *
 * The captures are built here with the scenario generators (samples/gen), not kept as samples.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRecordFile } from '../../src/encode/index.js';
import { PduType } from '../../src/encode/x2x3/x2x3-constants.js';
import { cpimText, establish, hangUp, PCSCF, say, SCENARIO_T0, SCSCF, ue, type SipPath } from '../../samples/gen/scenarios/common.js';
import { dialogFor } from '../../samples/gen/scenarios/chat-scenarios.js';
import { msrpSdp, msrpUri, type SipMsg } from '../../samples/gen/scenarios/ims-sip.js';
import { MsrpLeg, MsrpRoute, Scenario, SipTcpLink, SipUdpLink, type ScenarioResult } from '../../samples/gen/scenarios/wire.js';
import { multipartBody } from '../../samples/gen/lib/index.js';
import { eventsNamed } from '../helpers/log-events.js';
import { runCli } from '../helpers/run-cli.js';

/** The INVITE with `n` junk header lines right after its request line (before Via/From/To/Call-ID). */
function withJunkHeaders(m: SipMsg, n: number): SipMsg {
  const b = Buffer.from(m.bytes);
  const eol = b.indexOf('\r\n') + 2;
  const junk = Array.from({ length: n }, (_, i) => `X-Junk-${i}: ${'j'.repeat(40)}\r\n`).join('');
  return { ...m, bytes: Buffer.concat([b.subarray(0, eol), Buffer.from(junk, 'latin1'), b.subarray(eol)]) };
}

/** SIP over TCP in segments of at most 1400 bytes (the 1 MiB INVITE spans hundreds). */
function segmentedTcpPath(link: SipTcpLink): SipPath {
  return {
    send: (fromCaller, m, o) => {
      const cuts: number[] = [];
      for (let c = 1400; c < m.bytes.length; c += 1400) cuts.push(c);
      const t = link.send(fromCaller, [m], { ...o, cuts });
      return t[0]!;
    },
  };
}

function hostileInviteChat(transport: 'UDP' | 'TCP'): ScenarioResult {
  const sc = new Scenario(`sip-caps-${transport}`, 'sipCapsE2e', 'target INVITE beyond the SIP caps', { startSec: SCENARIO_T0, seed: transport === 'UDP' ? 0xca95_0001 : 0xca95_0002 });
  const alice = ue('alice', 'Alice', '10.20.0.11', 49152);
  const bob = ue('bob', 'Bob', '10.20.1.22', 2855);
  const task = sc.task('LIID-CAPS-1', [{ sipUri: alice.impu }]);
  let base: SipPath;
  let tcp: SipTcpLink | null = null;
  if (transport === 'UDP') {
    // The 17 KB INVITE travels in IPv4 fragments (MTU 1500), as a real one would.
    const link = new SipUdpLink(sc, PCSCF, SCSCF);
    base = { send: (fromCaller, m, o) => link.send(fromCaller, m, { ...o, ...(m.label === 'INVITE' ? { fragment: { size: 1480, id: 0x1234 } } : {}) }) };
  } else {
    tcp = new SipTcpLink(sc, PCSCF, SCSCF);
    tcp.open();
    base = segmentedTcpPath(tcp);
  }
  const sip: SipPath = { send: (fromCaller, m, o) => base.send(fromCaller, m.label === 'INVITE' ? withJunkHeaders(m, 300) : m, o) };
  const dialog = dialogFor(sc, alice, bob, transport);
  const session = sc.book.session(dialog.callId, task, alice.impu);
  const aliceSid = sc.token(12);
  const bobSid = sc.token(12);
  const aliceUri = msrpUri(alice.ip, alice.msrpPort, aliceSid);
  const bobUri = msrpUri(bob.ip, bob.msrpPort, bobSid);
  const sdp = msrpSdp({ ip: alice.ip, port: alice.msrpPort, path: [aliceUri], setup: 'active', sessionVersion: 3_900_000_001 });
  const answer = msrpSdp({ ip: bob.ip, port: bob.msrpPort, path: [bobUri], setup: 'passive', sessionVersion: 3_900_000_002 });
  // Over TCP the offer travels next to a 1.2 MB part (RFC 5621), which makes the INVITE > 1 MiB.
  const offer =
    transport === 'UDP'
      ? sdp
      : multipartBody('caps-boundary', [
          { headers: [['Content-Type', 'application/octet-stream']], body: new Uint8Array(1_200_000).fill(0x42) },
          { headers: [['Content-Type', 'application/sdp']], body: Buffer.from(sdp) },
        ]);
  establish(sc, { dialog, sip, offer, ...(transport === 'TCP' ? { offerType: 'multipart/mixed;boundary=caps-boundary' } : {}), answer, session, offerSid: aliceSid, answerSid: bobSid });
  const leg = new MsrpLeg(sc, { ip: alice.ip, port: 50_123 }, { ip: bob.ip, port: bob.msrpPort });
  leg.open();
  leg.attach(session);
  const fwd = new MsrpRoute([aliceUri, bobUri], [{ leg, dir: 'c2s' }]);
  say(sc, fwd, { session, direction: 'fromTarget' }, cpimText(sc, alice.impu, bob.impu, 'Hello Bob, see you at noon.'), { successReport: 'no', thinkMs: 900 });
  say(sc, fwd.reverse(), { session, direction: 'toTarget' }, cpimText(sc, bob.impu, alice.impu, 'Noon it is.'), { successReport: 'no', thinkMs: 1200 });
  leg.close('c2s');
  hangUp(sc, { dialog, sip, session, fromCaller: true });
  if (tcp !== null) tcp.close();
  return sc.result();
}

/** The codes of the `anomalies.may_hide_target` event (src/pipeline/log-hidden-traffic.ts). */
function hiddenTrafficCodes(stderr: string): Record<string, number> | undefined {
  return eventsNamed(stderr, 'anomalies.may_hide_target')[0]?.codes as Record<string, number> | undefined;
}

describe.each([
  { transport: 'UDP' as const, code: 'sip.too_many_headers' },
  { transport: 'TCP' as const, code: 'sip.message_too_large' },
])('run and audit: the target INVITE is beyond the SIP caps ($transport)', ({ transport, code }) => {
  const dir = mkdtempSync(join(tmpdir(), `msrptap-sipcaps-${transport}-`));
  const sc = hostileInviteChat(transport);
  const pcap = join(dir, 'in.pcap');
  const tasks = join(dir, 'tasks.json');
  writeFileSync(pcap, sc.capture.bytes());
  writeFileSync(tasks, JSON.stringify(sc.tasks));

  it('intercepts the session: X2 records and one X3 per MSRP SEND; the warning line names the cap', () => {
    if (transport === 'TCP') expect(readFileSync(pcap).length).toBeGreaterThan(1 << 20);
    const out = join(dir, 'out');
    const r = runCli(['run', '-r', pcap, '--tasks', tasks, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const audit = JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as { sessions: { callId: string; liid: string; msrpSessionIds: string[]; messages: { messageId: string }[] }[]; anomalies: Record<string, number> };
    expect(audit.sessions).toHaveLength(1);
    const truth = sc.truth.sessions[0]!;
    expect(audit.sessions[0]).toMatchObject({ callId: truth.callId, liid: 'LIID-CAPS-1', msrpSessionIds: truth.msrpSessionIds });
    expect(audit.sessions[0]!.messages.map((m) => m.messageId)).toEqual(truth.messages.map((m) => m.messageId));
    expect(audit.anomalies[code]).toBe(1);

    const d = decodeRecordFile(readFileSync(join(out, 'LIID-CAPS-1', 'x2x3.pdu')));
    if (d.kind !== 'x2x3') throw new Error('not x2x3');
    const x2 = d.items.filter((it) => it.pdu.pduType === PduType.X2);
    const x3 = d.items.filter((it) => it.pdu.pduType === PduType.X3);
    expect(x2.length).toBeGreaterThan(0);
    expect(x3).toHaveLength(sc.wire.sends.length);
    const payloads = x3.map((it) => Buffer.from(it.pdu.payload).toString('latin1'));
    for (const s of sc.wire.sends) expect(payloads.some((p) => p.includes(`Message-ID: ${s.messageId}`))).toBe(true);

    expect(hiddenTrafficCodes(r.stderr)?.[code], r.stderr).toBe(1);
    expect(r.stderr).not.toContain('alice');
  });

  it('audit lists the session and prints the same warning line', () => {
    const r = runCli(['audit', '-r', pcap, '--tasks', tasks, '--json', join(dir, 'audit.json')]);
    expect(r.status, r.stderr).toBe(0);
    const audit = JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8')) as { sessions: unknown[]; anomalies: Record<string, number> };
    expect(audit.sessions).toHaveLength(1);
    expect(audit.anomalies[code]).toBe(1);
    expect(hiddenTrafficCodes(r.stderr)?.[code], r.stderr).toBe(1);
  });
});
