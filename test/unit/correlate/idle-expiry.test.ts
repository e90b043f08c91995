/**
 * Issue 17: the correlator's sessions without SIP and its held releases expire on the shared
 * deadline-ordered IdleTable (src/util/idle-table.ts): a once-a-second sweep looks only at what
 * is due, never at every entry, and closes exactly what the full scan before it closed.
 */
import { describe, expect, it } from 'vitest';
import { anomalyDef, AnomalyCounter } from '../../../src/core/anomaly.js';
import { MemoryAuditStore } from '../../../src/correlate/audit-store.js';
import { CorrelatorContext } from '../../../src/correlate/correlator-context.js';
import { HeldBudget } from '../../../src/correlate/held-budget.js';
import { RecordEmitter } from '../../../src/correlate/record-emitter.js';
import { SessionAudit } from '../../../src/correlate/session-audit.js';
import { SessionRelease } from '../../../src/correlate/session-release.js';
import { SessionTable } from '../../../src/correlate/session-table.js';
import { Session } from '../../../src/correlate/session.js';
import { parseTasksFile } from '../../../src/correlate/tasks-file.js';
import { UncorrelatedSessions } from '../../../src/correlate/uncorrelated-sessions.js';
import { MsrpFramer, type MsrpFrameHead } from '../../../src/protocols/msrp/index.js';
import { cpim, Harness, send, T0, tasksJson, uri } from '../../helpers/correlate-helpers.js';

const CAROL = 'sip:carol@x';

/** A correlator context with one task (so sessions without SIP are kept, not ignored). */
function context(options: { uncorrelatedIdleSec?: number; releaseHoldSec?: number; maxUncorrelatedSessions?: number } = {}): CorrelatorContext {
  return new CorrelatorContext({ tasks: parseTasksFile(tasksJson([{ ids: [{ sipUri: CAROL }] }]), 'tasks.json'), onRecord: () => {}, anomalies: new AnomalyCounter(), ...options });
}

/** Counts reads of `field` on `obj` (the sweep's cost: how many entries it looked at). */
function countReads<T extends object>(obj: T, field: keyof T & string, counter: { reads: number }): void {
  let value = obj[field];
  Object.defineProperty(obj, field, {
    get: () => {
      counter.reads++;
      return value;
    },
    set: (v: T[typeof field]) => {
      value = v;
    },
  });
}

/** The head of a request frame between two endpoint session-ids. */
function head(n: number, tsSec: number): MsrpFrameHead {
  let got: MsrpFrameHead | null = null;
  const framer = new MsrpFramer({ onFrameStart: (x) => (got = x), onBody: () => {}, onRaw: () => {}, onFrameEnd: () => {} });
  framer.push(send({ to: [uri('10.0.1.2', 2855, `b${n}`)], from: [uri('10.0.0.1', 40001, `a${n}`)], mid: `m${n}`, body: 'x' }), n, tsSec, 0);
  if (got === null) throw new Error('test frame did not parse');
  return got;
}

