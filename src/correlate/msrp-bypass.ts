/**
 * Which MSRP TCP directions may be bypassed (issue 13, direction 3; the flow side is
 * src/flow/stream-bypass.ts). Decided here because only the correlator knows whether a
 * direction's sessions are all non-targets. LI first: a bypass must never hide a target, so a
 * direction is bypassed only while all of this holds:
 *
 * - every frame seen on it belonged to sessions that SIP bound to a dialog matching no task
 *   (mode 'ignore'), or to ended non-target sessions (tombstones), or was hop-by-hop (AUTH);
 *   one frame of anything else (a session without SIP, held or not; an unbound frame; a target's
 *   or a metadata session's frame) blocks the direction for good ({@link MsrpBypass.block});
 * - none of the sessions it saw (the first {@link SESSIONS_PER_DIR}) has become a target's since
 *   (checked when such a session first claims, see below, and at each request);
 * - no live session that is not ignored claimed one of its endpoints: an SDP of such a session
 *   naming the connection's client or server address and port (RFC 4975 section 8.1: a new
 *   session may reuse an existing connection whose URI authority it names; a=path host names
 *   and IPv6 literals are matched by port alone, which errs on the side of framing).
 *
 * A claim resumes the matching bypassed directions at once, a task change resumes every one
 * (the bypassed sessions may be a new task's), and the flow layer re-probes each bypassed
 * direction every `bypassReprobeSec` of capture time for sessions nobody announced (see
 * docs/performance.md, "Flow bypass", for what a re-probe can miss).
 *
 * Tables: requested directions (≤ `maxDirections`; one per live MSRP stream direction anyway)
 * and claims (≤ `maxClaims` endpoint keys, swept every {@link SWEEP_SEC}). A full table refuses
 * the bypass (`correlate.bypass_table_full`): it costs CPU, never a target.
 */
import type { AnomalySink } from '../core/anomaly.js';
import type { MsrpStreamRef } from '../analyzers/app-event-sink.js';
import type { Session } from './session.js';

/** Sessions remembered per direction, to notice that one became a target's. */
const SESSIONS_PER_DIR = 16;
/** Endpoint session-ids remembered per direction, for a trigger to resume it (see BypassDirection.sawSids). */
const SIDS_PER_DIR = 32;
/** Claims are swept (ended and ignored sessions let go) this often, in capture seconds. */
const SWEEP_SEC = 10;
/** A closed session keeps its claims this long (its last frames may still be on the way). */
const CLOSED_CLAIM_SEC = 60;

/** Bypass state of one MSRP stream direction (made for streams that can be bypassed). */
export class BypassDirection {
  /** Endpoint keys that a claim matches: client, server, then `*|port` of each. */
  readonly keys: readonly string[];
  /** A frame not allowing bypass was seen: never again on this stream. */
  blocked = false;
  /** In the table of requested directions. */
  requested = false;
  /** The first sessions whose frames were seen here (see SESSIONS_PER_DIR). */
  readonly sessions: Session[] = [];
  /**
   * The endpoint session-ids (RFC 4975 section 9: the paths' last URIs) of the frames that let
   * this direction go, the first {@link SIDS_PER_DIR}: a late frame of a released dialog
   * (a tombstone) names no live session, so only these say which MSRP sessions a bypass hides
   * (review R3). Past the cap, {@link sidsOverflow}: any trigger resumes the direction.
   */
  readonly sids: string[] = [];
  sidsOverflow = false;

  constructor(
    readonly stream: MsrpStreamRef,
    clientKey: string,
    serverKey: string,
    clientPort: number,
    serverPort: number,
  ) {
    this.keys = [clientKey, serverKey, `*|${clientPort}`, `*|${serverPort}`];
  }

  /** A frame of `s` was seen here. */
  saw(s: Session): void {
    if (this.sessions.length < SESSIONS_PER_DIR && !this.sessions.includes(s)) this.sessions.push(s);
  }

  /** A frame naming these endpoint session-ids allowed the bypass. */
  sawSids(a: string | null, b: string | null): void {
    for (const sid of [a, b]) {
      if (sid === null || this.sids.includes(sid)) continue;
      if (this.sids.length < SIDS_PER_DIR) this.sids.push(sid);
      else this.sidsOverflow = true;
    }
  }

  /** A frame or a session seen here named one of `sids` (or too many ids were seen to tell). */
  carried(sids: readonly string[]): boolean {
    if (this.sidsOverflow || this.sids.some((x) => sids.includes(x))) return true;
    return this.sessions.some((s) => s.boundSids.some((x) => sids.includes(x)) || s.uncSids.some((x) => sids.includes(x)));
  }
}

/** Counters for stats. */
export interface BypassStats {
  requested: number;
  resumedBySdp: number;
  resumedByTasks: number;
  blocked: number;
}

export class MsrpBypass {
  private readonly dirs = new Set<BypassDirection>();
  /** Endpoint key → sessions (not ignored) whose SDP named it. */
  private readonly claims = new Map<string, Session[]>();
  /** Sessions that claimed once (see claim). */
  private readonly claimants = new WeakSet<Session>();
  /** A claim could not be recorded (table full): no bypass until a sweep makes room. */
  private claimsOverflow = false;
  private lastSweep = 0;
  readonly stats: BypassStats = { requested: 0, resumedBySdp: 0, resumedByTasks: 0, blocked: 0 };

  constructor(
    private readonly anomalies: AnomalySink,
    private readonly maxDirections = 16_384,
    private readonly maxClaims = 65_536,
  ) {}

