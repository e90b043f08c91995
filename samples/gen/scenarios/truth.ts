/**
 * The scenario samples' golden truth: what `msrptap audit --json` must report for a capture,
 * computed from the generator's own bookkeeping of what it put on the wire (never by re-reading
 * the capture). The rules (which sessions appear, how times, sizes and hashes are derived) are
 * documented in samples/README.md, section "Scenario samples"; this file implements them.
 *
 * Also the X1-style tasks file (ETSI TS 103 221-1 vocabulary: XID, LIID, target identifiers,
 * delivery type) the tap is run with.
 */
import { createHash } from 'node:crypto';
import type { Timestamp } from '../lib/index.js';

// ---------------------------------------------------------------------------------------------
// Tasks file
// ---------------------------------------------------------------------------------------------

/** One target identifier (TS 103 221-1 section 6.2.1 TargetIdentifier choices used by msrptap). */
export type TargetIdentifier = { sipUri: string } | { telUri: string } | { impu: string } | { impi: string } | { e164: string };

/** One intercept task (TS 103 221-1 ActivateTask: XID, LIID, target identifiers, delivery type). */
export interface InterceptTask {
  xid: string;
  liid: string;
  targetIdentifiers: TargetIdentifier[];
  deliveryType: 'X2andX3' | 'X2Only' | 'X3Only';
}

/** Contents of `samples/tasks/<name>.tasks.json`. */
export interface TasksFile {
  tasks: InterceptTask[];
}

/** The string value of an identifier (what `matchedIdentity` reports). */
export function identifierValue(t: TargetIdentifier): string {
  return Object.values(t)[0] as string;
}

// ---------------------------------------------------------------------------------------------
// Audit output shape
// ---------------------------------------------------------------------------------------------

export interface TruthMessage {
  messageId: string | null;
  direction: 'fromTarget' | 'toTarget';
  contentType: string;
  innerContentType: string | null;
  size: number;
  sha256: string | null;
  innerSha256: string | null;
  chunks: number;
  status: 'complete' | 'aborted' | 'incomplete';
  reportStatuses: string[];
}

export interface TruthFile {
  name: string;
  size: number;
  sha256: string;
  sha1: string;
  hashVerified: boolean;
}

/** A correlated session (`callId` set) or an uncorrelated MSRP session (no `callId` key). */
export interface TruthSession {
  callId?: string;
  xid: string;
  liid: string;
  matchedIdentity: string;
  startTime: string;
  endTime: string;
  msrpSessionIds: string[];
  connections: string[];
  messages: TruthMessage[];
  files: TruthFile[];
}

/** Contents of `samples/pcap/<name>.truth.json`: the audit JSON the tap must write. */
export interface AuditTruth {
  sessions: TruthSession[];
  uncorrelated: TruthSession[];
  anomalies: Record<string, number>;
}

/** `2026-11-28T10:00:00.123456789Z`: ISO-8601 UTC with all nine fractional digits. */
export function isoTime(t: Timestamp): string {
  const d = new Date(t.sec * 1000);
  return `${d.toISOString().slice(0, 19)}.${String(t.nsec).padStart(9, '0')}Z`;
}

export function sha256Hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

export function sha1Hex(b: Uint8Array): string {
  return createHash('sha1').update(b).digest('hex');
}

/** A timestamp as one comparable number of nanoseconds (bigint: exact). */
function nsOf(t: Timestamp): bigint {
  return BigInt(t.sec) * 1_000_000_000n + BigInt(t.nsec);
}

// ---------------------------------------------------------------------------------------------
// Bookkeeping
// ---------------------------------------------------------------------------------------------

/** What a message is, fixed when the scenario defines it (before any chunk is on the wire). */
export interface MessageSpec {
  /** MSRP Message-ID, or the CPIM imdn.Message-ID for pager mode (null when there is none). */
  messageId: string | null;
  direction: 'fromTarget' | 'toTarget';
  /** Media type of the MSRP (or SIP MESSAGE) body, lower case, without parameters. */
  contentType: string;
  /** The whole body the sender meant to send (all chunks). */
  body: Uint8Array;
  /** CPIM: the inner content type (lower case, no parameters) and the inner body bytes. */
  inner?: { contentType: string; body: Uint8Array };
}

