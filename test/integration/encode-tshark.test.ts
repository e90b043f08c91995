/**
 * X2/X3 PDUs checked by an independent implementation: tshark's li5g dissector (protocol "5gli"
 * in 4.0-4.2, "li5g" from 4.4). Each PDU is written whole in one TCP segment (the dissector does
 * no reassembly, li-standards 5.2), decoded with Decode As, and every header field, attribute and
 * the MSRP payload (format 13 → tshark's MSRP dissector) is compared with what was encoded.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeKeepalive, encodeKeepaliveAck } from '../../src/encode/x2x3/encode-x2x3-pdu.js';
import { decodeX2X3Pdu } from '../../src/encode/x2x3/decode-x2x3-pdu.js';
import { encodeX2X3Record } from '../../src/encode/x2x3/encode-x2x3-record.js';
import { toHex } from '../../src/util/bytes.js';
import { ALL_RECORDS, TASK } from '../helpers/sample-records.js';
import { X2X3_TEST_FLOW, pduPcap } from '../unit/encode/helpers/tcp-pcap.js';

const PORT = X2X3_TEST_FLOW.dstPort;
const SEQ0 = 70000; // > 65535: Wireshark labels the field UINT16 but must show the 4-octet value

let pcap = '';
let proto = '5gli';

function tshark(args: string[]): string[][] {
  const out = execFileSync('tshark', ['-r', pcap, '-d', `tcp.port==${PORT},${proto}`, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

beforeAll(() => {
  const version = execFileSync('tshark', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const m = /TShark \(Wireshark\) (\d+)\.(\d+)/.exec(version);
  // The dissector was renamed 5gli → li5g in Wireshark 4.4 (li-standards 5.1).
  if (m && (Number(m[1]) > 4 || (Number(m[1]) === 4 && Number(m[2]) >= 4))) proto = 'li5g';
  const ka = encodeKeepalive(7);
  const kaPdu = decodeX2X3Pdu(ka);
  if (!kaPdu.ok) throw new Error('keepalive');
  const pdus = [ka, encodeKeepaliveAck(kaPdu.value.pdu)!, ...ALL_RECORDS.map((r, i) => encodeX2X3Record(r, SEQ0 + i))];
  const dir = mkdtempSync(join(tmpdir(), 'msrptap-tshark-'));
  pcap = join(dir, 'x2x3.pcap');
  writeFileSync(pcap, pduPcap(pdus, X2X3_TEST_FLOW));
});

describe('tshark decodes msrptap X2/X3 PDUs', () => {
  it('test pcap is well formed: IPv4 and TCP checksums verify', () => {
    const rows = tshark(['-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-T', 'fields', '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status']);
    expect(rows).toHaveLength(ALL_RECORDS.length + 2);
    for (const r of rows) expect(r).toEqual(['1', '1']); // 1 = Good
  });

  it('header fields and attributes of every PDU', () => {
    const rows = tshark([
      '-T',
      'fields',
      '-E',
      'occurrence=f',
      '-e',
      'li5g.ver',
      '-e',
      'li5g.type',
      '-e',
      'li5g.hl',
      '-e',
      'li5g.pl',
      '-e',
      'li5g.pf',
      '-e',
      'li5g.pd',
      '-e',
      'li5g.xid',
      '-e',
      'li5g.cid',
      '-e',
      'li5g.sq',
      '-e',
      'li5g.srcip',
      '-e',
      'li5g.dstip',
      '-e',
      'li5g.srcport',
      '-e',
      'li5g.dstport',
      '-e',
      'li5g.ipproto',
      '-e',
      'li5g.mti',
    ]);
    expect(rows).toHaveLength(ALL_RECORDS.length + 2);
    expect(rows[0]).toEqual(['5', '3', '48', '0', '0', '0', '00000000-0000-0000-0000-000000000000', '0000000000000000', '7', '', '', '', '', '', '']);
    expect(rows[1]!.slice(0, 9)).toEqual(['5', '4', '48', '0', '0', '0', '00000000-0000-0000-0000-000000000000', '0000000000000000', '7']);
    ALL_RECORDS.forEach((r, i) => {
      const row = rows[i + 2]!;
      const bytes = encodeX2X3Record(r, SEQ0 + i);
      const mti = row[14]!.replace(/:/g, '');
      expect(row.slice(0, 14)).toEqual([
        '5',
        r.kind === 'iri' ? '1' : '2',
        '118',
        String(bytes.length - 118),
        r.kind === 'iri' ? '2' : '13',
        { fromTarget: '3', toTarget: '2', combined: '4', unknown: '1', notApplicable: '5' }[r.direction],
        TASK.xid,
        '0102030405060708',
        String(SEQ0 + i),
        '192.0.2.10',
        '192.0.2.20',
        String(r.network.srcPort),
        String(r.network.dstPort),
        '6',
      ]);
      // 4.0 shows the matched target identifier as bytes, 4.4+ as a string.
      expect([mti, toHex(Buffer.from(mti, 'utf8'))]).toContain(toHex(Buffer.from(TASK.matchedTargetId)));
    });
  });

  it('X2 payloads reach the xiri dissector with the r19 version8 OID', () => {
    const rows = tshark(['-Y', 'li5g.type == 1', '-T', 'fields', '-E', 'occurrence=f', '-e', 'lix2.xIRIPayloadOID']);
    expect(rows).toHaveLength(ALL_RECORDS.filter((r) => r.kind === 'iri').length);
    for (const r of rows) expect(r[0]).toBe('.4.19.19.8.1');
  });

  it('format 13 payloads are MSRP: message id and byte range as encoded', () => {
    const rows = tshark(['-Y', 'li5g.pf == 13 && msrp', '-T', 'fields', '-E', 'occurrence=f', '-e', 'msrp.method', '-e', 'msrp.messageid', '-e', 'msrp.byte.range', '-e', 'msrp.transaction.id']);
    expect(rows).toEqual([
      ['SEND', '87652491', '1-25/25', 'a786hjs2'],
      ['SEND', 'm2', '1-4/4', 'b1'],
    ]);
  });
});
