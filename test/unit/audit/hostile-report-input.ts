/**
 * A report input whose every wire-derived string is hostile markup, for the escaping tests
 * (unit, and the headless-Chromium integration test that loads the rendered page).
 */
import { ContentStore } from '../../../src/audit/content-store.js';
import type { ReportInput } from '../../../src/audit/report-input.js';

export const EVIL = `<script>document.title='PWNED'</script></svg></style><img src=x onerror="document.title='PWNED'">"'&`;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

export function hostileInput(): ReportInput {
  const contents = new ContentStore();
  const cpimHead = `From: <sip:${EVIL}@x>\r\nTo: <sip:b@x>\r\n\r\nContent-Type: text/plain\r\n\r\n`;
  const body = enc(`${cpimHead}hello ${EVIL}`);
  contents.add('L<1>', 20, 'm<id>', body, false);
  contents.add('L<1>', 30, 'f1', Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3), false);
  const t = (s: number): string => `2026-11-28T10:00:${String(s).padStart(2, '0')}.000500000Z`;
  return {
    toolVersion: '0.1.0',
    generatedAt: '2026-11-28T12:00:00.000Z',
    captures: [{ path: `cap-${EVIL}.pcap`, sha256: 'ab'.repeat(32), bytes: 123 }],
    tasks: [{ xid: '0b8e6e0c-1111-4222-8333-444455556666', liid: 'L<1>', deliveryType: 'X2andX3', targets: [`sip:${EVIL}@x`] }],
    audit: {
      sessions: [
        {
          callId: `call-${EVIL}`,
          xid: '0b8e6e0c-1111-4222-8333-444455556666',
          liid: 'L<1>',
          matchedIdentity: `sip:${EVIL}@x`,
          startTime: t(0),
          endTime: t(40),
          msrpSessionIds: [`sid-${EVIL}`],
          connections: ['10.0.0.1:5000-10.0.0.2:2855'],
          messages: [
            {
              messageId: 'm<id>',
              direction: 'fromTarget',
              contentType: 'message/cpim',
              innerContentType: 'text/plain',
              size: body.length,
              sha256: 'cd'.repeat(32),
              innerSha256: 'ef'.repeat(32),
              chunks: 2,
              status: 'complete',
              reportStatuses: ['200'],
              firstFrame: 10,
              lastFrame: 20,
              missing: [],
              imdn: null,
              isComposing: false,
              carriedBy: 'msrp',
            },
            {
              messageId: 'f1',
              direction: 'toTarget',
              contentType: 'image/png',
              innerContentType: null,
              size: 11,
              sha256: null,
              innerSha256: null,
              chunks: 1,
              status: 'incomplete',
              reportStatuses: [],
              firstFrame: 30,
              lastFrame: 30,
              missing: [{ start: 12, end: '*' }],
              imdn: null,
              isComposing: false,
              carriedBy: 'msrp',
            },
          ],
          files: [{ name: `../${EVIL}.png`, size: 11, sha256: '12'.repeat(32), sha1: '34'.repeat(20), hashVerified: false, messageId: 'f1' }],
          targetRole: 'originating',
          messagesOmitted: 0,
          ccUnavailable: null,
        },
      ],
      uncorrelated: [],
      anomalies: { 'msrp.message_incomplete': 1, 'tcp.gap': 2 },
    },
    details: {
      sessions: [
        {
          parties: [[`sip:${EVIL}@x`], ['sip:b@x']],
          targetSide: 0,
          ladder: [
            { proto: 'sip', frame: 1, lastFrame: 1, time: t(0), src: '10.1.0.1:5060', dst: '10.1.0.2:5060', label: 'INVITE', detail: 'CSeq 1 INVITE', messageId: null },
            { proto: 'sip', frame: 2, lastFrame: 2, time: t(1), src: '10.1.0.2:5060', dst: '10.1.0.1:5060', label: `200 ${EVIL} (INVITE)`, detail: null, messageId: null },
            { proto: 'msrp', frame: 10, lastFrame: 11, time: t(2), src: '10.0.0.1:5000', dst: '10.0.0.2:2855', label: 'SEND', detail: `tid ${EVIL} 1-10/20`, messageId: 'm<id>' },
            { proto: 'msrp', frame: 25, lastFrame: 25, time: t(3), src: '[2001:db8::1]:2855', dst: '[2001:db8::1]:2856', label: `REPORT 200`, detail: null, messageId: EVIL },
          ],
          ladderOmitted: 0,
          messages: [
            {
              firstTime: t(2),
              lastTime: t(3),
              totalSize: body.length,
              senderSide: 0,
              cpimFrom: `sip:${EVIL}@x`,
              cpimTo: ['sip:b@x'],
              contentOffset: enc(cpimHead).length,
              contentLength: body.length - enc(cpimHead).length,
              chunkList: [
                { start: 1, end: 10, frame: 10, lastFrame: 11, time: t(2), flag: '+', duplicate: false },
                { start: 11, end: body.length, frame: 20, lastFrame: 20, time: t(3), flag: '$', duplicate: false },
              ],
              chunkListOmitted: 0,
              reports: [{ frame: 25, time: t(3), status: '200', byteRange: `1-${body.length}/${body.length}`, connection: EVIL }],
            },
            {
              firstTime: t(4),
              lastTime: t(4),
              totalSize: null,
              senderSide: 1,
              cpimFrom: null,
              cpimTo: [],
              contentOffset: null,
              contentLength: null,
              chunkList: [{ start: 1, end: 11, frame: 30, lastFrame: 30, time: t(4), flag: null, duplicate: false }],
              chunkListOmitted: 0,
              reports: [],
            },
          ],
          files: [{ advertisedSha1: '56'.repeat(20), advertisedSize: 11, advertisedType: `image/${EVIL}` }],
        },
      ],
      uncorrelated: [],
    },
    anomalyExamples: (code) =>
      code === 'tcp.gap'
        ? [
            { frame: 30, detail: undefined },
            { frame: 999, detail: undefined },
          ]
        : [{ frame: 20, detail: undefined }],
    contents,
  };
}
