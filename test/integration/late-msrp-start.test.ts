/**
 * A tap that joins a target's file transfer mid-way, 20 KB inside a 64 KiB chunk (live start,
 * restart, capture started late: no SYN), end to end through `msrptap run`: the MSRP start line
 * of the next chunk lies past the classifier's first-bytes window, yet the direction is still
 * recognised as MSRP there; the later chunks and the next message are recorded (X3), and the
 * audit says what was missed: the file's message is incomplete with its first chunk missing, and
 * `msrp.late_stream_start` is counted, in the run's and the session's anomalies.
 *
 * The capture is built here with the scenario generators (samples/gen), not kept as a sample.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCaptureFile } from '../../src/capture/capture-file.js';
import { PcapWriter } from '../../src/capture/pcap-writer.js';
import { AnomalyCounter } from '../../src/core/anomaly.js';
import { decodeFrame } from '../../src/decode/decode-frame.js';
import { createDecodedPacket } from '../../src/decode/decoded-packet.js';
import { decodeRecordFile } from '../../src/encode/index.js';
import { PduType } from '../../src/encode/x2x3/x2x3-constants.js';
import { dialogFor } from '../../samples/gen/scenarios/chat-scenarios.js';
import { cpimText, establish, hangUp, PCSCF, say, SCENARIO_T0, SCSCF, ue, udpPath } from '../../samples/gen/scenarios/common.js';
import { msrpSdp, msrpUri } from '../../samples/gen/scenarios/ims-sip.js';
import { MsrpLeg, MsrpRoute, Scenario, SipUdpLink, type ScenarioResult } from '../../samples/gen/scenarios/wire.js';
import { liidOutputs } from '../helpers/file-tree.js';
import { runCli } from '../helpers/run-cli.js';

const CHUNK = 64 * 1024;
/** Where the tap joins the MSRP connection: this far into its client's byte stream. */
const JOIN_AT = 20_000;
const MSRP_PORT = 50_777;

function fileThenChat(): ScenarioResult {
  const sc = new Scenario('late-msrp-start', 'lateMsrpStart', 'file transfer joined mid-chunk', { startSec: SCENARIO_T0, seed: 0x1a7e_0001 });
  const alice = ue('alice', 'Alice', '10.20.0.11', 49152);
  const bob = ue('bob', 'Bob', '10.20.1.22', 2855);
  sc.task('LIID-LATE', [{ sipUri: alice.impu }]);
  const dialog = dialogFor(sc, alice, bob, 'UDP');
  const aliceSid = sc.token(12);
  const bobSid = sc.token(12);
  const aliceUri = msrpUri(alice.ip, alice.msrpPort, aliceSid);
  const bobUri = msrpUri(bob.ip, bob.msrpPort, bobSid);
  const offer = msrpSdp({ ip: alice.ip, port: alice.msrpPort, path: [aliceUri], setup: 'active', sessionVersion: 3_900_000_201 });
  const answer = msrpSdp({ ip: bob.ip, port: bob.msrpPort, path: [bobUri], setup: 'passive', sessionVersion: 3_900_000_202 });
  const sip = udpPath(new SipUdpLink(sc, PCSCF, SCSCF));
  establish(sc, { dialog, sip, offer, answer, session: null, offerSid: aliceSid, answerSid: bobSid });
  const leg = new MsrpLeg(sc, { ip: alice.ip, port: MSRP_PORT }, { ip: bob.ip, port: bob.msrpPort });
  leg.open();
  const fwd = new MsrpRoute([aliceUri, bobUri], [{ leg, dir: 'c2s' }]);
  // 160 KiB of bytes that never hold a line starting "MSRP ": three chunks (64, 64, 32 KiB).
  const file = new Uint8Array(160 * 1024);
  for (let i = 0; i < file.length; i++) file[i] = 0x21 + ((i * 31) % 90);
  say(sc, fwd, null, { contentType: 'application/octet-stream', body: file }, { chunkSizes: [CHUNK, CHUNK, 32 * 1024], successReport: 'no', thinkMs: 500 });
  say(sc, fwd, null, cpimText(sc, alice.impu, bob.impu, 'Did the file arrive?'), { successReport: 'no', thinkMs: 900 });
  leg.close('c2s');
  hangUp(sc, { dialog, sip, session: null, fromCaller: true });
  return sc.result();
}