/** One message of a session, as the wire saw it. */
export class MessageRecord {
  /** Distinct byte ranges seen (key `start-end`): a chunk relayed on two legs counts once. */
  private readonly ranges = new Map<string, { start: number; end: number }>();
  private aborted = false;
  private finalSeen = false;
  private readonly reports: string[] = [];
  private readonly reportKeys = new Set<string>();
  /** Pager mode: the body travelled in one SIP request (no MSRP chunks). */
  private sipCarried = false;

  constructor(readonly spec: MessageSpec) {}

  /**
   * A SEND chunk carrying body bytes [start, end] (1-based, inclusive, RFC 4975 section 7.1.1
   * Byte-Range) reached the wire with continuation flag `flag`. Called once per leg.
   */
  chunk(start: number, end: number, flag: '$' | '+' | '#'): void {
    if (start < 1 || end > this.spec.body.length || end < start - 1) throw new RangeError(`chunk ${start}-${end} outside the body`);
    this.ranges.set(`${start}-${end}`, { start, end });
    if (flag === '#') this.aborted = true;
    if (flag === '$') this.finalSeen = true;
  }

  /** The whole body was carried by one SIP request (pager mode, RFC 3428). */
  carriedBySip(): void {
    this.sipCarried = true;
  }

  /** An MSRP REPORT (RFC 4975 section 7.1.2) for this message with status `code`; `key` names the logical REPORT so its copies on other relay legs count once. */
  report(code: string, key: string): void {
    if (this.reportKeys.has(key)) return;
    this.reportKeys.add(key);
    this.reports.push(code);
  }

  private received(): Uint8Array {
    const have = new Uint8Array(this.spec.body.length);
    for (const r of this.ranges.values()) have.fill(1, r.start - 1, r.end);
    return have;
  }

  toJson(): TruthMessage {
    const s = this.spec;
    let size: number;
    let status: TruthMessage['status'];
    let body: Uint8Array | null = null;
    if (this.sipCarried) {
      size = s.body.length;
      status = 'complete';
      body = s.body;
    } else {
      const have = this.received();
      size = have.reduce((n, b) => n + b, 0);
      if (this.aborted) status = 'aborted';
      else if (this.finalSeen && size === s.body.length) status = 'complete';
      else status = 'incomplete';
      if (status !== 'incomplete') {
        // Complete and aborted messages hold a contiguous prefix 1..size (the generator never
        // builds an aborted message with a hole); incomplete ones have no honest hash.
        if (have.subarray(0, size).includes(0)) throw new RangeError(`message ${s.messageId}: ${status} with a hole`);
        body = s.body.subarray(0, size);
      }
    }
    return {
      messageId: s.messageId,
      direction: s.direction,
      contentType: s.contentType,
      innerContentType: s.inner?.contentType ?? null,
      size,
      sha256: body === null ? null : sha256Hex(body),
      innerSha256: status === 'complete' && s.inner !== undefined ? sha256Hex(s.inner.body) : null,
      chunks: this.ranges.size,
      status,
      reportStatuses: this.reports.slice(),
    };
  }
}

/** A file offered with RFC 5547 `a=file-selector`, carried by one message of the session. */
export interface FileSpec {
  name: string;
  /** The sha-1 the SDP advertised (lower-case hex without colons). */
  advertisedSha1: string;
  /** The message carrying it; the file is its body, or its CPIM inner body. */
  message: MessageRecord;
}

/** One session of the truth (correlated or not). */
export class SessionRecord {
  private start: Timestamp | undefined;
  private end: Timestamp | undefined;
  private readonly sessionIds: string[] = [];
  private readonly conns: string[] = [];
  private readonly messages: MessageRecord[] = [];
  private readonly files: FileSpec[] = [];

