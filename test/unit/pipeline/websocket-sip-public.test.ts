/**
 * Issue 16, WebSocket: a real WebRTC call (heplify-sip_tcp_websocket.pcap, PROVENANCE.md) whose
 * browser leg carries SIP over WebSocket (RFC 7118, TCP 8080, after an HTTP Upgrade with
 * `Sec-WebSocket-Protocol: sip`). Every SIP message of the target's dialog on that leg becomes a
 * record: before, the connection was taken for plain HTTP and none did. The call is challenged
 * (407) and retried with a higher CSeq (RFC 3261 22.2): the retry's responses belong to the
 * dialog too. Expected rows come from tshark when it is there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCaptureFile } from '../../../src/capture/capture-file.js';
import { parseTasksFile } from '../../../src/correlate/tasks-file.js';
import { formatIp } from '../../../src/decode/format-ip.js';
import { InterceptPipeline } from '../../../src/pipeline/intercept-pipeline.js';
import type { LiRecord } from '../../../src/records/li-record.js';
import { hasProgram } from '../../helpers/has-program.js';

const PUB = resolve(import.meta.dirname, '../../../../shared/testdata/public');
const PCAP = 'heplify-sip_tcp_websocket.pcap';

function intercept(): { records: LiRecord[]; p: InterceptPipeline } {
  const records: LiRecord[] = [];
  const tasks = 'heplify-ws.tasks.json';
  const p = new InterceptPipeline({ tasks: parseTasksFile(JSON.parse(readFileSync(join(PUB, 'tasks', tasks), 'utf8')), tasks), onRecord: (r) => records.push(r) });
  const r = openCaptureFile(join(PUB, PCAP), 0, p.anomalies);
  for (let f = r.next(); f !== null; f = r.next()) p.frame(f);
  r.close();
  p.finish();
  return { records, p };
}

/** "frameNo src > dst first-line" of one task's iMSMessage records carried by TCP. */
function wsRows(records: LiRecord[], liid: string): string[] {
  return records
    .filter((r) => r.task.liid === liid && r.kind === 'iri' && r.event.kind === 'iMSMessage' && r.network.ipProto === 6)
    .map((r) => {
      const e = r.event as { sip: { raw: Uint8Array } };
      const n = r.network;
      return `${n.frameNo} ${formatIp(n.srcAddr)}:${n.srcPort} > ${formatIp(n.dstAddr)}:${n.dstPort} ${Buffer.from(e.sip.raw).toString('latin1').split('\r\n', 1)[0]}`;
    });
}

describe.skipIf(!existsSync(join(PUB, PCAP)))('heplify-sip_tcp_websocket.pcap: SIP over WebSocket (RFC 7118)', () => {
  it('all 11 WebSocket SIP messages of the target dialog become records, in order, as tshark decodes them', () => {
    const { records, p } = intercept();
    const rows = wsRows(records, 'LIID-PUB-1');
    expect(rows.map((r) => r.replace(/^(\d+) .* > \S+ (\S+ \S+).*$/, '$1 $2'))).toEqual([
      '11 INVITE sip:+12263382742@dev-mike.tncp.textnow.com',
      '13 SIP/2.0 407',
      '15 ACK sip:+12263382742@dev-mike.tncp.textnow.com',
      '18 INVITE sip:+12263382742@dev-mike.tncp.textnow.com',
      '19 SIP/2.0 100',
      '24 SIP/2.0 180',
      '34 SIP/2.0 183',
      '46 SIP/2.0 200',
      '49 ACK sip:+12263382742@10.243.0.143:5060;transport=udp',
      '52 BYE sip:+12263382742@10.243.0.143:5060;transport=udp',
      '56 SIP/2.0 200',
    ]);
    if (hasProgram('tshark')) {
      const out = execFileSync(
        'tshark',
        [
          '-n',
          '-r',
          join(PUB, PCAP),
          '-Y',
          'sip && websocket',
          '-T',
          'fields',
          '-E',
          'separator=|',
          '-e',
          'frame.number',
          '-e',
          'ip.src',
          '-e',
          'tcp.srcport',
          '-e',
          'ip.dst',
          '-e',
          'tcp.dstport',
          '-e',
          'sip.Request-Line',
          '-e',
          'sip.Status-Line',
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      );
      const expected = out
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          const [n, s, sp, d, dp, req, st] = l.split('|') as string[];
          return `${n} ${s}:${sp} > ${d}:${dp} ${req !== '' ? req : st}`;
        });
      expect(expected.length).toBe(11);
      expect(rows).toEqual(expected);
    }
    expect(p.anomalies.toJSON()).toEqual({});
  });

  it('the 407 ends the first attempt; the retried INVITE opens a new IRI transaction (begin, then continue)', () => {
    const { records } = intercept();
    const types = records.filter((r) => r.task.liid === 'LIID-PUB-1' && r.kind === 'iri').map((r) => `${r.network.frameNo}:${r.kind === 'iri' ? r.iriType : ''}`);
    expect(types.slice(0, 4)).toEqual(['11:begin', '13:end', '15:report', '18:begin']);
    // Both legs (WebSocket and UDP) of the retried call: none is a report after the first attempt's end.
    expect(new Set(types.slice(4).map((t) => t.split(':')[1]))).toEqual(new Set(['continue']));
    expect(types.length).toBe(19);
  });
});
