/**
 * The SIP/MSRP scenario samples: the committed truth, tasks and markers files are exactly what
 * the generator writes, the generator is deterministic, and every truth file obeys the audit
 * format and the rules of samples/README.md ("Scenario samples"). The truth is checked against
 * the capture bytes themselves in scenarios-capture.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_SAMPLES, buildScenarioExtras } from '../../../samples/gen/generate.js';
import { jsonText, SCENARIOS, scenarioSideFiles, type AuditTruth, type TasksFile, type TruthSession } from '../../../samples/gen/scenarios/index.js';
import { ANOMALIES } from '../../../src/core/anomaly.js';
import { bytesEqual } from '../../../src/util/bytes.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const PCAP_DIR = join(ROOT, 'samples/pcap');
const TASKS_DIR = join(ROOT, 'samples/tasks');

const built = SCENARIOS.map((s) => s.build());
const extras = buildScenarioExtras();

const SESSION_KEYS = ['callId', 'xid', 'liid', 'matchedIdentity', 'startTime', 'endTime', 'msrpSessionIds', 'connections', 'messages', 'files'];
const MESSAGE_KEYS = ['messageId', 'direction', 'contentType', 'innerContentType', 'size', 'sha256', 'innerSha256', 'chunks', 'status', 'reportStatuses'];
const FILE_KEYS = ['name', 'size', 'sha256', 'sha1', 'hashVerified'];
const ISO_NS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;
const HEX64 = /^[0-9a-f]{64}$/;
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;
/** `ip:port-ip:port` with IPv6 in brackets (RFC 3986 section 3.2.2). */
const CONNECTION = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\]):\d{1,5}-(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\]):\d{1,5}$/;

/** ISO time of the truth → `sec.nnnnnnnnn` as tshark / the expected.json print it. */
function isoToEpoch(iso: string): string {
  const sec = Date.parse(iso.slice(0, 19) + 'Z') / 1000;
  return `${sec}.${iso.slice(20, 29)}`;
}

