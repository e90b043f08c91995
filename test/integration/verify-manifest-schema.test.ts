/**
 * `msrptap verify` reads manifest.json as untrusted input (src/audit/custody-manifest-schema.ts):
 * a malformed one is NOT VERIFIED with the file and the field named, exit 1, never a crash; and
 * nothing in a manifest steers the check (file names are output names only, the algorithms are
 * fixed, counts and stored chain entries are compared with what verify computes itself).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/run-cli.js';

const NAME = 'chat-udp';
const LIID = 'LIID-DE-0001';
const PCAP = join(ROOT, 'samples/pcap', `${NAME}.pcap`);
const TASKS = join(ROOT, 'samples/tasks', `${NAME}.tasks.json`);
const tmp = mkdtempSync(join(tmpdir(), 'msrptap-vms-'));
let base = '';

type Json = Record<string, unknown> & { files: Record<string, unknown>[] };

function verify(out: string): { status: number; out: string } {
  const r = runCli(['verify', '--out', out, '-r', PCAP, '--tasks', TASKS]);
  return { status: r.status, out: r.stdout + r.stderr };
}

/** A copy of the honest output whose manifest text is `edit`'s result. */
function withManifest(label: string, edit: (text: string, m: Json) => string): string {
  const out = join(tmp, label);
  cpSync(base, out, { recursive: true });
  const p = join(out, LIID, 'manifest.json');
  const text = readFileSync(p, 'utf8');
  writeFileSync(p, edit(text, JSON.parse(text) as Json));
  return out;
}

const json = (m: unknown): string => JSON.stringify(m, null, 2);
const x2x3 = (m: Json): Record<string, unknown> & { chain: Record<string, unknown> } => m.files.find((f) => f.name === 'x2x3.pdu') as never;
/** An `edit` that changes the parsed manifest in place and writes it back. */
const changed =
  (change: (m: Json) => void) =>
  (_t: string, m: Json): string => {
    change(m);
    return json(m);
  };

beforeAll(() => {
  base = join(tmp, 'base');
  // Unsigned: a semantic edit then breaks only the check it is about.
  const r = runCli(['run', '-r', PCAP, '--tasks', TASKS, '--out', base]);
  expect(r.status, r.stderr).toBe(0);
  expect(verify(base).status).toBe(0);
}, 120_000);

describe('a malformed manifest is NOT VERIFIED, naming the field', () => {
  it.each<[string, (text: string, m: Json) => string, RegExp]>([
    ['the shape of issue 12', () => '{"files":[{"name":"x2x3.pdu"}]}', /field format/],
    [
      'a file name climbing out of the folder',
      changed((m) => {
        x2x3(m).name = '../../etc/passwd';
      }),
      /field files\[\d\]\.name: not an output file name/,
    ],
    [
      'an absolute file name',
      changed((m) => {
        x2x3(m).name = '/etc/passwd';
      }),
      /field files\[\d\]\.name: not an output file name/,
    ],
    [
      'a count of the wrong type',
      changed((m) => {
        x2x3(m).records = '3';
      }),
      /field files\[\d\]\.records/,
    ],
    [
      'a missing field',
      changed((m) => {
        delete m.captures;
      }),
      /field captures/,
    ],
    ['a huge count (1e400 parses as Infinity)', (t) => t.replace(/"records": \d+/, '"records": 1e400'), /field files\[\d\]\.records/],
    ['a huge chain index', (t) => t.replace(/"index": 0,/, '"index": 1e300,'), /field files\[\d\]\.chain\.entries\[0\]\.index/],
    [
      'a hash algorithm of its choice',
      changed((m) => {
        x2x3(m).chain.algorithm = 'md5';
      }),
      /field files\[\d\]\.chain\.algorithm/,
    ],
    [
      'encoder settings beyond the PS-PDU header',
      changed((m) => {
        (m.encoder as Record<string, unknown>).maxStreams = 1;
      }),
      /field encoder: unknown field\(s\) "maxStreams"/,
    ],
    [
      'a file listed twice',
      changed((m) => {
        m.files.push(x2x3(m));
      }),
      /field files: a file is listed twice/,
    ],
    ['not JSON', (t) => t.slice(0, 100), /not valid JSON/],
    ['null', () => 'null', /field \(top level\)/],
    ['another msrptap file (audit.json) in its place: its foreign fields named', () => '{"sessions":[],"uncorrelated":[],"anomalies":{}}', /field \(top level\): unknown field\(s\) "sessions", "uncorrelated", "anomalies"/],
  ])('%s', (label, edit, field) => {
    const r = verify(withManifest(label.replace(/\W+/g, '-'), edit));
    expect(r.out).not.toContain('internal error');
    expect(r.status, r.out).toBe(1);
    expect(r.out).toContain('NOT VERIFIED');
    expect(r.out).toMatch(new RegExp(`FAIL {2}manifest +no manifest: \\S*${LIID}/manifest\\.json is not a valid manifest: ${field.source}`));
  });
});

describe('the manifest does not choose what is checked', () => {
  it('stored chain entries left out: the chain check names the first one missing', () => {
    const r = verify(
      withManifest(
        'no-entries',
        changed((m) => {
          x2x3(m).chain.entries = [];
        }),
      ),
    );
    expect(r.status, r.out).toBe(1);
    expect(r.out).toMatch(/FAIL {2}chain +x2x3\.pdu: chain entry 0 missing from the manifest/);
  });

  it('a byte count that is not the file size', () => {
    const r = verify(
      withManifest(
        'bytes',
        changed((m) => {
          x2x3(m).bytes = (x2x3(m).bytes as number) + 1;
        }),
      ),
    );
    expect(r.status, r.out).toBe(1);
    expect(r.out).toMatch(/FAIL {2}chain +x2x3\.pdu: manifest lists \d+ bytes, the file holds \d+/);
  });

  it("target identifiers other than the tasks file's (named by XID only)", () => {
    const r = verify(
      withManifest('targets', (_t, m) => {
        (m.tasks as { targets: string[] }[])[0]!.targets = ['sip:someone-else@example.net'];
        return json(m);
      }),
    );
    expect(r.status, r.out).toBe(1);
    expect(r.out).toMatch(/FAIL {2}manifest +manifest task [0-9a-f-]+: target identifiers differ from the tasks file/);
    expect(r.out).not.toContain('someone-else');
  });
});
