/**
 * What the parts of the correlator share (./correlator.ts wires them): the target matcher (a
 * task reload replaces it), the capture clock, the anomaly sink and the limits, resolved once
 * from {@link CorrelatorOptions}.
 */
import type { AnomalySink } from '../core/anomaly.js';
import type { NetworkContext } from '../records/network-context.js';
import { DEFAULT_MAX_LIVE_AUDIT_MESSAGES, type CorrelatorOptions } from './correlator-options.js';
import { MsrpBypass } from './msrp-bypass.js';
import { TargetMatcher } from './target-matcher.js';
import type { Task, TaskSet } from './tasks-file.js';

/** Capture time as seconds (the clock of every timeout). */
export function captureTime(sec: number, nsec: number): number {
  return sec + nsec / 1e9;
}

/** The task list of a tasks file or a plain list. */
export function taskList(tasks: TaskSet | readonly Task[]): readonly Task[] {
  return 'tasks' in tasks ? (tasks as TaskSet).tasks : (tasks as readonly Task[]);
}

export class CorrelatorContext {
  /** Replaced by a task reload (./task-reload.ts). */
  matcher: TargetMatcher;
  /** Latest capture time seen (seconds); never goes back. */
  now = 0;
  readonly anomalies: AnomalySink;
  readonly includeNonTargets: boolean;
  readonly auditDetails: boolean;
  /** MSRP sessions without SIP tracked at once, and their idle timeout (s). */
  readonly maxUnc: number;
  readonly uncIdle: number;
  readonly maxHeldPerSession: number;
  readonly maxHeldTotal: number;
  readonly maxContent: number;
  readonly maxCcFrame: number;
  readonly releaseHold: number;
  readonly maxAuditSessions: number;
  readonly maxAuditMessages: number;
  readonly maxLiveAuditMessages: number;
  readonly maxAuditLadder: number;
  /** Issue 15: this tap's name, the trigger caps and the wall clock (ms) of the trigger latency. */
  readonly tapId: string | null;
  readonly maxTriggers: number;
  readonly triggerRetention: number;
  readonly triggerMaxOpen: number;
  readonly triggerClockSkew: number;
  readonly wallClockMs: () => number;
  /** Which MSRP directions the flow layer may pass over (./msrp-bypass.ts). */
  readonly bypass: MsrpBypass;
  /** See CorrelatorOptions.tlsDecryption. */
  readonly tlsDecryption: boolean;

  constructor(options: CorrelatorOptions) {
    this.matcher = new TargetMatcher(taskList(options.tasks));
    this.anomalies = options.anomalies;
    this.includeNonTargets = options.includeNonTargets ?? false;
    this.auditDetails = options.auditDetails ?? true;
    this.maxUnc = options.maxUncorrelatedSessions ?? 10_000;
    this.uncIdle = options.uncorrelatedIdleSec ?? 300;
    this.maxHeldPerSession = options.maxHeldBytesPerSession ?? 64 * 1024;
    this.maxHeldTotal = options.maxHeldBytesTotal ?? 8 * 1024 * 1024;
    this.maxContent = options.maxContentBytes ?? 16 * 1024 * 1024;
    this.maxCcFrame = options.maxCcFrameBytes ?? 64 * 1024 * 1024;
    this.releaseHold = options.releaseHoldSec ?? 5;
    this.maxAuditSessions = options.maxAuditSessions ?? 100_000;
    this.maxAuditMessages = options.maxAuditMessagesPerSession ?? 10_000;
    this.maxLiveAuditMessages = options.maxLiveAuditMessages ?? DEFAULT_MAX_LIVE_AUDIT_MESSAGES;
    this.maxAuditLadder = options.maxAuditLadderPerSession ?? 2000;
    this.tapId = options.tapId ?? null;
    this.maxTriggers = options.maxTriggers ?? 10_000;
    this.triggerRetention = options.triggerRetentionSec ?? 300;
    this.triggerMaxOpen = options.triggerMaxOpenSec ?? 86_400;
    this.triggerClockSkew = options.triggerClockSkewSec ?? 0;
    this.wallClockMs = options.wallClockMs ?? (() => performance.now());
    this.bypass = new MsrpBypass(this.anomalies);
    this.tlsDecryption = options.tlsDecryption ?? false;
  }

  /** `base` moved to the current capture time (records made by a task reload, not by a packet). */
  atNow(base: NetworkContext): NetworkContext {
    const sec = Math.floor(this.now);
    return { ...base, tsSec: sec, tsNsec: Math.round((this.now - sec) * 1e9) % 1e9 };
  }
}
