/**
 * `msrptap run` end to end on every scenario sample, checked against independent references:
 * - the audit.json equals the generator's own truth (the fields issue 3 asks for);
 * - x2x3.pdu: sequence numbers per XID start at 0 with no gap; exactly one X3 PDU per MSRP SEND/REPORT
 *   request that tshark (reading the original capture) sees on the target's MSRP connections;
 *   tshark decodes the PDUs (5gli) and hands every format-13 payload to its MSRP dissector;
 * - decode reads every output file without error;
 * - no byte string of a non-target session (the generator's markers) appears in any output.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRecordFile } from '../../src/encode/index.js';
import { PayloadFormat, PduType } from '../../src/encode/x2x3/x2x3-constants.js';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { X2X3_TEST_FLOW, pduPcap } from '../unit/encode/helpers/tcp-pcap.js';
import { hasProgram } from '../helpers/has-program.js';

const DIR = join(ROOT, 'samples');
const names = readdirSync(join(DIR, 'pcap'))
  .filter((f) => f.endsWith('.truth.json'))
  .map((f) => f.replace(/\.truth\.json$/, ''));

const REQUIRED_SESSION = ['callId', 'xid', 'liid', 'matchedIdentity', 'startTime', 'endTime', 'msrpSessionIds', 'connections'] as const;
const REQUIRED_MESSAGE = ['messageId', 'direction', 'contentType', 'innerContentType', 'size', 'sha256', 'innerSha256', 'chunks', 'status', 'reportStatuses'] as const;
const REQUIRED_FILE = ['name', 'size', 'sha256', 'sha1', 'hashVerified'] as const;

type Obj = Record<string, unknown>;
function pick(o: Obj, keys: readonly string[]): Obj {
  const r: Obj = {};
  for (const k of keys) if (k in o) r[k] = o[k];
  return r;
}
function projectSession(s: Obj, uncorrelated: boolean): Obj {
  return {
    ...pick(s, uncorrelated ? REQUIRED_SESSION.filter((k) => k !== 'callId' && k !== 'startTime' && k !== 'endTime') : REQUIRED_SESSION),
    messages: (s.messages as Obj[]).map((m) => pick(m, REQUIRED_MESSAGE)),
    files: (s.files as Obj[]).map((f) => pick(f, REQUIRED_FILE)),
  };
}

function tsharkRows(pcap: string, args: string[]): string[][] {
  const out = execFileSync('tshark', ['-r', pcap, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

const hasTshark = hasProgram('tshark');

describe('msrptap run on the scenario samples', () => {
  it('has scenario samples', () => expect(names.length).toBeGreaterThanOrEqual(10));

  for (const name of names) {
    describe(name, () => {
      const out = mkdtempSync(join(tmpdir(), `msrptap-run-${name}-`));
      const pcap = join(DIR, 'pcap', `${name}.pcap`);
      const truth = JSON.parse(readFileSync(join(DIR, 'pcap', `${name}.truth.json`), 'utf8')) as { sessions: Obj[]; uncorrelated: Obj[] };
      let ran = false;
      const run = (): void => {
        if (ran) return;
        const r = runCli(['run', '-r', pcap, '--tasks', join(DIR, 'tasks', `${name}.tasks.json`), '--out', join(out, 'o')]);
        expect(r.status, r.stderr).toBe(0);
        ran = true;
      };
      const outFiles = (): string[] => {
        run();
        const files: string[] = [join(out, 'o', 'audit.json')];
        for (const d of readdirSync(join(out, 'o'))) {
          const p = join(out, 'o', d);
          if (statSync(p).isDirectory()) for (const f of readdirSync(p)) files.push(join(p, f));
        }
        return files;
      };

      it('audit.json equals the generator truth', () => {
        run();
        const audit = JSON.parse(readFileSync(join(out, 'o', 'audit.json'), 'utf8')) as { sessions: Obj[]; uncorrelated: Obj[] };
        expect(audit.sessions.map((s) => projectSession(s, false))).toEqual(truth.sessions.map((s) => projectSession(s, false)));
        expect(audit.uncorrelated.map((s) => projectSession(s, true))).toEqual(truth.uncorrelated.map((s) => projectSession(s, true)));
      });

      it('audit.json is byte-identical to `msrptap audit --json`; the audit spool is gone', () => {
        run();
        // run streams audit.json from its on-disk spool (src/pipeline/audit-spool.ts); audit
        // keeps everything in memory and writes JSON.stringify of the whole report.
        const json = join(out, 'audit-command.json');
        const r = runCli(['audit', '-r', pcap, '--tasks', join(DIR, 'tasks', `${name}.tasks.json`), '--json', json]);
        expect(r.status, r.stderr).toBe(0);
        expect(readFileSync(join(out, 'o', 'audit.json'), 'utf8')).toBe(readFileSync(json, 'utf8'));
        expect(readdirSync(join(out, 'o')).filter((f) => !statSync(join(out, 'o', f)).isDirectory())).toEqual(['audit.json']);
      });

      it('outputs are 0600 and decode without error', () => {
        for (const f of outFiles()) {
          expect(statSync(f).mode & 0o777, f).toBe(0o600);
          if (f.endsWith('.json')) continue; // audit.json, manifest.json
          const d = decodeRecordFile(readFileSync(f));
          expect(d.error, f).toBeUndefined();
        }
      });

      it('X2/X3: gap-free sequence numbers per XID, one X3 PDU per target MSRP request', () => {
        const files = outFiles().filter((f) => f.endsWith('x2x3.pdu'));
        const bySeq = new Map<string, number[]>();
        let x3 = 0;
        for (const f of files) {
          const d = decodeRecordFile(readFileSync(f));
          if (d.kind !== 'x2x3') throw new Error(`${f} is not x2x3`);
          for (const it of d.items) {
            const seq = it.pdu.attributes.find((a) => a.kind === 'sequenceNumber');
            expect(seq, 'every PDU has a sequence number').toBeDefined();
            const list = bySeq.get(it.pdu.xid) ?? [];
            list.push((seq as { value: number }).value);
            bySeq.set(it.pdu.xid, list);
            if (it.pdu.pduType === PduType.X3) {
              x3++;
              expect(it.pdu.payloadFormat).toBe(PayloadFormat.MSRP_MESSAGE);
              expect([2, 3]).toContain(it.pdu.payloadDirection);
            }
          }
        }
        for (const [, seqs] of bySeq) expect(seqs).toEqual(seqs.map((_, i) => i));
        if (!hasTshark) return;
        // Requests tshark sees on the target sessions' connections (truth), one per MSRP frame.
        const conns = new Set<string>();
        for (const s of [...truth.sessions, ...truth.uncorrelated]) for (const c of s.connections as string[]) conns.add(c);
        const rows = tsharkRows(pcap, [
          '-Y',
          'msrp.method == "SEND" || msrp.method == "REPORT"',
          '-T',
          'fields',
          '-E',
          'occurrence=f',
          '-e',
          'ip.src',
          '-e',
          'ipv6.src',
          '-e',
          'tcp.srcport',
          '-e',
          'ip.dst',
          '-e',
          'ipv6.dst',
          '-e',
          'tcp.dstport',
        ]);
        const ep = (a: string, v6: string, p: string): string => (a !== '' ? `${a}:${p}` : `[${v6}]:${p}`);
        const expected = rows.filter(([s4, s6, sp, d4, d6, dp]) => {
          const a = ep(s4!, s6!, sp!);
          const b = ep(d4!, d6!, dp!);
          return conns.has(`${a}-${b}`) || conns.has(`${b}-${a}`);
        }).length;
        // Tasks of X2Only deliver no X3; with several tasks per session each gets its own PDUs.
        const tasks = JSON.parse(readFileSync(join(DIR, 'tasks', `${name}.tasks.json`), 'utf8')) as { tasks: { deliveryType: string }[] };
        if (tasks.tasks.every((t) => t.deliveryType === 'X2Only')) expect(x3).toBe(0);
        else expect(x3).toBe(expected);
      });

      it.skipIf(!hasTshark)('tshark decodes x2x3.pdu, MSRP payloads included', () => {
        for (const f of outFiles().filter((x) => x.endsWith('x2x3.pdu'))) {
          const d = decodeRecordFile(readFileSync(f));
          if (d.kind !== 'x2x3') throw new Error('not x2x3');
          const raw = readFileSync(f);
          // tshark's 5gli dissector does no TCP reassembly: each PDU must fit one IPv4 packet, so
          // PDUs over 65 000 bytes (an rCSMessage with a whole file) are left out of this check.
          const all = d.items.map((it, i) => ({ it, bytes: raw.subarray(it.offset, i + 1 < d.items.length ? d.items[i + 1]!.offset : raw.length) }));
          const fit = all.filter((x) => x.bytes.length <= 65_000);
          expect(fit.length).toBeGreaterThan(0);
          const pdus = fit.map((x) => x.bytes);
          const p = join(out, `${name}-x2x3.pcap`);
          writeFileSync(p, pduPcap(pdus, X2X3_TEST_FLOW));
          const rows = tsharkRows(p, ['-d', `tcp.port==${X2X3_TEST_FLOW.dstPort},5gli`, '-T', 'fields', '-E', 'occurrence=f', '-e', 'li5g.type', '-e', 'li5g.pf', '-e', 'li5g.sq', '-e', 'msrp.messageid', '-e', '_ws.malformed']);
          expect(rows).toHaveLength(fit.length);
          rows.forEach((r, i) => {
            const it = fit[i]!.it;
            expect(Number(r[0])).toBe(it.pdu.pduType);
            expect(Number(r[1])).toBe(it.pdu.payloadFormat);
            expect(r[4] ?? '').toBe('');
            if (it.pdu.payloadFormat === PayloadFormat.MSRP_MESSAGE) {
              const mid = /Message-ID: *(\S+)/i.exec(Buffer.from(it.pdu.payload).toString('latin1'));
              if (mid) expect(r[3]).toBe(mid[1]);
            }
          });
        }
      });

      const markersFile = join(DIR, 'pcap', `${name}.non-target-markers.json`);
      it.skipIf(!existsSync(markersFile))('no byte of a non-target session in any output', () => {
        const markers = (JSON.parse(readFileSync(markersFile, 'utf8')) as { markers: string[] }).markers;
        expect(markers.length).toBeGreaterThan(0);
        for (const f of outFiles()) {
          const bytes = readFileSync(f);
          for (const m of markers) expect(bytes.includes(Buffer.from(m, 'utf8')), `${m} in ${f}`).toBe(false);
        }
      });
    });
  }
});
