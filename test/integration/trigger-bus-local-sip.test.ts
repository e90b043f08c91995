/**
 * Issue 15, F2, end to end: `msrptap run --bus` on two taps against a real nats-server. The SIP
 * tap's capture has the target's dialog with the target's identity; the media tap's capture has
 * the same dialog as another hop shows it (the caller rewritten, RFC 3323 privacy), a second
 * non-target dialog, and the MSRP connection both sessions share. The trigger wins over the media
 * tap's local non-target view: its X3 carries the target's session only, under the SIP tap's XID
 * and correlation ID; the media tap writes no IRI of the local SIP, and nothing of the local hop's
 * identities or of the other session reaches any output (src/correlate/trigger-shadows.ts).
 * The captures are built here (SIP tap first, then the media tap: the offline path).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ethernetLink, ipv4Addr, sdpBody, sipMessage, TcpConversation, udpDatagram } from '../../samples/gen/lib/index.js';
import { PcapWriter } from '../../src/capture/pcap-writer.js';
import { LinkType } from '../../src/core/link-type.js';
import { decodeRecordFile } from '../../src/encode/index.js';
import { toHex } from '../../src/util/bytes.js';
import { A, B, CAROL, DAVE, MARK, sendFrame, T0, TARGET } from '../helpers/flow-bypass-scenario.js';
import { NatsServer, natsServerMissing } from '../helpers/nats-server.js';
import { runCli } from '../helpers/run-cli.js';
import { allOutputBytes } from '../helpers/x2x3-pdus.js';

const missing = natsServerMissing();
const XID = '0b8e6e0c-1111-4222-8333-444455556666';
/** The caller as the media tap's hop shows it: a non-target to that tap. */
const ANON = 'sip:anon-f2e7@privacy.example.net';
const TARGET_TEXT = 'TARGET-F2-TEXT-9d41';

/** IP packets with their capture times, written as one Ethernet pcap. */
class Capture {
  readonly packets: { ip: Uint8Array; sec: number; nsec: number }[] = [];
  private nsec = 0;
  /** Puts `ip` at T0 + `sec` (+ a microsecond per packet, so the order is kept). */
  at(sec: number): { put: (ip: Uint8Array) => void } {
    return {
      put: (ip) => {
        this.nsec += 1000;
        this.packets.push({ ip, sec: T0 + sec, nsec: this.nsec });
      },
    };
  }
  write(path: string): void {
    const chunks: Uint8Array[] = [];
    const w = new PcapWriter((b) => chunks.push(b.slice()), { linkType: LinkType.ETHERNET, nanosecond: true });
    const link = ethernetLink();
    for (const p of this.packets) w.packet(p.sec, p.nsec, link.wrap(p.ip));
    writeFileSync(path, Buffer.concat(chunks));
  }
}

const sdp = (host: string, port: number, sid: string): string =>
  sdpBody(['v=0', `o=- 1 1 IN IP4 ${host}`, 's=-', `c=IN IP4 ${host}`, 't=0 0', `m=message ${port} TCP/MSRP *`, 'a=accept-types:message/cpim text/plain', `a=path:msrp://${host}:${port}/${sid};tcp`]);

/** A dialog over UDP negotiating A:30000 ↔ B:2855 with `offerSid`/`answerSid`: set up at 1 s, released at `byeAt`. */
function dialog(c: Capture, callId: string, from: string, to: string, offerSid: string, answerSid: string, byeAt: number): void {
  const sip = (start: string, cseq: string, body = '', toTag = true): Uint8Array =>
    sipMessage(
      start,
      [
        ['Via', `SIP/2.0/UDP ${A}:5060;branch=z9hG4bK${callId}${cseq.replace(' ', '')}`],
        ['From', `<${from}>;tag=f1`],
        ['To', `<${to}>${toTag ? ';tag=t1' : ''}`],
        ['Call-ID', callId],
        ['CSeq', cseq],
        ...(body !== '' ? [['Content-Type', 'application/sdp'] as [string, string]] : []),
        ['Content-Length', String(Buffer.byteLength(body))],
      ],
      body,
    );
  const a = ipv4Addr(A);
  const b = ipv4Addr(B);
  const up = (payload: Uint8Array) => udpDatagram({ src: a, dst: b, srcPort: 5060, dstPort: 5060, payload }).ip;
  const down = (payload: Uint8Array) => udpDatagram({ src: b, dst: a, srcPort: 5060, dstPort: 5060, payload }).ip;
  c.at(1).put(up(sip(`INVITE ${to} SIP/2.0`, '1 INVITE', sdp(A, 30000, offerSid), false)));
  c.at(1).put(down(sip('SIP/2.0 200 OK', '1 INVITE', sdp(B, 2855, answerSid))));
  c.at(1).put(up(sip(`ACK ${to} SIP/2.0`, '1 ACK')));
  c.at(byeAt).put(up(sip(`BYE ${to} SIP/2.0`, '2 BYE')));
  c.at(byeAt).put(down(sip('SIP/2.0 200 OK', '2 BYE')));
}

