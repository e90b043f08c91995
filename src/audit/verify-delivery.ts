/**
 * `msrptap verify`: checks one LIID's delivered files against the capture, record by record
 * (issue 6). Pure: the CLI reads the files, decodes them, re-runs the pipeline and fills the
 * wire index; this decides. The checks are independent of each other, so one tampering shows
 * up under every check it breaks:
 *
 * - manifest  present, for this LIID, naming the captures by their actual sha256;
 * - signature Ed25519 over the manifest (./custody-manifest.ts), under the pinned key if given;
 * - chain     every file's sha256 and record hash chain equal the manifest's;
 * - decode    every file decodes to its end;
 * - sequence  X2/X3 sequence numbers per XID are 0, 1, 2, … in file order (TS 103 221-2 §5.3.3 attr 8);
 * - targets   every PDU's XID is a task of this LIID and its matched target identifier one of
 *             that task's targets;
 * - wire      every X3 payload occurs byte for byte in the TCP stream of its 5-tuple, ending in
 *             the segment captured at its timestamp, in wire order (./wire-stream-index.ts: no
 *             MSRP parsing, correlation or encoding involved);
 * - reproduce every file equals, record for record, what the pipeline derives from the capture
 *             (sha256 per record; first difference named: changed, missing, extra, reordered);
 * - coverage  every message of the audit for this LIID has its records (X3 chunks carrying its
 *             Message-ID for CC tasks, an rCSMessage for IRI tasks);
 * - non-target every X3 lies on an MSRP connection of one of this LIID's sessions, and every
 *             PDU's correlation id is one the pipeline gave this LIID;
 * - framing   every X3 payload is exactly one MSRP request of one of this LIID's sessions, by a
 *             re-framing of the payload independent of the tap's framer (./msrp-framing-problem.ts).
 */
import type { KeyObject } from 'node:crypto';
import { latin1 } from '../util/bytes.js';
import { checkChain, verifyManifestSignature, type CustodyManifest, type ManifestCapture, type ManifestTask } from './custody-manifest.js';
import { msrpFramingProblem } from './msrp-framing-problem.js';
import { directionKey, type WireStreamIndex } from './wire-stream-index.js';

/** One decoded X2/X3 PDU of `x2x3.pdu`. */
export interface DeliveredPdu {
  readonly pduType: number;
  readonly xid: string;
  readonly correlationId: string;
  readonly sequenceNumber: number | null;
  readonly tsSec: number | null;
  readonly tsNsec: number | null;
  /** Endpoint keys from attributes 10-15 ({@link endpointKeyOf}), null when absent. */
  readonly src: string | null;
  readonly dst: string | null;
  readonly matchedTarget: string | null;
  readonly payload: Uint8Array;
}

export interface DeliveredFile {
  readonly name: string;
  /** The records as separate byte strings, in file order (the framing each format defines). */
  readonly records: readonly Uint8Array[];
  readonly sha256: string;
  /** The file's size. */
  readonly bytes: number;
  /** Why decoding stopped early, or null. */
  readonly decodeError: string | null;
}

/** Key of an endpoint from its raw address bytes: `hex(address)/port` (no text formatting to disagree on). */
export function endpointKeyOf(addr: Uint8Array, port: number): string {
  return `${Buffer.from(addr).toString('hex')}/${port}`;
}

