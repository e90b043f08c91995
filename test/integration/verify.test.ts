/**
 * `msrptap verify` end to end: honest output of `run` passes on every scenario sample; each kind
 * of tampering fails, under the check(s) it must break. Tampered files get their manifest
 * chain recomputed and re-signed with the run's key where the case says so (an insider holding
 * the key), to show the content checks catch it on their own, not only the chain.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RecordChain, signManifest, type CustodyManifest } from '../../src/audit/custody-manifest.js';
import { decodeRecordFile, encodeX2X3Pdu, type X2X3Pdu } from '../../src/encode/index.js';
import { ROOT, runCli } from '../helpers/run-cli.js';

const SAMPLES = join(ROOT, 'samples');
const names = readdirSync(join(SAMPLES, 'pcap'))
  .filter((f) => f.endsWith('.truth.json'))
  .map((f) => f.replace(/\.truth\.json$/, ''));

const tmp = mkdtempSync(join(tmpdir(), 'msrptap-verify-'));
const key = generateKeyPairSync('ed25519');
const keyPem = join(tmp, 'sign.pem');
const pubPem = join(tmp, 'sign.pub.pem');
writeFileSync(keyPem, key.privateKey.export({ type: 'pkcs8', format: 'pem' }));
writeFileSync(pubPem, key.publicKey.export({ type: 'spki', format: 'pem' }));

function pcap(name: string): string {
  return join(SAMPLES, 'pcap', `${name}.pcap`);
}
function tasksOf(name: string): string {
  return join(SAMPLES, 'tasks', `${name}.tasks.json`);
}

function run(name: string, out: string, tasks = tasksOf(name), sign = true): void {
  const r = runCli(['run', '-r', pcap(name), '--tasks', tasks, '--out', out, ...(sign ? ['--sign-key', keyPem] : [])]);
  expect(r.status, r.stderr).toBe(0);
}

function verify(name: string, out: string, extra: string[] = []): { status: number; stdout: string } {
  const r = runCli(['verify', '--out', out, '-r', pcap(name), '--tasks', tasksOf(name), '--public-key', pubPem, ...extra]);
  return { status: r.status, stdout: r.stdout + r.stderr };
}

/** The failing check names of a verify output (`  FAIL  <check> ...`). */
function failed(stdout: string): string[] {
  return [...new Set([...stdout.matchAll(/^ {2}FAIL {2}(\S+)/gm)].map((m) => m[1]!))].sort();
}

/** Records of x2x3.pdu as decoded PDUs with their raw bytes. */
function readPdus(path: string): { pdu: X2X3Pdu; raw: Uint8Array }[] {
  const bytes = readFileSync(path);
  const d = decodeRecordFile(bytes);
  if (d.kind !== 'x2x3') throw new Error('not x2x3');
  return d.items.map((it, i) => ({ pdu: it.pdu, raw: bytes.subarray(it.offset, i + 1 < d.items.length ? d.items[i + 1]!.offset : bytes.length) }));
}

function withSeq(p: X2X3Pdu, seq: number, patch: Partial<X2X3Pdu> = {}): Uint8Array {
  const q = { ...p, ...patch };
  return encodeX2X3Pdu({
    pduType: q.pduType,
    payloadFormat: q.payloadFormat,
    payloadDirection: q.payloadDirection,
    xid: q.xid,
    correlationId: q.correlationId,
    attributes: q.attributes.map((a) => (a.kind === 'sequenceNumber' ? { kind: 'sequenceNumber', value: seq } : a)),
    payload: q.payload,
  });
}

/** Rewrites x2x3.pdu and, when `resign` is given, recomputes its manifest entry and signs again (an insider with the key). */
function rewrite(dir: string, liid: string, records: readonly Uint8Array[], resign: KeyObject | null): void {
  writeFileSync(join(dir, 'x2x3.pdu'), Buffer.concat(records.map((r) => Buffer.from(r))));
  if (resign === null) return;
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CustodyManifest;
  const chain = new RecordChain(liid, 'x2x3.pdu');
  for (const r of records) chain.add(r);
  const files = m.files.map((f) => (f.name === 'x2x3.pdu' ? chain.finish() : f));
  const { signature: _s, ...unsigned } = m;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(signManifest({ ...unsigned, files }, resign), null, 2));
}

describe('msrptap verify: honest output passes', () => {
  for (const name of names) {
    it(name, () => {
      const out = join(tmp, `honest-${name}`);
      run(name, out);
      const r = verify(name, out, ['--require-signature']);
      expect(r.stdout).toContain('VERIFIED');
      expect(failed(r.stdout)).toEqual([]);
      expect(r.status, r.stdout).toBe(0);
      expect(r.stdout).toMatch(/ok {4}wire/);
    });
  }
});