  constructor(
    readonly callId: string | null,
    readonly task: InterceptTask,
    readonly matchedIdentity: string,
  ) {}

  /** Sets the start time once (the INVITE, or the first frame of an uncorrelated session). */
  started(t: Timestamp): void {
    if (this.start === undefined) this.start = t;
  }

  /** Sets the end time (the 200 OK to BYE, or the session's last frame). Later calls overwrite. */
  ended(t: Timestamp): void {
    this.end = t;
  }

  /** Records a frame time of an open-ended session: start on the first, end on every one. */
  touch(t: Timestamp): void {
    this.started(t);
    if (this.end === undefined || nsOf(t) > nsOf(this.end)) this.end = t;
  }

  /** An endpoint MSRP session-id (RFC 4975 section 6: the session-id of the last URI of a path). */
  sessionId(id: string): void {
    if (!this.sessionIds.includes(id)) this.sessionIds.push(id);
  }

  /** An MSRP TCP connection `client-server` carrying this session. */
  connection(c: string): void {
    if (!this.conns.includes(c)) this.conns.push(c);
  }

  /** Message `m` reached the wire (its first chunk, or its SIP MESSAGE): keeps first-appearance order. */
  seen(m: MessageRecord): void {
    if (this.messages.includes(m)) return;
    this.messages.push(m);
  }

  file(f: FileSpec): void {
    this.files.push(f);
  }

  toJson(correlated: boolean): TruthSession {
    if (this.start === undefined || this.end === undefined) throw new RangeError(`session ${this.callId}: no start/end time`);
    const files = this.files.map((f): TruthFile => {
      const m = f.message.spec;
      const bytes = m.inner?.body ?? m.body;
      const sha1 = sha1Hex(bytes);
      return { name: f.name, size: bytes.length, sha256: sha256Hex(bytes), sha1, hashVerified: sha1 === f.advertisedSha1 };
    });
    const base = {
      xid: this.task.xid,
      liid: this.task.liid,
      matchedIdentity: this.matchedIdentity,
      startTime: isoTime(this.start),
      endTime: isoTime(this.end),
      msrpSessionIds: this.sessionIds.slice(),
      connections: this.conns.slice(),
      messages: this.messages.map((m) => m.toJson()),
      files,
    };
    if (!correlated) return base;
    if (this.callId === null) throw new RangeError('correlated session without a Call-ID');
    return { callId: this.callId, ...base };
  }
}

/** All sessions of one scenario, in order of first appearance, plus the intended anomalies. */
export class TruthBook {
  private readonly correlated: SessionRecord[] = [];
  private readonly uncorrelated: SessionRecord[] = [];
  private readonly anomalies = new Map<string, number>();

  /** A target session established by SIP (`callId`); call when its first frame is written. */
  session(callId: string, task: InterceptTask, matchedIdentity: string): SessionRecord {
    const s = new SessionRecord(callId, task, matchedIdentity);
    this.correlated.push(s);
    return s;
  }

  /** A target MSRP session whose SIP was never captured. */
  uncorrelatedSession(task: InterceptTask, matchedIdentity: string): SessionRecord {
    const s = new SessionRecord(null, task, matchedIdentity);
    this.uncorrelated.push(s);
    return s;
  }

  /** The scenario deliberately provokes anomaly `code` (`count` more times). */
  anomaly(code: string, count = 1): void {
    this.anomalies.set(code, (this.anomalies.get(code) ?? 0) + count);
  }

  toJson(): AuditTruth {
    const anomalies: Record<string, number> = {};
    for (const k of [...this.anomalies.keys()].sort()) anomalies[k] = this.anomalies.get(k)!;
    return {
      sessions: this.correlated.map((s) => s.toJson(true)),
      uncorrelated: this.uncorrelated.map((s) => s.toJson(false)),
      anomalies,
    };
  }
}