/** An endpoint key for people: dotted IPv4, or the 8 IPv6 groups. */
export function endpointKeyText(key: string): string {
  const [hex, port] = key.split('/');
  const b = Buffer.from(hex ?? '', 'hex');
  if (b.length === 4) return `${[...b].join('.')}:${port}`;
  const groups: string[] = [];
  for (let i = 0; i + 1 < b.length; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  return `[${groups.join(':')}]:${port}`;
}

/** What the audit says this LIID intercepted (structurally the correlator's AuditSession). */
export interface VerifySession {
  /** Endpoint session-ids of the session's MSRP (SDP a=path, or the frames of a session without SIP). */
  readonly msrpSessionIds?: readonly string[];
  readonly messages: readonly { readonly messageId: string | null; readonly carriedBy: 'msrp' | 'sip'; readonly chunks: number; readonly size: number; readonly firstFrame: number }[];
}

export interface VerifyLiidInput {
  readonly liid: string;
  /** The tasks file's tasks of this LIID. */
  readonly tasks: readonly ManifestTask[];
  readonly manifest: CustodyManifest | null;
  /** Why the manifest could not be read (missing, not JSON). */
  readonly manifestError: string | null;
  readonly pinnedKey?: KeyObject;
  readonly requireSignature?: boolean;
  /** The captures given to verify, hashed now. */
  readonly captures: readonly ManifestCapture[];
  readonly files: readonly DeliveredFile[];
  /** Record sha256s per file name, as the pipeline derives them from the capture. */
  readonly expected: ReadonlyMap<string, readonly string[]>;
  readonly expectedCorrelationIds: ReadonlySet<string>;
  readonly pdus: readonly DeliveredPdu[];
  /** rCSMessage Message-IDs found in records.pb. */
  readonly iriMessageIds: ReadonlySet<string>;
  readonly sessions: readonly VerifySession[];
  /** TCP directions (`srcKey-dstKey`) of the CC the pipeline derives for this LIID from the capture. */
  readonly targetDirections: ReadonlySet<string>;
  readonly wire: WireStreamIndex;
  /** Record sha256 of each delivered record, per file (same order as `files[i].records`). */
  readonly recordHashes: ReadonlyMap<string, readonly string[]>;
}

export type CheckName = 'manifest' | 'signature' | 'chain' | 'decode' | 'sequence' | 'targets' | 'wire' | 'reproduce' | 'coverage' | 'non-target' | 'framing';

export interface CheckResult {
  readonly name: CheckName;
  readonly ok: boolean;
  /** One line per problem (numbers, file names and frame numbers; never content). */
  readonly problems: readonly string[];
  /** A summary when ok (what was checked). */
  readonly summary: string;
}

export interface LiidVerdict {
  readonly liid: string;
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
}

const MAX_PROBLEMS = 20;

class Check {
  readonly problems: string[] = [];
  private extra = 0;
  summary = '';
  constructor(readonly name: CheckName) {}
  fail(p: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(p);
    else this.extra++;
  }
  result(): CheckResult {
    const problems = this.extra > 0 ? [...this.problems, `… and ${this.extra} more`] : this.problems;
    return { name: this.name, ok: this.problems.length === 0, problems, summary: this.summary };
  }
}

function checkManifest(i: VerifyLiidInput, c: Check, sig: Check, chain: Check): void {
  const m = i.manifest;
  if (m === null) {
    c.fail(`no manifest: ${i.manifestError ?? 'missing'}`);
    sig.fail('no manifest to check');
    chain.fail('no manifest to check');
    return;
  }
  if (m.liid !== i.liid) c.fail(`manifest is for LIID ${JSON.stringify(m.liid)}`);
  if (m.interrupted === true) c.fail('the run was interrupted by a stop signal before the end of its input: the files hold only what was read until then (run again to the end to verify)');
  const byPath = new Map(i.captures.map((x) => [x.sha256, x]));
  for (const cap of m.captures) {
    if (cap.sha256 === null) c.fail(`manifest capture ${cap.path} has no hash (standard input, a pipe or live): cannot tie the records to a file`);
    else if (!byPath.has(cap.sha256)) c.fail(`manifest capture ${cap.path} sha256 ${cap.sha256.slice(0, 16)}… is not among the captures given`);
  }
  for (const cap of i.captures) if (cap.sha256 !== null && !m.captures.some((x) => x.sha256 === cap.sha256)) c.fail(`capture ${cap.path} is not named in the manifest`);
  const want = i.tasks.map((t) => `${t.xid}|${t.deliveryType}`).sort();
  const got = m.tasks.map((t) => `${t.xid}|${t.deliveryType}`).sort();
  if (want.join() !== got.join()) c.fail(`manifest tasks ${got.join(', ')} differ from the tasks file ${want.join(', ')}`);
  const targetsOf = (ts: readonly ManifestTask[]): Map<string, string> => new Map(ts.map((t) => [t.xid.toLowerCase(), [...t.targets].sort().join('\n')]));
  const wantTargets = targetsOf(i.tasks);
  // Named by XID only: target identities never go into the verdict.
  for (const [xid, targets] of targetsOf(m.tasks)) if (wantTargets.has(xid) && wantTargets.get(xid) !== targets) c.fail(`manifest task ${xid}: target identifiers differ from the tasks file`);
  const ps = m.encoder.psHeader;
  c.summary = `msrptap ${m.tool.version}, ${m.captures.length} capture(s), ${m.files.length} file(s)${ps !== undefined ? `; HI2/HI3 re-derived with the manifest's PS-PDU header (operatorIdentifier ${JSON.stringify(ps.operatorIdentifier)})` : ''}`;

  const s = verifyManifestSignature(m, i.pinnedKey);
  if (s.status === 'invalid') sig.fail('signature does not verify');
  else if (s.status === 'wrong_key') sig.fail(`signed with key ${s.keyFingerprint}, not the pinned key`);
  else if (s.status === 'unsigned' && i.requireSignature === true) sig.fail('manifest is not signed');
  sig.summary = s.status === 'valid' ? `Ed25519 signature valid (key ${s.keyFingerprint}${s.pinned ? ', pinned' : ', not pinned: pass --public-key to bind it to a signer'})` : 'unsigned';

  const delivered = new Map(i.files.map((f) => [f.name, f]));
  for (const mf of m.files) {
    const f = delivered.get(mf.name);
    if (f === undefined) {
      chain.fail(`${mf.name}: listed in the manifest (${mf.records} records) but missing`);
      continue;
    }
    if (f.sha256 !== mf.sha256) chain.fail(`${mf.name}: sha256 differs from the manifest`);
    if (f.bytes !== mf.bytes) chain.fail(`${mf.name}: manifest lists ${mf.bytes} bytes, the file holds ${f.bytes}`);
    const r = checkChain(i.liid, mf, f.records);
    if (!r.ok) chain.fail(`${mf.name}: ${r.problem}${r.firstBadRecord !== null ? ` (record ${r.firstBadRecord})` : ''}`);
  }
  for (const f of i.files) if (!m.files.some((x) => x.name === f.name)) chain.fail(`${f.name}: not listed in the manifest`);
  chain.summary = `${m.files.reduce((n, f) => n + f.records, 0)} records chained`;
}

function checkSequences(i: VerifyLiidInput, seq: Check, targets: Check): void {
  const next = new Map<string, number>();
  const tasks = new Map(i.tasks.map((t) => [t.xid.toLowerCase(), t]));
  i.pdus.forEach((p, k) => {
    const xid = p.xid.toLowerCase();
    const want = next.get(xid) ?? 0;
    if (p.sequenceNumber === null) seq.fail(`x2x3.pdu record ${k}: no sequence number`);
    else if (p.sequenceNumber !== want) seq.fail(`x2x3.pdu record ${k}: XID ${xid} sequence ${p.sequenceNumber}, expected ${want}${p.sequenceNumber > want ? ` (${p.sequenceNumber - want} missing)` : ' (repeated or reordered)'}`);
    next.set(xid, (p.sequenceNumber ?? want) + 1);
    const t = tasks.get(xid);
    if (t === undefined) targets.fail(`x2x3.pdu record ${k}: XID ${xid} is not a task of LIID ${i.liid}`);
    else if (p.matchedTarget !== null && !t.targets.includes(p.matchedTarget)) targets.fail(`x2x3.pdu record ${k}: matched target identifier is not one of the task's targets`);
  });
  seq.summary = `${i.pdus.length} PDUs over ${next.size} XID(s), no gap`;
  targets.summary = `every PDU belongs to a task of ${i.liid}`;
}

function checkWire(i: VerifyLiidInput, wire: Check, nonTarget: Check): void {
  const cursor = new Map<string, number>();
  let x3 = 0;
  i.pdus.forEach((p, k) => {
    if (!i.expectedCorrelationIds.has(p.correlationId)) nonTarget.fail(`x2x3.pdu record ${k}: correlation id ${p.correlationId} belongs to no session of this LIID`);
    if (p.pduType !== 2) return;
    x3++;
    if (p.src === null || p.dst === null || p.tsSec === null || p.tsNsec === null) {
      wire.fail(`x2x3.pdu record ${k}: X3 PDU without 5-tuple or timestamp`);
      return;
    }
    const key = directionKey(p.src, p.dst);
    const route = `${endpointKeyText(p.src)} → ${endpointKeyText(p.dst)}`;
    if (!i.targetDirections.has(key)) nonTarget.fail(`x2x3.pdu record ${k}: ${route} carries no MSRP of a session of this LIID`);
    const ck = `${p.xid}|${key}`;
    const from = cursor.get(ck) ?? 0;
    const r = i.wire.find(key, p.payload, from, p.tsSec, p.tsNsec);
    if (r.found) {
      cursor.set(ck, r.match.offset + p.payload.length);
      return;
    }
    const why = {
      no_stream: 'no such TCP stream in the capture',
      overflow: 'stream too large to hold (raise the cap)',
      not_found: 'payload bytes do not occur in that TCP stream',
      wrong_time: 'payload occurs, but not in a segment captured at the PDU timestamp',
      out_of_order: `payload occurs earlier in the stream (frames ${r.earlier?.firstFrame}-${r.earlier?.lastFrame}) than the record before it: records reordered or repeated`,
    }[r.reason];
    wire.fail(`x2x3.pdu record ${k} (X3 seq ${p.sequenceNumber ?? '?'} ${route}): ${why}`);
  });
  wire.summary = `${x3} X3 payloads byte-identical to the wire, in wire order`;
  nonTarget.summary = 'every record lies on a target session of this LIID';
}

function checkReproduce(i: VerifyLiidInput, c: Check): void {
  const names = new Set([...i.expected.keys(), ...i.recordHashes.keys()]);
  let n = 0;
  for (const name of [...names].sort()) {
    const want = i.expected.get(name) ?? [];
    const got = i.recordHashes.get(name) ?? [];
    n += want.length;
    let k = 0;
    while (k < want.length && k < got.length && want[k] === got[k]) k++;
    if (k === want.length && k === got.length) continue;
    const wantSet = new Set(want);
    const gotSet = new Set(got);
    let what: string;
    if (k === got.length) what = `${want.length - got.length} record(s) missing from record ${k} on`;
    else if (k === want.length) what = `${got.length - want.length} extra record(s) from record ${k} on`;
    else if (!wantSet.has(got[k]!)) what = `record ${k} differs from what the capture gives (changed or foreign)`;
    else if (want.length === got.length && [...gotSet].every((h) => wantSet.has(h))) what = `records reordered from record ${k} on`;
    else if (!gotSet.has(want[k]!)) what = `record ${k} of the capture is missing`;
    else what = `record ${k} differs`;
    c.fail(`${name}: ${what} (delivered ${got.length}, expected ${want.length})`);
  }
  c.summary = `${n} records equal what the capture gives`;
}

function checkCoverage(i: VerifyLiidInput, c: Check): void {
  const wantsCc = i.tasks.some((t) => t.deliveryType !== 'X2Only');
  const wantsIri = i.tasks.some((t) => t.deliveryType !== 'X3Only');
  const ccIds = new Map<string, number>();
  for (const p of i.pdus) {
    if (p.pduType !== 2) continue;
    const m = /\r\nMessage-ID:[ \t]*([^\r\n \t]+)/i.exec(latin1(p.payload, 0, Math.min(p.payload.length, 4096)));
    if (m !== null) ccIds.set(m[1]!, (ccIds.get(m[1]!) ?? 0) + 1);
  }
  let n = 0;
  for (const s of i.sessions) {
    for (const m of s.messages) {
      if (m.messageId === null) continue;
      n++;
      if (wantsCc && m.carriedBy === 'msrp' && (ccIds.get(m.messageId) ?? 0) < m.chunks) c.fail(`message first seen in frame ${m.firstFrame}: ${ccIds.get(m.messageId) ?? 0} X3 chunk records, the audit counts ${m.chunks} chunks`);
      if (wantsIri && m.size > 0 && !i.iriMessageIds.has(m.messageId)) c.fail(`message first seen in frame ${m.firstFrame}: no rCSMessage record`);
    }
  }
  c.summary = `${n} audited messages have their records`;
}

function checkFraming(i: VerifyLiidInput, c: Check): void {
  const sids = new Set<string>();
  for (const s of i.sessions) for (const sid of s.msrpSessionIds ?? []) sids.add(sid);
  let x3 = 0;
  i.pdus.forEach((p, k) => {
    if (p.pduType !== 2) return;
    x3++;
    const problem = msrpFramingProblem(p.payload, sids);
    if (problem !== null) c.fail(`x2x3.pdu record ${k} (X3 seq ${p.sequenceNumber ?? '?'}): ${problem}`);
  });
  c.summary = `${x3} X3 payloads are one MSRP request each, of a session of this LIID`;
}

/** Verifies one LIID. */
export function verifyLiid(i: VerifyLiidInput): LiidVerdict {
  const checks = {
    manifest: new Check('manifest'),
    signature: new Check('signature'),
    chain: new Check('chain'),
    decode: new Check('decode'),
    sequence: new Check('sequence'),
    targets: new Check('targets'),
    wire: new Check('wire'),
    reproduce: new Check('reproduce'),
    coverage: new Check('coverage'),
    nonTarget: new Check('non-target'),
    framing: new Check('framing'),
  };
  checkManifest(i, checks.manifest, checks.signature, checks.chain);
  for (const f of i.files) if (f.decodeError !== null) checks.decode.fail(`${f.name}: ${f.decodeError}`);
  checks.decode.summary = `${i.files.length} files decode to their end`;
  checkSequences(i, checks.sequence, checks.targets);
  checkWire(i, checks.wire, checks.nonTarget);
  checkReproduce(i, checks.reproduce);
  checkCoverage(i, checks.coverage);
  checkFraming(i, checks.framing);
  const results = Object.values(checks).map((c) => c.result());
  return { liid: i.liid, ok: results.every((r) => r.ok), checks: results };
}

/** Text lines of a verdict, for the CLI. */
export function formatVerdict(v: LiidVerdict): string {
  const lines = [`${v.ok ? 'PASS' : 'FAIL'} ${v.liid}`];
  for (const c of v.checks) {
    if (c.ok) lines.push(`  ok    ${c.name.padEnd(10)} ${c.summary}`);
    else for (const p of c.problems) lines.push(`  FAIL  ${c.name.padEnd(10)} ${p}`);
  }
  return lines.join('\n');
}
