/**
 * Issue 16, capture layer, end to end through the packet pipeline, the analyzers and the
 * correlator: real public captures (../shared/testdata/public, PROVENANCE.md) that lost SIP
 * before (LINKTYPE 12, IP-in-IP), and built packets for the stats of tunnels and of IP
 * protocols msrptap does not decode. Expected SIP messages come from tshark when it is there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppAnalyzers } from '../../../src/analyzers/app-analyzers.js';
import type { AppEventSink } from '../../../src/analyzers/app-event-sink.js';
import { PcapWriter } from '../../../src/capture/pcap-writer.js';
import { concatBytes } from '../../../src/util/bytes.js';
import { describe, expect, it } from 'vitest';
import { openCaptureFile } from '../../../src/capture/capture-file.js';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { LinkType } from '../../../src/core/link-type.js';
import { decodeX2X3Pdu, encodeX2X3Record } from '../../../src/encode/index.js';
import { parseTasksFile } from '../../../src/correlate/tasks-file.js';
import { formatIp } from '../../../src/decode/format-ip.js';
import { InterceptPipeline } from '../../../src/pipeline/intercept-pipeline.js';
import { PacketPipeline } from '../../../src/pipeline/packet-pipeline.js';
import type { LiRecord } from '../../../src/records/li-record.js';
import { hasProgram } from '../../helpers/has-program.js';
import { controlChunk, dataChunk, ipv4, ipv6, sctp, textBytes, udp } from '../../helpers/packet-builders.js';

const PUB = resolve(import.meta.dirname, '../../../../shared/testdata/public');
const hasTshark = hasProgram('tshark');

/** Runs a public capture with its tasks file through the whole interception chain. */
function intercept(pcap: string, tasks: string): { records: LiRecord[]; p: InterceptPipeline } {
  const records: LiRecord[] = [];
  const p = new InterceptPipeline({ tasks: parseTasksFile(JSON.parse(readFileSync(join(PUB, 'tasks', tasks), 'utf8')), tasks), onRecord: (r) => records.push(r) });
  const r = openCaptureFile(join(PUB, pcap), 0, p.anomalies);
  for (let f = r.next(); f !== null; f = r.next()) p.frame(f);
  r.close();
  p.finish();
  return { records, p };
}

/** "frameNo src > dst first-line" of the iMSMessage records. */
function sipRows(records: LiRecord[]): string[] {
  return records
    .filter((r) => r.kind === 'iri' && r.event.kind === 'iMSMessage')
    .map((r) => {
      const e = r.event as { sip: { raw: Uint8Array } };
      const n = r.network;
      return `${n.frameNo} ${formatIp(n.srcAddr)}:${n.srcPort} > ${formatIp(n.dstAddr)}:${n.dstPort} ${Buffer.from(e.sip.raw).toString('latin1').split('\r\n', 1)[0]}`;
    })
    .sort();
}

/** The same rows as tshark decodes the capture (innermost IP, TCP or UDP ports). */
function tsharkSipRows(pcap: string, portField: 'tcp' | 'udp' | 'sctp'): string[] {
  const out = execFileSync(
    'tshark',
    [
      '-n',
      '-r',
      join(PUB, pcap),
      '-Y',
      'sip',
      '-T',
      'fields',
      '-E',
      'occurrence=l',
      '-E',
      'separator=|',
      '-e',
      'frame.number',
      '-e',
      'ip.src',
      '-e',
      `${portField}.srcport`,
      '-e',
      'ip.dst',
      '-e',
      `${portField}.dstport`,
      '-e',
      'sip.Request-Line',
      '-e',
      'sip.Status-Line',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [n, s, sp, d, dp, req, st] = l.split('|') as string[];
      return `${n} ${s}:${sp} > ${d}:${dp} ${req !== '' ? req : st}`;
    })
    .sort();
}