describe('msrptap verify: tampering is caught', () => {
  const NAME = 'chat-udp';
  const LIID = 'LIID-DE-0001';
  let base = '';
  beforeAll(() => {
    base = join(tmp, 'base');
    run(NAME, base);
    expect(verify(NAME, base).status).toBe(0);
  });
  const copy = (label: string): string => {
    const d = join(tmp, `t-${label}`);
    cpSync(base, d, { recursive: true });
    return d;
  };
  const x3Index = (pdus: { pdu: X2X3Pdu }[]): number => pdus.findIndex((p) => p.pdu.pduType === 2);

  it('a changed byte in an X3 payload (chain left as is): chain, wire and reproduce fail', () => {
    const out = copy('byte');
    const dir = join(out, LIID);
    const pdus = readPdus(join(dir, 'x2x3.pdu'));
    const k = x3Index(pdus);
    const raw = Buffer.from(pdus[k]!.raw);
    raw.writeUInt8(raw[raw.length - 20]! ^ 0x01, raw.length - 20); // inside the MSRP payload, before the end-line
    rewrite(
      dir,
      LIID,
      pdus.map((p, i) => (i === k ? raw : p.raw)),
      null,
    );
    const r = verify(NAME, out);
    expect(r.status).toBe(1);
    expect(failed(r.stdout)).toEqual(expect.arrayContaining(['chain', 'wire', 'reproduce']));
  });

  it('a changed byte, manifest re-chained and re-signed by an insider: wire, reproduce and framing still fail', () => {
    const out = copy('byte-resigned');
    const dir = join(out, LIID);
    const pdus = readPdus(join(dir, 'x2x3.pdu'));
    const k = x3Index(pdus);
    const raw = Buffer.from(pdus[k]!.raw);
    raw.writeUInt8(raw[raw.length - 20]! ^ 0x01, raw.length - 20);
    rewrite(
      dir,
      LIID,
      pdus.map((p, i) => (i === k ? raw : p.raw)),
      key.privateKey,
    );
    const r = verify(NAME, out);
    expect(r.status).toBe(1);
    // The byte is the end-line's first dash: the payload no longer ends with its end-line, so the
    // independent re-framing fails too.
    expect(failed(r.stdout)).toEqual(['framing', 'reproduce', 'wire']);
  });

  it('a removed record (sequence numbers renumbered, re-signed): reproduce and coverage fail', () => {
    const out = copy('removed');
    const dir = join(out, LIID);
    const pdus = readPdus(join(dir, 'x2x3.pdu'));
    const k = x3Index(pdus);
    const kept = pdus.filter((_, i) => i !== k).map((p, i) => withSeq(p.pdu, i));
    rewrite(dir, LIID, kept, key.privateKey);
    const r = verify(NAME, out);
    expect(r.status).toBe(1);
    expect(failed(r.stdout)).toEqual(expect.arrayContaining(['reproduce', 'coverage']));
  });

  it('a removed record, nothing else touched: sequence and chain fail too', () => {
    const out = copy('removed-raw');
    const dir = join(out, LIID);
    const pdus = readPdus(join(dir, 'x2x3.pdu'));
    const k = x3Index(pdus);
    rewrite(
      dir,
      LIID,
      pdus.filter((_, i) => i !== k).map((p) => p.raw),
      null,
    );
    const r = verify(NAME, out);
    expect(r.status).toBe(1);
    expect(failed(r.stdout)).toEqual(expect.arrayContaining(['sequence', 'chain', 'reproduce']));
  });

  it('two X3 records swapped (sequence numbers kept in order, re-signed): wire order and reproduce fail', () => {
    const out = copy('reordered');
    const dir = join(out, LIID);
    const pdus = readPdus(join(dir, 'x2x3.pdu'));
    const x3 = pdus.map((p, i) => (p.pdu.pduType === 2 ? i : -1)).filter((i) => i >= 0);
    const [a, b] = [x3[0]!, x3[1]!];
    const order = pdus.map((_, i) => (i === a ? b : i === b ? a : i));
    rewrite(
      dir,
      LIID,
      order.map((j, i) => withSeq(pdus[j]!.pdu, i)),
      key.privateKey,
    );
    const r = verify(NAME, out);
    expect(r.status).toBe(1);
    expect(failed(r.stdout)).toEqual(expect.arrayContaining(['reproduce', 'wire']));
    expect(r.stdout).toMatch(/reordered/);
  });

  it("a record of a non-target session (real wire bytes, dressed as the target's, re-signed): non-target and reproduce fail", () => {
    const M = 'mixed-non-target';
    const MLIID = 'LIID-DE-0011';
    const carolTasks = join(tmp, 'carol.tasks.json');
    writeFileSync(carolTasks, JSON.stringify({ tasks: [{ xid: '0b8e6e0c-1111-4222-8333-444455556666', liid: 'LIID-CAROL', targetIdentifiers: [{ sipUri: 'sip:carol@ims.example.net' }], deliveryType: 'X2andX3' }] }));
    const carol = join(tmp, 'carol');
    run(M, carol, carolTasks, false);
    const foreign = readPdus(join(carol, 'LIID-CAROL', 'x2x3.pdu')).find((p) => p.pdu.pduType === 2)!.pdu;
    const out = join(tmp, 't-non-target');
    run(M, out);
    const dir = join(out, MLIID);
    const pdus = readPdus(join(dir, 'x2x3.pdu'));
    const mine = pdus[x3Index(pdus)]!.pdu;
    const matched = mine.attributes.find((a) => a.kind === 'matchedTargetIdentifier')!;
    const forged = withSeq(foreign, pdus.length, { xid: mine.xid, correlationId: mine.correlationId, attributes: foreign.attributes.map((a) => (a.kind === 'matchedTargetIdentifier' ? matched : a)) });
    rewrite(dir, MLIID, [...pdus.map((p) => p.raw), forged], key.privateKey);
    const r = runCli(['verify', '--out', out, '-r', pcap(M), '--tasks', tasksOf(M), '--public-key', pubPem]);
    expect(r.status).toBe(1);
    expect(failed(r.stdout)).toEqual(expect.arrayContaining(['non-target', 'reproduce']));
    // The forged payload is genuine wire bytes: the wire check alone could not have caught it.
    expect(failed(r.stdout)).not.toContain('wire');
  });

  it('a target X3 payload with a non-target SEND appended (what a framer swallowing the next request gives, re-signed): framing fails', () => {
    const out = copy('appended');
    const dir = join(out, LIID);
    const pdus = readPdus(join(dir, 'x2x3.pdu'));
    const k = x3Index(pdus);
    const other = Buffer.from(
      [
        'MSRP zzq9 SEND',
        'To-Path: msrp://10.99.0.2:2855/zzqDaveSid;tcp',
        'From-Path: msrp://10.99.0.1:40001/zzqCarolSid;tcp',
        'Message-ID: zzqMid1',
        'Byte-Range: 1-14/14',
        'Content-Type: text/plain',
        '',
        'NONTARGET-MARK',
        '-------zzq9$',
        '',
      ].join('\r\n'),
      'latin1',
    );
    const p = pdus[k]!.pdu;
    const forged = withSeq(p, p.attributes.find((a) => a.kind === 'sequenceNumber')!.kind === 'sequenceNumber' ? (p.attributes.find((a) => a.kind === 'sequenceNumber') as { value: number }).value : 0, {
      payload: Buffer.concat([Buffer.from(p.payload), other]),
    });
    rewrite(
      dir,
      LIID,
      pdus.map((q, i) => (i === k ? forged : q.raw)),
      key.privateKey,
    );
    const r = verify(NAME, out);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('NOT VERIFIED');
    expect(failed(r.stdout)).toEqual(expect.arrayContaining(['framing']));
    expect(r.stdout).toMatch(/FAIL {2}framing +x2x3.pdu record \d+ .*(start line inside its body|longer than its Byte-Range)/);
  });

  it('a broken chain (one manifest entry edited): chain and signature fail', () => {
    const out = copy('chain');
    const p = join(out, LIID, 'manifest.json');
    const m = JSON.parse(readFileSync(p, 'utf8')) as { files: { chain: { entries: { entry: string }[] } }[] };
    const e = m.files[0]!.chain.entries[0]!;
    e.entry = (e.entry[0] === '0' ? '1' : '0') + e.entry.slice(1);
    writeFileSync(p, JSON.stringify(m, null, 2));
    const r = verify(NAME, out);
    expect(r.status).toBe(1);
    expect(failed(r.stdout)).toEqual(['chain', 'signature']);
  });

  it('a manifest signed with another key: signature fails against the pinned key', () => {
    const out = copy('wrong-key');
    const dir = join(out, LIID);
    const other = generateKeyPairSync('ed25519');
    rewrite(
      dir,
      LIID,
      readPdus(join(dir, 'x2x3.pdu')).map((p) => p.raw),
      other.privateKey,
    );
    const r = verify(NAME, out);
    expect(r.status).toBe(1);
    expect(failed(r.stdout)).toEqual(['signature']);
  });

  it('an unsigned manifest passes, but not with --require-signature', () => {
    const out = join(tmp, 'unsigned');
    run(NAME, out, tasksOf(NAME), false);
    expect(verify(NAME, out).status).toBe(0);
    const r = verify(NAME, out, ['--require-signature']);
    expect(r.status).toBe(1);
    expect(failed(r.stdout)).toEqual(['signature']);
  });

  it('a missing manifest fails', () => {
    const out = copy('no-manifest');
    writeFileSync(join(out, LIID, 'manifest.json'), 'not json');
    const r = verify(NAME, out);
    expect(r.status).toBe(1);
    expect(failed(r.stdout)).toEqual(expect.arrayContaining(['manifest', 'chain']));
  });
});