interface Pdu {
  readonly type: number;
  readonly xid: string;
  readonly correlationId: string;
  readonly payload: Buffer;
}

function pdusOf(out: string): Pdu[] {
  const list: Pdu[] = [];
  if (!existsSync(out)) return list;
  for (const d of readdirSync(out)) {
    const f = join(out, d, 'x2x3.pdu');
    if (!statSync(join(out, d)).isDirectory() || !existsSync(f)) continue;
    const dec = decodeRecordFile(readFileSync(f));
    if (dec.kind !== 'x2x3') throw new Error(`${f} is not x2x3`);
    for (const { pdu } of dec.items) list.push({ type: pdu.pduType, xid: pdu.xid, correlationId: toHex(pdu.correlationId), payload: Buffer.from(pdu.payload) });
  }
  return list;
}

describe.skipIf(missing !== undefined)(`run --bus: the trigger wins over a media tap's local non-target SIP${missing !== undefined ? ` (skipped: ${missing})` : ''}`, () => {
  let server: NatsServer;
  const dir = mkdtempSync(join(tmpdir(), 'msrptap-f2-'));
  beforeAll(async () => {
    server = await NatsServer.start();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the media tap records the X3 of exactly the triggered session under the SIP tap’s XID and correlation ID; no IRI of its local SIP', () => {
    const tasks = join(dir, 'tasks.json');
    writeFileSync(tasks, JSON.stringify({ tasks: [{ xid: XID, liid: 'LIID-F2', targetIdentifiers: [{ sipUri: TARGET }], deliveryType: 'X2andX3' }] }));
    // The SIP tap: the target's identity on its hop.
    const sipCap = new Capture();
    dialog(sipCap, 'f2-call-1', TARGET, DAVE, 'sidT', 'sidP', 5);
    sipCap.write(join(dir, 'sip.pcap'));
    // The media tap: the same dialog with the caller rewritten, another (non-target) dialog, the shared MSRP connection.
    const media = new Capture();
    dialog(media, 'f2-call-1', ANON, DAVE, 'sidT', 'sidP', 5);
    dialog(media, 'f2-call-2', CAROL, DAVE, 'sidC', 'sidD', 5);
    const conn = new TcpConversation({ client: { addr: ipv4Addr(A), port: 30000, isn: 1000 }, server: { addr: ipv4Addr(B), port: 2855, isn: 9000 } });
    for (const s of conn.handshake()) media.at(2).put(s.ip);
    for (const s of conn.send('c2s', sendFrame('sidT', 'sidP', 'm1', TARGET, DAVE, TARGET_TEXT))) media.at(2).put(s.ip);
    for (const s of conn.send('c2s', sendFrame('sidC', 'sidD', 'o1', CAROL, DAVE, MARK))) media.at(3).put(s.ip);
    media.packets.sort((x, y) => x.sec - y.sec || x.nsec - y.nsec);
    media.write(join(dir, 'media.pcap'));

    const bus = ['--bus', server.url, '--bus-insecure', '--tasks', tasks];
    const a = runCli(['run', '-r', join(dir, 'sip.pcap'), '--out', join(dir, 'out-sip'), '--tap-id', 'tap-sip', '--bus-grace', '0', ...bus]);
    expect(a.status, a.stderr).toBe(0);
    const b = runCli(['run', '-r', join(dir, 'media.pcap'), '--out', join(dir, 'out-media'), '--tap-id', 'tap-media', '--bus-grace', '0', ...bus]);
    expect(b.status, b.stderr).toBe(0);

    const sipPdus = pdusOf(join(dir, 'out-sip'));
    const x2 = sipPdus.filter((p) => p.type === 1);
    expect(x2.length).toBeGreaterThan(0);
    expect(sipPdus.filter((p) => p.type === 2)).toEqual([]);
    const corr = x2[0]!.correlationId;
    const mediaPdus = pdusOf(join(dir, 'out-media'));
    const x3 = mediaPdus.filter((p) => p.type === 2);
    expect(x3.length).toBe(1);
    expect(x3[0]!.xid).toBe(XID);
    expect(x3[0]!.correlationId).toBe(corr);
    expect(x3[0]!.payload.includes(TARGET_TEXT)).toBe(true);
    // Its X2 are the MSRP-level records only (rCSMessage), continuing the SIP tap's sequence: never a SIP message of its hop.
    for (const p of mediaPdus) expect(p.correlationId).toBe(corr);
    const out = allOutputBytes(join(dir, 'out-media'));
    for (const never of [MARK, 'anon-f2e7', 'f2-call-1', 'f2-call-2', 'INVITE', CAROL]) expect(out.includes(never), never).toBe(false);
    expect(allOutputBytes(join(dir, 'out-sip')).includes(MARK)).toBe(false);
  });
});