describe.skipIf(!existsSync(join(PUB, 'sngrep-ipip.pcap')))('sngrep-ipip.pcap: asymmetric IPv4-in-IPv4 on one SIP/TCP connection', () => {
  it('the 183 and 200 with SDP inside IP-in-IP become records, and the tunnel is counted', () => {
    const { records, p } = intercept('sngrep-ipip.pcap', 'sngrep-ipip.tasks.json');
    const rows = sipRows(records);
    expect(rows.map((r) => r.replace(/^.* > \S+ /, '')).sort()).toEqual(
      ['INVITE sip:1bdaa608131517540001@172.28.1.3;transport=tcp SIP/2.0', 'SIP/2.0 183 Ringing', 'SIP/2.0 200 OK', 'BYE sip:1bdaa608131517540001@172.28.1.3;transport=tcp SIP/2.0'].sort(),
    );
    if (hasTshark) expect(rows).toEqual(tsharkSipRows('sngrep-ipip.pcap', 'tcp'));
    const stats = p.packets.toJSON([]);
    expect(stats.tunnels).toEqual({ 'ipv4-in-ip': 2 });
    expect(stats.ipProtocolsNotDecoded).toEqual({});
    expect(stats.anomalies['tcp.gap'] ?? 0).toBe(0);
  });
});

describe.skipIf(!existsSync(join(PUB, 'ng911dev-CHFE_9_pass_all_fields.pcap')))('ng911dev CHFE_9: LINKTYPE 12 (DLT_RAW) capture file', () => {
  it('every SIP message of the target is a record, none is link.unsupported_type', () => {
    const { records, p } = intercept('ng911dev-CHFE_9_pass_all_fields.pcap', 'ng911-chfe9.tasks.json');
    const stats = p.packets.toJSON([]);
    expect(stats.linkTypes).toEqual({ RAW_12: 119 });
    expect(stats.anomalies['link.unsupported_type']).toBeUndefined();
    const rows = sipRows(records);
    expect(rows.length).toBeGreaterThanOrEqual(3); // INVITE, ACK, BYE at least (PROVENANCE.md)
    if (hasTshark) expect(rows).toEqual(tsharkSipRows('ng911dev-CHFE_9_pass_all_fields.pcap', 'tcp'));
  });
});

describe.skipIf(!existsSync(join(PUB, 'heplify-sip_sctp.pcap')))('heplify-sip_sctp.pcap: SIP over SCTP (RFC 4168), a fragmented INVITE', () => {
  it('every SIP message becomes a record with IP protocol 132, the INVITE reassembled from two DATA fragments', () => {
    const { records, p } = intercept('heplify-sip_sctp.pcap', 'heplify-sctp.tasks.json');
    const rows = sipRows(records.filter((r) => r.task.liid === 'LIID-PUB-1'));
    expect(rows.map((r) => r.replace(/^(\d+) .* > \S+ (\S+ \S+).*$/, '$1 $2'))).toEqual(['2 INVITE sip:9275890000@VMSSM;user=phone', '3 SIP/2.0 100', '4 SIP/2.0 403', '5 ACK sip:9275890000@VMSSM;user=phone']);
    if (hasTshark) expect(rows).toEqual(tsharkSipRows('heplify-sip_sctp.pcap', 'sctp'));
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) {
      expect(r.network.ipProto).toBe(132);
      // The transport reaches X2 as conditional attribute 16 (IP protocol, TS 103 221-2).
      const d = decodeX2X3Pdu(encodeX2X3Record(r, 1));
      if (!d.ok) throw new Error(d.error.code);
      expect(d.value.pdu.attributes.filter((a) => a.kind === 'ipProtocol')).toEqual([{ kind: 'ipProtocol', protocol: 132 }]);
    }
    const invite = records.find((r) => r.kind === 'iri' && r.event.kind === 'iMSMessage') as { event: { sip: { raw: Uint8Array } } } | undefined;
    expect(invite!.event.sip.raw.length).toBe(1452 + 312); // both fragments (tshark: "Reassembled SCTP Fragments (1764 bytes)")
    const stats = p.packets.toJSON([]);
    expect(stats).toMatchObject({ sctpPackets: 5, sctpMessages: 4, ipProtocolsNotDecoded: {} });
    expect(stats.anomalies).toEqual({});
  });
});