  /** Directions requested now. */
  get size(): number {
    return this.dirs.size;
  }

  /**
   * The end of a frame that allows bypass: asks the flow layer to pass the next bytes over,
   * unless a rule of the file comment says no. Called at each such frame end (idempotent).
   */
  request(d: BypassDirection, frameNo: number, now: number): void {
    if (d.blocked) return;
    if (d.sessions.some((s) => s.mode !== 'ignore')) {
      this.block(d);
      return;
    }
    if (now - this.lastSweep >= SWEEP_SEC) this.sweep(now);
    if (this.claimsOverflow || this.claimed(d)) return;
    if (!d.requested) {
      if (this.dirs.size >= this.maxDirections) {
        this.anomalies.report('correlate.bypass_table_full', frameNo, `table=directions max=${this.maxDirections}`);
        return;
      }
      d.requested = true;
      this.dirs.add(d);
      this.stats.requested++;
    }
    d.stream.bypass?.();
  }

  /** A frame that does not allow bypass: framed for the rest of the stream. */
  block(d: BypassDirection): void {
    if (d.blocked) return;
    d.blocked = true;
    this.stats.blocked++;
    this.cancel(d);
  }

  /** The stream ended: forgotten (the flow layer ended its bypass). */
  drop(d: BypassDirection): void {
    if (!d.requested) return;
    d.requested = false;
    this.dirs.delete(d);
  }

  /**
   * `s` (not ignored) names these endpoints (its SDPs' `host|port` keys): directions whose
   * endpoints they are are framed again and stay framed while `s` lives.
   */
  claim(s: Session, endpoints: readonly string[]): void {
    if (!this.claimants.has(s)) {
      // First word of this session as a wanted one (a late intercept on another hop, a task):
      // a direction that carried its frames as a non-target's is framed again, whatever the
      // SDP's addresses (a NAT may hide the connection's).
      this.claimants.add(s);
      for (const d of this.dirs) if (d.sessions.includes(s)) this.block(d);
    }
    for (const e of endpoints) {
      const key = claimKey(e);
      let list = this.claims.get(key);
      if (list === undefined) {
        if (this.claims.size >= this.maxClaims) {
          if (!this.claimsOverflow) this.anomalies.report('correlate.bypass_table_full', undefined, `table=claims max=${this.maxClaims}`);
          this.claimsOverflow = true;
          this.resumeAll();
          return;
        }
        list = [];
        this.claims.set(key, list);
      }
      if (list.includes(s)) continue;
      list.push(s);
      for (const d of this.dirs) {
        if (d.keys.includes(key)) {
          this.stats.resumedBySdp++;
          this.cancel(d);
        }
      }
    }
  }

  /**
   * Issue 15: an LI_T3 trigger names these endpoints (`host|port`): their bypassed directions are
   * framed again (its sessions are claimed frame by frame, so a direction passed over would hide
   * them; ./trigger-shadows.ts). No claim is kept: a frame of a claimed session blocks the direction.
   */
  resume(endpoints: readonly string[]): void {
    const keys = endpoints.map(claimKey);
    for (const d of this.dirs) {
      if (d.keys.some((k) => keys.includes(k))) {
        this.stats.resumedBySdp++;
        this.cancel(d);
      }
    }
  }

  /**
   * Review R3: an LI_T3 trigger names these MSRP session-ids: the bypassed directions that carried
   * one of them (a dialog released here, whose late frames are tombstones, behind a NAT or with
   * host names in its a=path, so that no endpoint of the trigger names the connection) are framed
   * again. Counted with the SDP resumes.
   */
  resumeBySids(sids: readonly string[]): void {
    if (sids.length === 0) return;
    for (const d of this.dirs) {
      if (d.carried(sids)) {
        this.stats.resumedBySdp++;
        this.cancel(d);
      }
    }
  }

  /**
   * The tasks changed (SIGHUP, X1): every bypassed direction is framed again (the sessions it
   * carries may be a new task's), and the sessions now intercepted claim their endpoints.
   */
  tasksChanged(sessions: Iterable<Session>): void {
    this.stats.resumedByTasks += this.dirs.size;
    this.resumeAll();
    for (const s of sessions) if (s.mode !== 'ignore') this.claim(s, s.boundEndpoints);
  }

  private resumeAll(): void {
    for (const d of this.dirs) this.cancel(d);
  }

  private cancel(d: BypassDirection): void {
    d.stream.resume?.();
    this.drop(d);
  }

  private claimed(d: BypassDirection): boolean {
    for (const k of d.keys) {
      const list = this.claims.get(k);
      if (list !== undefined && list.length > 0) return true;
    }
    return false;
  }

  /** Lets go of claims of sessions ignored again or closed long ago. */
  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [k, list] of this.claims) {
      const keep = list.filter((s) => s.mode !== 'ignore' && !(s.closed && now - s.lastActive > CLOSED_CLAIM_SEC));
      if (keep.length === 0) this.claims.delete(k);
      else if (keep.length !== list.length) this.claims.set(k, keep);
    }
    if (this.claims.size < this.maxClaims) this.claimsOverflow = false;
  }
}

/** An SDP endpoint key (`host|port`, ./party-sdp.ts) as claims index it: IPv4 exact, anything else by port. */
function claimKey(e: string): string {
  const bar = e.lastIndexOf('|');
  const host = e.slice(0, bar);
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? e : `*${e.slice(bar)}`;
}