describe('scenario samples: files', () => {
  it('lists 14 scenarios with unique names, each a sample of the generator', () => {
    expect(SCENARIOS.length).toBe(14);
    expect(new Set(SCENARIOS.map((s) => s.name)).size).toBe(14);
    const files = ALL_SAMPLES.map((s) => s.file);
    for (const s of SCENARIOS) expect(files).toContain(`${s.name}.pcap`);
  });

  it('writes a truth and a tasks file per scenario, markers where there is non-target traffic', () => {
    expect(extras.pcap.filter((f) => f.name.endsWith('.truth.json')).map((f) => f.name)).toEqual(SCENARIOS.map((s) => `${s.name}.truth.json`));
    expect(extras.tasks.map((f) => f.name)).toEqual(SCENARIOS.map((s) => `${s.name}.tasks.json`));
    const markers = extras.pcap.filter((f) => f.name.endsWith('.non-target-markers.json')).map((f) => f.name);
    expect(markers).toContain('mixed-non-target.non-target-markers.json');
  });

  it.each([...extras.pcap.map((f) => ['pcap', f] as const), ...extras.tasks.map((f) => ['tasks', f] as const)].map(([d, f]) => [`${d}/${f.name}`, d, f] as const))(
    '%s is byte-identical to the committed file (run `npm run samples` after changing the generator)',
    (_label, dir, f) => {
      let committed: Buffer;
      try {
        committed = readFileSync(join(dir === 'pcap' ? PCAP_DIR : TASKS_DIR, f.name));
      } catch {
        throw new Error(`samples/${dir}/${f.name} is missing: run npm run samples`);
      }
      expect(bytesEqual(f.bytes, committed)).toBe(true);
    },
  );

  it('every committed truth / markers / tasks file comes from the generator', () => {
    const gen = new Set(extras.pcap.map((f) => f.name));
    for (const f of readdirSync(PCAP_DIR).filter((n) => n.endsWith('.truth.json') || n.endsWith('.non-target-markers.json'))) expect(gen.has(f), f).toBe(true);
    const tasks = new Set(extras.tasks.map((f) => f.name));
    for (const f of readdirSync(TASKS_DIR)) expect(tasks.has(f), f).toBe(true);
  });

  it('is deterministic: a second build gives identical captures, truth, tasks and markers', () => {
    SCENARIOS.forEach((s, i) => {
      const again = s.build();
      expect(bytesEqual(again.capture.bytes(), built[i]!.capture.bytes()), s.name).toBe(true);
      const a = scenarioSideFiles(again);
      const b = scenarioSideFiles(built[i]!);
      expect(a.map((f) => f.name)).toEqual(b.map((f) => f.name));
      a.forEach((f, k) => {
        expect(bytesEqual(f.bytes, b[k]!.bytes), f.name).toBe(true);
      });
    });
  });

  it('the sample list builds the same capture as the scenario', () => {
    for (const r of built) {
      const def = ALL_SAMPLES.find((s) => s.file === `${r.name}.pcap`)!;
      expect(bytesEqual(def.build().bytes(), r.capture.bytes()), r.name).toBe(true);
    }
  });

  it('writes JSON with 2-space indent and a final newline', () => {
    expect(jsonText({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}\n');
  });
});

describe.each(built.map((r) => [r.name, r] as const))('scenario %s: truth', (_name, r) => {
  const truth: AuditTruth = r.truth;
  const tasks: TasksFile = r.tasks;
  const all: { s: TruthSession; correlated: boolean }[] = [...truth.sessions.map((s) => ({ s, correlated: true })), ...truth.uncorrelated.map((s) => ({ s, correlated: false }))];
  const exp = r.capture.expected();

  it('has the audit format: top-level keys, session / message / file keys in order, value types', () => {
    expect(Object.keys(truth)).toEqual(['sessions', 'uncorrelated', 'anomalies']);
    expect(all.length).toBeGreaterThan(0);
    for (const { s, correlated } of all) {
      expect(Object.keys(s)).toEqual(correlated ? SESSION_KEYS : SESSION_KEYS.slice(1));
      if (correlated) expect(typeof s.callId).toBe('string');
      for (const m of s.messages) {
        expect(Object.keys(m)).toEqual(MESSAGE_KEYS);
        expect(['fromTarget', 'toTarget']).toContain(m.direction);
        expect(['complete', 'aborted', 'incomplete']).toContain(m.status);
        expect(m.contentType).toMatch(MEDIA_TYPE);
        if (m.innerContentType !== null) expect(m.innerContentType).toMatch(MEDIA_TYPE);
        for (const st of m.reportStatuses) expect(st).toMatch(/^\d{3}$/);
      }
      for (const f of s.files) expect(Object.keys(f)).toEqual(FILE_KEYS);
    }
  });

  it('sessions name a task of the tasks file and one of its identifiers', () => {
    expect(tasks.tasks.length).toBeGreaterThan(0);
    for (const t of tasks.tasks) {
      expect(t.xid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(['X2andX3', 'X2Only', 'X3Only']).toContain(t.deliveryType);
      for (const id of t.targetIdentifiers) expect(Object.keys(id)).toHaveLength(1);
    }
    for (const { s } of all) {
      const task = tasks.tasks.find((t) => t.xid === s.xid);
      expect(task, s.xid).toBeDefined();
      expect(s.liid).toBe(task!.liid);
      expect(task!.targetIdentifiers.map((i) => Object.values(i)[0])).toContain(s.matchedIdentity);
    }
  });

  it('times are ISO-8601 UTC with nanoseconds, start <= end, inside the capture, sessions in order of start', () => {
    let prev = '';
    for (const { s } of all) {
      expect(s.startTime).toMatch(ISO_NS);
      expect(s.endTime).toMatch(ISO_NS);
      expect(s.startTime <= s.endTime).toBe(true);
      expect(isoToEpoch(s.startTime) >= exp.firstTimestamp!).toBe(true);
      expect(isoToEpoch(s.endTime) <= exp.lastTimestamp!).toBe(true);
    }
    for (const s of truth.sessions) {
      expect(s.startTime >= prev, 'sessions in order of first appearance').toBe(true);
      prev = s.startTime;
    }
  });

  it('connections are client-first ip:port pairs and session ids are unique', () => {
    for (const { s } of all) {
      for (const c of s.connections) expect(c).toMatch(CONNECTION);
      expect(new Set(s.connections).size).toBe(s.connections.length);
      expect(new Set(s.msrpSessionIds).size).toBe(s.msrpSessionIds.length);
      for (const id of s.msrpSessionIds) expect(id).toMatch(/^[A-Za-z0-9]+$/);
      // A session with MSRP messages has its connections and session ids.
      if (s.messages.some((m) => m.chunks > 0)) {
        expect(s.connections.length).toBeGreaterThan(0);
        expect(s.msrpSessionIds.length).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('message hashes, sizes and statuses follow the rules', () => {
    for (const { s } of all) {
      const ids = s.messages.map((m) => m.messageId).filter((id) => id !== null);
      expect(new Set(ids).size, 'Message-IDs unique within a session').toBe(ids.length);
      const pager = s.msrpSessionIds.length === 0;
      for (const m of s.messages) {
        expect(m.size).toBeGreaterThan(0);
        if (m.status === 'incomplete') expect(m.sha256).toBeNull();
        else expect(m.sha256).toMatch(HEX64);
        if (m.status === 'complete' && m.contentType === 'message/cpim') expect(m.innerSha256).toMatch(HEX64);
        else expect(m.innerSha256).toBeNull();
        expect(m.innerContentType === null).toBe(m.contentType !== 'message/cpim');
        if (pager) {
          expect(m.chunks).toBe(0);
          expect(m.status).toBe('complete');
        } else {
          expect(m.chunks).toBeGreaterThanOrEqual(1);
          expect(m.messageId).not.toBeNull();
        }
      }
    }
  });

  it('files are bodies of messages of the session; hashVerified only when the sha-1 is right', () => {
    for (const { s } of all) {
      for (const f of s.files) {
        expect(f.sha256).toMatch(HEX64);
        expect(f.sha1).toMatch(/^[0-9a-f]{40}$/);
        const carrier = s.messages.find((m) => m.sha256 === f.sha256 || m.innerSha256 === f.sha256);
        expect(carrier, f.name).toBeDefined();
        if (carrier!.sha256 === f.sha256) expect(carrier!.size).toBe(f.size);
      }
    }
  });

  it('anomaly codes are declared in the project registry', () => {
    for (const [code, n] of Object.entries(truth.anomalies)) {
      expect(Object.keys(ANOMALIES), code).toContain(code);
      expect(n).toBeGreaterThan(0);
    }
  });

  it('non-target markers never appear in the truth or tasks, and do appear in the capture', () => {
    if (r.markers === null) return;
    expect(r.markers.length).toBeGreaterThan(0);
    const text = JSON.stringify(truth) + JSON.stringify(tasks);
    const capture = Buffer.from(r.capture.bytes()).toString('latin1');
    for (const mk of r.markers) {
      expect(mk.length).toBeGreaterThanOrEqual(8);
      expect(text.includes(mk), mk).toBe(false);
      expect(capture.includes(mk), mk).toBe(true);
    }
  });
});

describe('scenario rules that the scenarios exist to show', () => {
  const byName = new Map(built.map((r) => [r.name, r.truth]));
  const msgs = (n: string) => byName.get(n)!.sessions.flatMap((s) => s.messages);

  it('chunked: one aborted and one incomplete message, interleaved messages complete, * totals counted', () => {
    const m = msgs('chunked');
    expect(m.filter((x) => x.status === 'aborted')).toHaveLength(1);
    const inc = m.filter((x) => x.status === 'incomplete');
    expect(inc).toHaveLength(1);
    expect(inc[0]!.chunks).toBe(2);
    expect(m.filter((x) => x.status === 'complete' && x.chunks === 3)).toHaveLength(2);
    expect(byName.get('chunked')!.anomalies).toEqual({ 'msrp.message_incomplete': 1, 'tcp.gap': 1 });
  });

  it('relay-two-legs: two connections, each message once, a 2-chunk message counted once', () => {
    const s = byName.get('relay-two-legs')!.sessions[0]!;
    expect(s.connections).toHaveLength(2);
    expect(s.messages.map((x) => x.chunks)).toContain(2);
    expect(s.messages.find((x) => x.reportStatuses.length > 0)!.reportStatuses).toEqual(['200']);
  });

  it('file-transfer: one verified and one unverified file', () => {
    const files = byName.get('file-transfer')!.sessions.flatMap((s) => s.files);
    expect(files.map((f) => f.hashVerified)).toEqual([true, false]);
    expect(files[0]!.size).toBe(51_200);
  });

  it('msrp-no-sip: only uncorrelated; mixed-non-target: one session', () => {
    expect(byName.get('msrp-no-sip')!.sessions).toEqual([]);
    expect(byName.get('msrp-no-sip')!.uncorrelated).toHaveLength(1);
    expect(byName.get('mixed-non-target')!.sessions).toHaveLength(1);
  });

  it('reinvite-update: four calls; the re-INVITE adds session ids and a connection; failed calls have no messages', () => {
    const s = byName.get('reinvite-update')!.sessions;
    expect(s).toHaveLength(4);
    expect(s[0]!.msrpSessionIds).toHaveLength(4);
    expect(s[0]!.connections).toHaveLength(2);
    expect(s[1]!.messages).toEqual([]);
    expect(s[2]!.messages).toEqual([]);
    expect(s[1]!.connections).toEqual([]);
  });

  it('pager-mode: one session per MESSAGE, one message each, the plain-text one without Message-ID', () => {
    const s = byName.get('pager-mode')!.sessions;
    expect(s.map((x) => x.messages.length)).toEqual([1, 1, 1]);
    expect(s.map((x) => x.messages[0]!.direction)).toEqual(['fromTarget', 'toTarget', 'fromTarget']);
    expect(s[2]!.messages[0]!.messageId).toBeNull();
  });

  it('ipv6-session: bracketed IPv6 connections, nanosecond times', () => {
    const s = byName.get('ipv6-session')!.sessions[0]!;
    expect(s.connections[0]).toMatch(/^\[2001:db8:/);
    expect(s.startTime).not.toMatch(/000Z$/);
  });
});