describe('PacketPipeline stats: tunnels and IP protocols not decoded', () => {
  const sip = udp(5060, 5060, textBytes('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r\n'));
  const feed = (frames: Uint8Array[]): { p: PacketPipeline; udpSeen: string[] } => {
    const udpSeen: string[] = [];
    const p = new PacketPipeline({
      anomalies: new AnomalyCounter(),
      udp: (pkt) => {
        udpSeen.push(`${formatIp(pkt.src)}>${formatIp(pkt.dst)}:${pkt.dstPort}`);
      },
    });
    for (const [i, data] of frames.entries()) p.frame({ frameNo: i + 1, tsSec: 1_700_000_000, tsNsec: i, linkType: LinkType.RAW, capLen: data.length, origLen: data.length, data, interfaceId: 0, source: 0 });
    p.finish();
    return { p, udpSeen };
  };

  it('counts each tunnel kind, hands on the inner UDP, and counts undecoded protocols by number', () => {
    const inner4 = ipv4({ proto: 17, payload: sip, src: '192.168.0.1', dst: '192.168.0.2' });
    const inner6 = ipv6({ nextHeader: 17, payload: sip, src: 'fd00::1', dst: 'fd00::2' });
    const { p, udpSeen } = feed([
      ipv4({ proto: 4, payload: inner4 }),
      ipv4({ proto: 41, payload: inner6 }),
      ipv6({ nextHeader: 4, payload: inner4 }),
      ipv4({ proto: 1, payload: new Uint8Array(8) }), // ICMP
      ipv4({ proto: 50, payload: new Uint8Array(16) }), // ESP
      ipv6({ nextHeader: 58, payload: new Uint8Array(8) }), // ICMPv6
      ipv4({ proto: 4, payload: ipv4({ proto: 89, payload: new Uint8Array(4) }) }), // OSPF inside IP-in-IP
      ipv4({ proto: 1, payload: new Uint8Array(8) }),
    ]);
    expect(udpSeen).toEqual(['192.168.0.1>192.168.0.2:5060', 'fd00::1>fd00::2:5060', '192.168.0.1>192.168.0.2:5060']);
    const s = p.toJSON([]);
    expect(s.tunnels).toEqual({ 'ipv4-in-ip': 3, 'ipv6-in-ip': 1 });
    expect(s.ipProtocolsNotDecoded).toEqual({ '1': 2, '50': 1, '58': 1, '89': 1 });
    expect(s.anomalies).toEqual({});
  });

  it('a fragmented carrier is reassembled, then decapsulated', () => {
    const inner = ipv4({ proto: 17, payload: udp(5060, 5060, textBytes(`OPTIONS sip:a@b SIP/2.0\r\nX: ${'x'.repeat(100)}\r\n\r\n`)), src: '192.168.0.1', dst: '192.168.0.2' });
    const cut = 64;
    const { p, udpSeen } = feed([ipv4({ proto: 4, payload: inner.subarray(0, cut), mf: true, id: 7 }), ipv4({ proto: 4, payload: inner.subarray(cut), fragOffset: cut, id: 7 })]);
    expect(udpSeen).toEqual(['192.168.0.1>192.168.0.2:5060']);
    expect(p.toJSON([]).ipProtocolsNotDecoded).toEqual({});
  });
});