describe('sessions without SIP on the idle table', () => {
  it('a sweep that closes nothing looks at no session; the due ones close at their idle timeout, in creation order', () => {
    const ctx = context({ uncorrelatedIdleSec: 10 });
    const held = new HeldBudget(ctx);
    const audit = new SessionAudit(ctx, new MemoryAuditStore(), undefined);
    const table = new SessionTable(ctx, held, audit, ctx.anomalies);
    const counter = { reads: 0 };
    const create = table.create.bind(table);
    table.create = (...args) => {
      const s = create(...args);
      countReads(s, 'lastActive', counter);
      return s;
    };
    const closed: number[] = [];
    const close = table.close.bind(table);
    table.close = (s) => {
      closed.push(s.order);
      close(s);
    };
    const unc = new UncorrelatedSessions(ctx, table, audit);
    // 1000 sessions, one a second from T0 (idle 10 s).
    for (let i = 0; i < 1000; i++) unc.sessionFor(head(i, T0 + i));
    expect(unc.size).toBe(1000);
    counter.reads = 0;
    unc.sweep(T0 + 9.5);
    // The full scan read every session's lastActive: 1000 reads per sweep.
    expect(counter.reads).toBe(0);
    expect(unc.size).toBe(1000);
    unc.sweep(T0 + 12);
    // Due: sessions 0, 1, 2 (T0 + 2 + 10 = T0 + 12); only those (and the next one up) were looked at.
    expect(closed).toEqual([0, 1, 2]);
    expect(counter.reads).toBeLessThan(10);
  });

  it('a frame delivered late with an older capture time moves the deadline earlier, as the full scan did', () => {
    const h = new Harness([{ ids: [{ sipUri: CAROL }] }], { uncorrelatedIdleSec: 10 });
    const a = uri('10.0.0.1', 40001, 'sidA');
    const b = uri('10.0.1.2', 2855, 'sidB');
    const conn = h.conn(7, { ip: '10.0.0.1', port: 40001 }, { ip: '10.0.1.2', port: 2855 });
    // Created 2 s into the capture (lastActive T0 + 2).
    h.wait(2);
    conn.push(0, send({ to: [b], from: [a], mid: 'w1', body: cpim('sip:x@y', 'sip:z@y', 'first') }));
    h.wait(3);
    // A frame of the same session whose bytes waited behind a TCP gap: captured at T0 + 0.5,
    // handled now. The rule has always been "idle since the last frame handled".
    new MsrpFramer(conn.handlers[0], h.anomalies).push(send({ to: [b], from: [a], mid: 'w2', body: cpim('sip:x@y', 'sip:z@y', 'late') }), h.nextFrame(), T0, 500_000_000);
    h.wait(4.4); // T0 + 9.401: idle 8.9 s since the late frame's time
    expect(h.correlator.stats().uncorrelated).toBe(1);
    h.wait(1.2); // T0 + 10.601: idle 10.1 s (but only 8.6 s since the latest time, T0 + 2.001)
    expect(h.correlator.stats().uncorrelated).toBe(0);
    h.finish();
    expect(h.records).toEqual([]);
  });

  it('the cap evicts the oldest created, reported with the frame that made room', () => {
    const maxCtx = context({ maxUncorrelatedSessions: 3 });
    const held = new HeldBudget(maxCtx);
    const audit = new SessionAudit(maxCtx, new MemoryAuditStore(), undefined);
    const table = new SessionTable(maxCtx, held, audit, maxCtx.anomalies);
    const unc = new UncorrelatedSessions(maxCtx, table, audit);
    const made = [0, 1, 2, 3, 4].map((i) => unc.sessionFor(head(i, T0 + 10 - i))!);
    expect([...unc.values()]).toEqual(made.slice(2));
    expect(made[0]!.closed && made[1]!.closed).toBe(true);
    // Frames 3 and 4 (head(n) is frame n) made room; the detail names the cap.
    expect((maxCtx.anomalies as AnomalyCounter).examplesOf('correlate.uncorrelated_evicted')).toEqual([
      { frame: 3, detail: 'cap=3' },
      { frame: 4, detail: 'cap=3' },
    ]);
    // The evicted sessions' ids no longer bind: a frame of session 0 makes a new session.
    expect(unc.byEndpoints(head(0, T0 + 20))).toBeUndefined();
  });

  it('the cap evicts the first created even when it was active last, and its anomaly says so', () => {
    const maxCtx = context({ maxUncorrelatedSessions: 2 });
    const audit = new SessionAudit(maxCtx, new MemoryAuditStore(), undefined);
    const unc = new UncorrelatedSessions(maxCtx, new SessionTable(maxCtx, new HeldBudget(maxCtx), audit, maxCtx.anomalies), audit);
    const first = unc.sessionFor(head(0, T0))!;
    const second = unc.sessionFor(head(1, T0 + 1))!;
    // A later frame of the first session: it is now the most recently active.
    first.lastActive = T0 + 2;
    unc.touch(first);
    unc.sessionFor(head(2, T0 + 3));
    expect(first.closed).toBe(true);
    expect(second.closed).toBe(false);
    const description = anomalyDef('correlate.uncorrelated_evicted')!.description;
    expect(description).not.toMatch(/least recently/);
    expect(description).toMatch(/first created/);
  });
});

describe('held releases on the idle table', () => {
  it('a sweep before any hold passes looks at no held session; each is released when its hold passes, in the order held', () => {
    const ctx = context({ releaseHoldSec: 5 });
    const release = new SessionRelease(ctx, new RecordEmitter(() => {}, ctx.anomalies, 1 << 20), 10_000);
    const released: number[] = [];
    const emitRelease = release.emitRelease.bind(release);
    release.emitRelease = (s) => {
      released.push(s.order);
      emitRelease(s);
    };
    const counter = { reads: 0 };
    const sessions: Session[] = [];
    ctx.now = T0;
    // Held in reverse creation order: session i's hold passes at T0 + i + 5.
    for (let i = 999; i >= 0; i--) {
      const s = new Session(`k${i}`, `k${i}`, i, null, new Map());
      s.openMessages = 1;
      SessionRelease.of(s).pendingSince = T0 + i;
      release.maybeRelease(s);
      countReads(s, 'openMessages', counter);
      sessions.push(s);
    }
    expect(sessions.every((s) => release.isPending(s))).toBe(true);
    counter.reads = 0;
    ctx.now = T0 + 4.5;
    release.sweep();
    // The full scan asked every held session for its open messages: 1000 reads per sweep.
    expect(counter.reads).toBe(0);
    expect(released).toEqual([]);
    ctx.now = T0 + 9;
    release.sweep();
    // Holds of sessions 0..4 passed: released in the order they were held (4 first).
    expect(released).toEqual([4, 3, 2, 1, 0]);
    expect(counter.reads).toBeLessThan(20);
    expect(sessions.filter((s) => release.isPending(s)).length).toBe(995);
  });
});