/**
 * The capture as a tap that joins the MSRP connection late sees it: none of its frames (the
 * handshake included) before the client's segment that holds stream byte JOIN_AT.
 */
function joinedLate(pcap: string): Uint8Array {
  const parts: Uint8Array[] = [];
  const r = openCaptureFile(pcap, 0, new AnomalyCounter());
  let w: PcapWriter | null = null;
  const pkt = createDecodedPacket();
  let isn = -1;
  let joined = false;
  for (let f = r.next(); f !== null; f = r.next()) {
    w ??= new PcapWriter((b) => parts.push(b.slice()), { linkType: f.linkType });
    decodeFrame(f, pkt, new AnomalyCounter());
    const onLeg = pkt.l4 === 6 && (pkt.srcPort === MSRP_PORT || pkt.dstPort === MSRP_PORT);
    if (onLeg && !joined) {
      if (pkt.srcPort === MSRP_PORT && (pkt.tcpFlags & 0x02) !== 0) isn = pkt.tcpSeq;
      const off = (pkt.tcpSeq - isn - 1) >>> 0;
      if (pkt.srcPort !== MSRP_PORT || pkt.payload.length === 0 || off + pkt.payload.length <= JOIN_AT) continue;
      joined = true;
    }
    w.packet(f.tsSec, f.tsNsec, f.data.subarray(0, f.capLen), f.origLen);
  }
  return Buffer.concat(parts);
}

/** The parts of audit.json read here (src/records/audit-report-schema.ts). */
interface AuditShape {
  anomalies: Record<string, number>;
  sessions: { anomalies?: Record<string, number>; messages: { status: string; missing?: { start: number; end: number | '*' }[] }[] }[];
}

describe('run: a target file transfer joined 20 KB inside a 64 KiB chunk', () => {
  it('records the later chunks and the next message, and the audit shows what was missed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrptap-late-msrp-'));
    const sc = fileThenChat();
    const whole = join(dir, 'whole.pcap');
    writeFileSync(whole, sc.capture.bytes());
    const pcap = join(dir, 'in.pcap');
    writeFileSync(pcap, joinedLate(whole));
    const tasks = join(dir, 'tasks.json');
    writeFileSync(tasks, JSON.stringify(sc.tasks));
    const out = join(dir, 'out');
    const r = runCli(['run', '-r', pcap, '--tasks', tasks, '--out', out]);
    expect(r.status, r.stderr).toBe(0);

    // Four SENDs on the wire: three chunks of the file, then the chat message.
    expect(sc.wire.sends.map((s) => s.byteRange)).toEqual([`1-${CHUNK}/163840`, `${CHUNK + 1}-${2 * CHUNK}/163840`, `${2 * CHUNK + 1}-163840/163840`, expect.stringMatching(/^1-\d+\/\d+$/)]);
    const files = liidOutputs(out).get('LIID-LATE');
    expect(files).toBeDefined();
    const d = decodeRecordFile(files!.get('x2x3.pdu')!);
    if (d.kind !== 'x2x3') throw new Error('not x2x3');
    const x3 = d.items.filter((it) => it.pdu.pduType === PduType.X3).map((it) => Buffer.from(it.pdu.payload).toString('latin1'));
    // The chunk the tap joined inside is lost; every SEND after it is recorded.
    for (const s of sc.wire.sends.slice(1)) expect(x3.filter((p) => p.includes(`Byte-Range: ${s.byteRange}`) && p.includes(`Message-ID: ${s.messageId}`))).toHaveLength(1);
    expect(x3.some((p) => p.includes(`Byte-Range: ${sc.wire.sends[0]!.byteRange}`))).toBe(false);

    const audit = JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as AuditShape;
    expect(audit.anomalies['msrp.late_stream_start']).toBe(1);
    expect(audit.sessions).toHaveLength(1);
    const session = audit.sessions[0]!;
    expect(session.messages.map((m) => [m.status, m.missing])).toEqual([
      ['incomplete', [{ start: 1, end: CHUNK }]],
      ['complete', []],
    ]);
    expect(session.anomalies?.['msrp.late_stream_start']).toBe(1);
  });
});