describe('SIP over SCTP in built packets: fragmented, bundled, retransmitted, reordered', () => {
  const sip = (first: string, n: number, pad: number): Uint8Array =>
    textBytes(
      `${first}\r\nVia: SIP/2.0/SCTP 10.0.0.1:5060;branch=z9hG4bK${n}\r\nFrom: <sip:alice@a.example>;tag=1\r\nTo: <sip:bob@b.example>\r\nCall-ID: c${n}@a\r\nCSeq: 1 ${first.split(' ', 1)[0]}\r\nX-Pad: ${'p'.repeat(pad)}\r\nContent-Length: 0\r\n\r\n`,
    );
  const invite = sip('INVITE sip:bob@b.example SIP/2.0', 1, 2500);
  const options = sip('OPTIONS sip:bob@b.example SIP/2.0', 2, 10);
  const message = sip('MESSAGE sip:bob@b.example SIP/2.0', 3, 10);
  const pkt = (...chunks: Uint8Array[]): Uint8Array => ipv4({ proto: 132, src: '10.0.0.1', dst: '10.0.0.2', payload: sctp({ sport: 5060, dport: 5060, vtag: 9 }, ...chunks) });
  const [a, b, c] = [invite.subarray(0, 1000), invite.subarray(1000, 2000), invite.subarray(2000)];
  /** In TSN order: the INVITE in three fragments (the first retransmitted), its last one bundled with two whole messages, one retransmitted. */
  const inOrder = [
    pkt(controlChunk(3, new Uint8Array(12)), dataChunk({ tsn: 8, data: a, frag: 'B' })),
    pkt(dataChunk({ tsn: 8, data: a, frag: 'B' })),
    pkt(dataChunk({ tsn: 9, data: b, frag: '' })),
    pkt(dataChunk({ tsn: 10, data: c, frag: 'E' }), dataChunk({ tsn: 11, data: options }), dataChunk({ tsn: 12, data: message, stream: 1 })),
    pkt(dataChunk({ tsn: 11, data: options })),
  ];

  /** First lines of the SIP messages the analyzers hand on, with the IP protocol they carry. */
  function sipSeen(frames: Uint8Array[]): string[] {
    const seen: string[] = [];
    const sink: AppEventSink = {
      sip: (msg, where) => seen.push(`${where.ipProto} ${Buffer.from(msg.raw).toString('latin1').split('\r\n', 1)[0]} ${msg.raw.length}`),
      msrpStream: () => ({ frame: () => {} }) as never,
      tick: () => {},
      finish: () => {},
    };
    const anomalies = new AnomalyCounter();
    const an = new AppAnalyzers(sink, anomalies);
    const p = new PacketPipeline({ anomalies, sctp: an, tcpConsumers: an });
    for (const [i, data] of frames.entries()) p.frame({ frameNo: i + 1, tsSec: 1_700_000_000, tsNsec: i, linkType: LinkType.RAW, capLen: data.length, origLen: data.length, data, interfaceId: 0, source: 0 });
    p.finish();
    expect(anomalies.toJSON()).toEqual({});
    return seen;
  }

  it.skipIf(!hasTshark)('the SIP messages tshark reassembles, each once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrptap-sctp-'));
    try {
      const parts: Uint8Array[] = [];
      const w = new PcapWriter((x) => parts.push(x), { linkType: LinkType.RAW });
      for (const [i, f] of inOrder.entries()) w.packet(1_700_000_000, i * 1000, f);
      writeFileSync(join(dir, 'sctp.pcap'), concatBytes(parts));
      const out = execFileSync('tshark', ['-n', '-r', join(dir, 'sctp.pcap'), '-Y', 'sip', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|', '-e', 'sip.Request-Line'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const wire = out
        .split('\n')
        .filter((l) => l !== '')
        .flatMap((l) => l.split('|'));
      expect(wire).toHaveLength(3);
      expect(sipSeen(inOrder).map((l) => l.replace(/^132 (.*) \d+$/, '$1'))).toEqual(wire);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the same messages, whole, whatever the arrival order', () => {
    const want = [`132 INVITE sip:bob@b.example SIP/2.0 ${invite.length}`, `132 OPTIONS sip:bob@b.example SIP/2.0 ${options.length}`, `132 MESSAGE sip:bob@b.example SIP/2.0 ${message.length}`];
    expect(sipSeen(inOrder)).toEqual(want);
    const reordered = [inOrder[3]!, inOrder[2]!, inOrder[4]!, inOrder[0]!, inOrder[1]!];
    expect(sipSeen(reordered).sort()).toEqual([...want].sort());
  });
});
