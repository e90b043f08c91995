import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CHAIN_FULL_ENTRIES,
  CHAIN_STRIDE,
  canonicalJson,
  chainEntryStored,
  chainGenesis,
  checkChain,
  MANIFEST_FORMAT,
  RecordChain,
  signManifest,
  verifyManifestSignature,
  type CustodyManifest,
  type ManifestFile,
} from '../../../src/audit/custody-manifest.js';

const recs = [Uint8Array.of(1, 2, 3), Uint8Array.of(4), new Uint8Array(0), Uint8Array.of(5, 6)];

function chainOf(liid: string, name: string, records: readonly Uint8Array[]): ManifestFile {
  const c = new RecordChain(liid, name);
  for (const r of records) c.add(r);
  return c.finish();
}

function manifest(files: ManifestFile[]): CustodyManifest {
  return {
    format: MANIFEST_FORMAT,
    tool: { name: 'msrptap', version: '0.1.0' },
    liid: 'L1',
    tasks: [{ xid: '0b8e6e0c-1111-4222-8333-444455556666', liid: 'L1', deliveryType: 'X2andX3', targets: ['sip:a@x'] }],
    captures: [{ path: 'a.pcap', sha256: 'ab'.repeat(32), bytes: 10 }],
    encoder: {},
    files,
  };
}

describe('RecordChain', () => {
  it('links e[i] = sha256(record_i || e[i-1]) from a genesis bound to LIID and file name', () => {
    const f = chainOf('L1', 'x2x3.pdu', recs);
    const g = createHash('sha256').update('msrptap-chain/1\u0000L1\u0000x2x3.pdu').digest();
    expect(f.chain.genesis).toBe(g.toString('hex'));
    let prev = g;
    const want: string[] = [];
    for (const r of recs) {
      prev = createHash('sha256').update(r).update(prev).digest();
      want.push(prev.toString('hex'));
    }
    expect(f.chain.entries.map((e) => e.entry)).toEqual(want);
    expect(f.chain.head).toBe(want[want.length - 1]);
    expect(f.records).toBe(4);
    expect(f.bytes).toBe(6);
    expect(f.sha256).toBe(
      createHash('sha256')
        .update(Buffer.concat(recs.map((r) => Buffer.from(r))))
        .digest('hex'),
    );
  });

  it('an empty file has head = genesis', () => {
    const f = chainOf('L1', 'hi2.ber', []);
    expect(f.chain.head).toBe(Buffer.from(chainGenesis('L1', 'hi2.ber')).toString('hex'));
  });

  it('stores every entry up to the full window, then every stride-th', () => {
    expect(chainEntryStored(0)).toBe(true);
    expect(chainEntryStored(CHAIN_FULL_ENTRIES - 1)).toBe(true);
    expect(chainEntryStored(CHAIN_FULL_ENTRIES)).toBe(false);
    expect(chainEntryStored(CHAIN_FULL_ENTRIES + CHAIN_STRIDE - 1 - (CHAIN_FULL_ENTRIES % CHAIN_STRIDE))).toBe(true);
  });
});

describe('RecordChain past the full window', () => {
  it('lists the stored entries with their indices and values (every one, then every stride-th)', () => {
    const n = CHAIN_FULL_ENTRIES + 2 * CHAIN_STRIDE + 5;
    const records = Array.from({ length: n }, (_, i) => Uint8Array.of(i & 0xff, (i >> 8) & 0xff, i >> 16));
    const f = chainOf('L2', 'hi3.ber', records);
    let prev: Buffer = createHash('sha256').update('msrptap-chain/1\u0000L2\u0000hi3.ber').digest();
    const want: { index: number; entry: string }[] = [];
    records.forEach((r, i) => {
      prev = createHash('sha256').update(r).update(prev).digest();
      if (chainEntryStored(i)) want.push({ index: i, entry: prev.toString('hex') });
    });
    expect(want.length).toBe(CHAIN_FULL_ENTRIES + 2);
    expect(f.chain.entries).toEqual(want);
    expect(f.chain.head).toBe(prev.toString('hex'));
  });
});

