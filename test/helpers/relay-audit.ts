/**
 * msrptap and tshark on the captures of test/helpers/relay-chat.ts, reduced to what must not
 * depend on the transport: the target session's messages (ids, directions, sizes, hashes,
 * chunks, statuses), its session ids, Call-ID and number of connections. Ports, frame numbers,
 * times and the transports field differ between runs by design and are checked by the tests.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { decodeRecordFile, PayloadFormat, PduType } from '../../src/encode/index.js';
import type { AuditReport, AuditSession } from '../../src/records/audit-report-schema.js';
import { CHAT } from './relay-chat.js';
import { runCli } from './run-cli.js';

export type { AuditReport as Audit } from '../../src/records/audit-report-schema.js';

/** `msrptap run` on `pcap` with the chat's task into `out`; `extra` CLI options (e.g. a key log). */
export function tapRun(pcap: string, out: string, extra: readonly string[] = []): { audit: AuditReport; status: number; stderr: string } {
  const tasks = `${out}-tasks.json`;
  writeFileSync(tasks, JSON.stringify(CHAT.tasks));
  const r = runCli(['run', '-r', pcap, '--tasks', tasks, '--out', out, ...extra]);
  if (r.status !== 0) return { audit: { sessions: [], uncorrelated: [], anomalies: {} }, status: r.status, stderr: r.stderr };
  return { audit: JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as AuditReport, status: r.status, stderr: r.stderr };
}

/** What of a session must be the same on every transport. */
export function comparable(s: AuditSession): Record<string, unknown> {
  const { callId, liid, msrpSessionIds, messages, ccUnavailable } = s;
  // How many connections carried the session (the caller's leg and the relay's leg to the
  // callee): their ports differ between runs, their number must not.
  return { callId, liid, msrpSessionIds, ccUnavailable, connections: s.connections.length, messages: messages.map(({ firstFrame, lastFrame, ...m }) => m) };
}

/**
 * tshark options that hand MSRP to its dissector where Wireshark 4.0 cannot find it by itself,
 * as one Lua script written in `dir`: WebSocket messages of the `msrp` subprotocol (its websocket
 * dissector unmasks and reassembles them and dispatches by subprotocol, the `ws.protocol` table,
 * where only SIP registers; RFC 7977 section 9), and decrypted TLS on `tlsPorts` (MSRP is not in
 * the `tls.port` Decode As list; its heuristic runs on TCP only).
 */
export function tsharkMsrpOptions(dir: string, o: { ws?: boolean; tlsPorts?: readonly number[] }): string[] {
  const lines = ['local msrp = Dissector.get("msrp")'];
  if (o.ws === true) lines.push('DissectorTable.get("ws.protocol"):add("msrp", msrp)');
  for (const p of o.tlsPorts ?? []) lines.push(`DissectorTable.get("tls.port"):add(${p}, msrp)`);
  const lua = join(dir, 'tshark-msrp.lua');
  writeFileSync(lua, `${lines.join('\n')}\n`);
  return ['-X', `lua_script:${lua}`];
}

/**
 * MSRP requests tshark decodes in `pcap` as `method Message-ID` (sorted, duplicates kept: one per
 * frame on the wire); `opts` are extra tshark options (`-o tls.keylog_file:K`).
 */
export function tsharkMsrpRequests(pcap: string, opts: readonly string[] = []): string[] {
  const r = spawnSync('tshark', ['-r', pcap, ...opts, '-Y', 'msrp.request.line', '-T', 'fields', '-e', 'msrp.method', '-e', 'msrp.messageid'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tshark: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .flatMap((l) => {
      // Two MSRP requests in one frame (one TLS record or TCP segment, as a busy peer writes
      // them) are one tshark row with each field's occurrences comma-joined: pair them up.
      const [methods = '', ids = ''] = l.split('\t');
      const m = methods.split(',');
      const i = ids.split(',');
      return m.map((x, k) => `${x} ${i[k] ?? ''}`);
    })
    .sort();
}

/** The SIP messages of `callId` tshark decodes in `pcap` as `method-or-status CSeq`, in capture order. */
export function tsharkSip(pcap: string, callId: string, opts: readonly string[] = []): string[] {
  const r = spawnSync('tshark', ['-r', pcap, ...opts, '-Y', `sip.Call-ID == "${callId}"`, '-T', 'fields', '-e', 'sip.Method', '-e', 'sip.Status-Code', '-e', 'sip.CSeq'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tshark: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) =>
      l
        .split('\t')
        .filter((f) => f !== '')
        .join(' '),
    );
}

/**
 * msrptap's records of the chat in `out` (one task): an iMSMessage per SIP message and hop (10:
 * INVITE, 200, ACK, BYE, 200 on each side of the proxy), establishment and release once, one
 * correlation id; X3 with every chunk of the target session on both relay legs; no byte of the
 * other session in any output file.
 */
export function expectChatOutputs(out: string): void {
  const files: string[] = [join(out, 'audit.json')];
  for (const d of readdirSync(out)) if (statSync(join(out, d)).isDirectory()) for (const f of readdirSync(join(out, d))) files.push(join(out, d, f));
  const pb = files.filter((f) => f.endsWith('records.pb'));
  expect(pb).toHaveLength(1);
  const r = decodeRecordFile(readFileSync(pb[0]!));
  if (r.kind !== 'protobuf') throw new Error('not protobuf');
  const bodies = r.items.map((it) => it.record.body as string);
  expect(bodies.filter((b) => b === 'sipMessage')).toHaveLength(10);
  // rCSSessionEstablishment and rCSSessionRelease, once each although the SIP was seen twice.
  expect(bodies.filter((b) => b === 'session')).toHaveLength(2);
  expect(new Set(r.items.map((it) => Buffer.from(it.record.correlationId as Uint8Array).toString('hex'))).size).toBe(1);

  const x2x3 = files.filter((f) => f.endsWith('x2x3.pdu'));
  expect(x2x3).toHaveLength(1);
  const d = decodeRecordFile(readFileSync(x2x3[0]!));
  if (d.kind !== 'x2x3') throw new Error('not x2x3');
  expect(d.error).toBeUndefined();
  const x3 = d.items.filter((it) => it.pdu.pduType === PduType.X3);
  for (const it of x3) expect(it.pdu.payloadFormat).toBe(PayloadFormat.MSRP_MESSAGE);
  const payloads = x3.map((it) => Buffer.from(it.pdu.payload));
  // The 3 bulk chunks, each on the Alice → relay leg and again on the relay → Bob leg.
  for (let at = 0; at < CHAT.bulk.length; at += CHAT.bulkChunk) {
    const chunk = CHAT.bulk.subarray(at, at + CHAT.bulkChunk);
    expect(payloads.filter((p) => p.includes(chunk)).length, `chunk at ${at}`).toBe(2);
  }
  expect(payloads.filter((p) => p.includes(CHAT.fromBob)).length).toBe(2);
  for (const f of files) {
    const bytes = readFileSync(f);
    for (const m of CHAT.notTarget) expect(bytes.includes(Buffer.from(m)), `${m} in ${f}`).toBe(false);
  }
}
