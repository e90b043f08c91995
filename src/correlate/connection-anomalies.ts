/**
 * Which audited sessions an anomaly reported with a TCP connection concerns (issue 17), on a
 * connection that may multiplex several MSRP sessions (an RFC 4976 relay link, targets and
 * non-targets together).
 *
 * - What may have hidden traffic (`mayHideTarget`: a gap, skipped bytes) may have hidden any
 *   session of the connection: every audited session that had frames there and has not ended.
 * - Anything else is a deviation of one frame, which belongs to one party: it goes to the
 *   sessions of that frame only. A frame's head deviations are reported while it is parsed,
 *   before the frame is bound; they wait in the direction's pending list (a few) and go to the
 *   sessions the next frame of that direction binds to, or nowhere when it binds to none or to
 *   an ignored session. A report without a direction cannot be put in a frame (it may come from
 *   the head of a frame not yet bound): it goes to the connection's session when the connection
 *   ends having carried no other party's frame.
 */
import { anomalyDef, type AnomalyCode } from '../core/anomaly.js';
import type { SessionAudit } from './session-audit.js';
import type { Session } from './session.js';

/** Deviations kept per direction until its next frame is bound (a head reports a few at most). */
const PENDING_PER_DIR = 8;

/** Sessions listed per connection for its anomalies (a relay connection multiplexes sessions). */
const SESSIONS_PER_CONN = 16;

interface PendingAnomaly {
  readonly code: AnomalyCode;
  readonly frame: number | undefined;
  readonly detail: string | undefined;
}

/**
 * The audited sessions that had MSRP frames on one TCP connection, while a direction of it is
 * open. One entry per connection with a live MSRP stream, so the TCP tracker's stream cap
 * bounds the table.
 */
export class ConnSessions {
  readonly sessions: Session[] = [];
  /** Open MSRP stream directions of the connection (the entry leaves with the last). */
  streams = 0;
  /** The audited sessions of the frame in progress, per direction (null between frames). */
  readonly inFrame: [Session[] | null, Session[] | null] = [null, null];
  /** Deviations reported before the next frame of the direction was bound. */
  readonly pending: [PendingAnomaly[], PendingAnomaly[]] = [[], []];
  /** Pending deviations not kept (list full): counted in the run's totals only. */
  pendingDropped = 0;
  /** Reports without a direction, kept until the connection ends. */
  readonly undirected: PendingAnomaly[] = [];
  /** The first session (any mode) whose frame was seen here. */
  private first: Session | null = null;
  /** A frame of another session (ignored ones too) or an unbound frame was seen here. */
  shared = false;
  /** `correlate.target_midstream` was reported for this connection (once, not per direction). */
  midStreamReported = false;

  /** A frame of `s` (any mode, an ignored one too) was seen on the connection. */
  sawSession(s: Session): void {
    if (this.first === null) this.first = s;
    else if (this.first !== s) this.shared = true;
  }

  /** An audited session had a frame here. */
  add(s: Session): void {
    if (this.sessions.length < SESSIONS_PER_CONN && !this.sessions.includes(s)) this.sessions.push(s);
  }

  /** An anomaly reported with this connection (and its direction, when the reporter knows it). */
  report(audit: SessionAudit, code: AnomalyCode, frame: number | undefined, detail: string | undefined, dir: 0 | 1 | undefined): void {
    if (anomalyDef(code)?.mayHideTarget === true) {
      // An ended session keeps its place in the list but no later gap of the connection is its.
      for (const s of this.sessions) if (!s.closed && s.audit !== null) audit.noteAnomaly(s.audit, code, frame, detail);
      return;
    }
    if (dir === undefined) {
      if (this.undirected.length < PENDING_PER_DIR) this.undirected.push({ code, frame, detail });
      else this.pendingDropped++;
      return;
    }
    const on = this.inFrame[dir];
    if (on !== null) {
      for (const s of on) if (s.audit !== null) audit.noteAnomaly(s.audit, code, frame, detail);
      return;
    }
    const p = this.pending[dir];
    if (p.length < PENDING_PER_DIR) p.push({ code, frame, detail });
    else this.pendingDropped++;
  }

  /**
   * A frame of direction `dir` began, bound to the audited `sessions` (empty when unbound or
   * ignored): the deviations reported while its head was parsed are theirs.
   */
  frameStart(audit: SessionAudit, dir: 0 | 1, sessions: Session[]): void {
    this.inFrame[dir] = sessions.length > 0 ? sessions : null;
    const p = this.pending[dir];
    if (p.length === 0) return;
    for (const s of sessions) if (s.audit !== null) for (const a of p) audit.noteAnomaly(s.audit, a.code, a.frame, a.detail);
    p.length = 0;
  }

  frameEnd(dir: 0 | 1): void {
    this.inFrame[dir] = null;
  }

  /**
   * The connection's last MSRP direction ended: deviations no frame followed go to its session
   * only when it never carried another party's frame (else they are the run's only).
   */
  end(audit: SessionAudit): void {
    const left = [...this.pending[0], ...this.pending[1], ...this.undirected];
    const s = this.first;
    if (!this.shared && s !== null && s.audit !== null && this.sessions.includes(s)) for (const a of left) audit.noteAnomaly(s.audit, a.code, a.frame, a.detail);
    this.pending[0].length = 0;
    this.pending[1].length = 0;
    this.undirected.length = 0;
  }
}