describe('checkChain', () => {
  const f = chainOf('L1', 'x2x3.pdu', recs);
  it.each([
    ['honest', recs, true, null],
    ['a changed byte', [recs[0], Uint8Array.of(9), recs[2], recs[3]], false, 1],
    ['a removed record', [recs[0], recs[2], recs[3]], false, 1],
    ['a reordered pair', [recs[1], recs[0], recs[2], recs[3]], false, 0],
    ['an appended record', [...recs, Uint8Array.of(7)], false, 4],
    ['a truncated file', recs.slice(0, 3), false, 3],
  ] as const)('%s', (_n, records, ok, bad) => {
    const r = checkChain('L1', f, records as Uint8Array[]);
    expect(r.ok).toBe(ok);
    expect(r.firstBadRecord).toBe(bad);
  });
  it('a file moved to another LIID or name does not verify', () => {
    expect(checkChain('L2', f, recs).ok).toBe(false);
    expect(checkChain('L1', { ...f, name: 'hi3.ber' }, recs).ok).toBe(false);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level, drops undefined, no spaces', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'é' }, u: undefined })).toBe('{"a":{"c":"é","d":[1,{"x":1,"y":2}]},"b":1}');
  });
});

describe('manifest signature (Ed25519)', () => {
  const k = generateKeyPairSync('ed25519');
  const signed = signManifest(manifest([chainOf('L1', 'x2x3.pdu', recs)]), k.privateKey);
  it('verifies under the embedded key and under the pinned key', () => {
    expect(verifyManifestSignature(signed).status).toBe('valid');
    const p = verifyManifestSignature(signed, k.publicKey);
    expect(p).toMatchObject({ status: 'valid', pinned: true });
  });
  it('survives a JSON round trip with keys in another order', () => {
    const j = JSON.parse(JSON.stringify(signed)) as CustodyManifest;
    const reordered = Object.fromEntries(Object.entries(j).reverse()) as unknown as CustodyManifest;
    expect(verifyManifestSignature(reordered, k.publicKey).status).toBe('valid');
  });
  it.each([
    ['a capture hash', (m: CustodyManifest) => ({ ...m, captures: [{ ...m.captures[0]!, sha256: 'cd'.repeat(32) }] })],
    ['a record count', (m: CustodyManifest) => ({ ...m, files: [{ ...m.files[0]!, records: 3 }] })],
    ['the tool version', (m: CustodyManifest) => ({ ...m, tool: { name: 'msrptap' as const, version: '9.9.9' } })],
  ])('any change (%s) invalidates it', (_n, change) => {
    expect(verifyManifestSignature(change(signed)).status).toBe('invalid');
  });
  it('another signer is wrong_key against the pinned key, unsigned is unsigned', () => {
    const other = generateKeyPairSync('ed25519');
    const bySomeoneElse = signManifest(manifest([]), other.privateKey);
    expect(verifyManifestSignature(bySomeoneElse).status).toBe('valid');
    expect(verifyManifestSignature(bySomeoneElse, k.publicKey).status).toBe('wrong_key');
    expect(verifyManifestSignature(manifest([])).status).toBe('unsigned');
  });
  it('garbage signature fields are invalid, not exceptions', () => {
    expect(verifyManifestSignature({ ...signed, signature: { ...signed.signature!, publicKey: 'AAAA' } }).status).toBe('invalid');
    expect(verifyManifestSignature({ ...signed, signature: { ...signed.signature!, value: '!!' } }).status).toBe('invalid');
  });
});

describe('RecordChain.entriesJson (the manifest written without an object per entry)', () => {
  it('lays the stored entries out exactly as JSON.stringify(…, null, 2), across pieces and past the full-entry range', () => {
    const c = new RecordChain('L1', 'x2x3.pdu');
    const n = CHAIN_FULL_ENTRIES + 3 * CHAIN_STRIDE + 5;
    const r = new Uint8Array(4);
    for (let i = 0; i < n; i++) {
      r[0] = i & 255;
      r[1] = i >> 8;
      c.add(r);
    }
    const entries = c.finish().chain.entries;
    expect(c.storedEntryCount).toBe(entries.length);
    // As an array value at depth 4 of a 2-space-indented document: elements at 10 spaces.
    const indent = ' '.repeat(10);
    const expected = JSON.stringify({ a: { b: { c: { entries } } } }, null, 2);
    const pieces = [...c.entriesJson(indent, 1000)];
    expect(pieces.length).toBe(Math.ceil(entries.length / 1000));
    const built = JSON.stringify({ a: { b: { c: { entries: ['X'] } } } }, null, 2).replace(`\n${indent}"X"`, pieces.join(''));
    expect(built).toBe(expected);
    // finish() can be called again (the file digest is computed once).
    expect(c.finish(false).sha256).toBe(c.finish().sha256);
    expect(c.finish(false).chain.entries).toEqual([]);
  });
});
