/**
 * X2 xIRI payloads checked with Wireshark 4.4 (wiregasm: Wireshark 4.4.5 as WebAssembly), whose
 * xiri dissector knows the IMS and RCS events that Debian's tshark 4.0 does not (li-standards
 * 5.4, tooling-notes "wiregasm"). Asserts lix2.event for every event msrptap emits and that the
 * BER dissection raises no error.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeX2X3Record } from '../../src/encode/x2x3/encode-x2x3-record.js';
import { IRI_RECORDS } from '../helpers/sample-records.js';
import { X2X3_TEST_FLOW, pduPcap } from '../unit/encode/helpers/tcp-pcap.js';

interface Vec<T> {
  size(): number;
  get(i: number): T;
}
interface Tree {
  label: string;
  filter: string;
  tree: Vec<Tree>;
}
interface Wg {
  init(): boolean;
  destroy(): void;
  setPref(m: string, k: string, v: string): { code: number; error: string };
  applyPreferences(): void;
  FS: { writeFile(p: string, d: Uint8Array): void };
  DissectSession: new (p: string) => { load(): { code: number }; getFrame(n: number): { tree: Vec<Tree> }; getFrames(f: string, s: number, l: number): { matched: number }; delete(): void };
}

const EVENTS = Object.values(IRI_RECORDS);
const EXPECTED: [string, number][] = [
  ['iMSMessage', 105],
  ['rCSSessionEstablishment', 143],
  ['rCSSessionRelease', 145],
  ['rCSMessage', 141],
  ['iMSCCUnavailable', 107],
  ['startOfInterceptionForActiveIMSSession', 106],
  ['startOfInterceptWithEstablisedRCSSession', 158],
];

let wg: Wg;
let session: InstanceType<Wg['DissectSession']>;

function labels(t: Vec<Tree>, out: Tree[] = []): Tree[] {
  for (let i = 0; i < t.size(); i++) {
    const n = t.get(i);
    out.push(n);
    labels(n.tree, out);
  }
  return out;
}

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  const js = require.resolve('@goodtools/wiregasm/dist/wiregasm.js');
  const dist = js.slice(0, js.length - 'wiregasm.js'.length);
  const load = require(js) as (o: object) => Promise<Wg>;
  wg = await load({ locateFile: (p: string) => dist + p, print: () => {}, printErr: () => {}, wasmBinary: readFileSync(dist + 'wiregasm.wasm') });
  wg.init();
  // li5g registers no port: Decode As via its tcp.port preference (tooling-notes).
  expect(wg.setPref('li5g', 'tcp.port', String(X2X3_TEST_FLOW.dstPort)).code).toBe(0);
  wg.applyPreferences();
  const dir = mkdtempSync(join(tmpdir(), 'msrptap-wg-'));
  const file = join(dir, 'x2.pcap');
  writeFileSync(
    file,
    pduPcap(
      EVENTS.map((r, i) => encodeX2X3Record(r, i)),
      X2X3_TEST_FLOW,
    ),
  );
  wg.FS.writeFile('/uploads/x2.pcap', readFileSync(file));
  session = new wg.DissectSession('/uploads/x2.pcap');
  expect(session.load().code).toBe(0);
}, 120_000);

afterAll(() => {
  session?.delete();
  wg?.destroy();
});

describe('Wireshark 4.4 (wiregasm) decodes msrptap X2 IMS/RCS events', () => {
  it.each(EXPECTED.map(([name, tag], i) => [name, tag, i + 1] as const))('%s (tag %i) in frame %i', (name, tag, frame) => {
    expect(EVENTS[frame - 1]!.event.kind).toBe(name);
    const nodes = labels(session.getFrame(frame).tree);
    const event = nodes.find((n) => n.filter === `lix2.event == ${tag}`);
    expect(event?.label).toBe(`event: ${name} (${tag})`);
    expect(nodes.some((n) => n.filter === 'lix2.xIRIPayloadOID == .4.19.19.8.1' || /xIRIPayloadOID: \.?4\.19\.19\.8\.1/.test(n.label))).toBe(true);
    const bad = nodes.filter((n) => /BER Error|Malformed|Dissector bug|unknown field/i.test(n.label));
    expect(bad.map((n) => n.label)).toEqual([]);
  });

  it('display filters select by event', () => {
    expect(session.getFrames('lix2.event == 141', 0, 0).matched).toBe(1);
    expect(session.getFrames('li5g.pf == 2', 0, 0).matched).toBe(EVENTS.length);
  });
});
