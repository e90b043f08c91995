/**
 * Issue 15, the triggered CC-POI: with a trigger bus (a tap id set), a session without SIP whose
 * CPIM From/To names a target (./msrp-messages.ts) is NOT identified at once. Its SIP may be on
 * another tap, whose trigger gives it the correlation ID and XID of that tap's IRI (TS 33.127
 * clause 5.3.3, TS 33.128 clause 5.2.5): identified by CPIM first, its CC would carry a local
 * correlation ID the MDF cannot join to that IRI, and its MSRP-level IRI would open a second
 * begin/continue sequence beside the SIP tap's. So the CPIM match is remembered and the session
 * stays held (./held-budget.ts); a trigger naming its session ids wins (./trigger-claims.ts).
 *
 * Never lose a target: the CPIM rule applies as without the bus, emitting everything held, as
 * soon as waiting longer could lose bytes or the session ends without a trigger:
 * - a frame or message of it does not fit the held budget (caps limit what is kept while
 *   waiting, never whether a target is seen);
 * - it closes (idle timeout, eviction, end of input: offline the run first waits `--bus-grace`
 *   while bytes are held, src/pipeline/trigger-bus-run.ts);
 * - `uncorrelatedIdleSec` after the CPIM match (the hold timeout of sessions without SIP), even
 *   if it stays busy.
 * Without a bus nothing is deferred: a single tap's output is unchanged.
 */
import type { CorrelatorContext } from './correlator-context.js';
import type { Side } from './dialog-tracker.js';
import type { Session } from './session.js';
import type { TaskMatch } from './target-matcher.js';

/** A CPIM identification waiting for a trigger. */
export interface CpimDeferred {
  readonly matches: TaskMatch[];
  /** The side of the sender of the message whose CPIM matched (null: not known). */
  readonly senderSide: Side | null;
  readonly firstFrame: number | undefined;
  /** Capture time of the match. */
  readonly at: number;
}

/** The counters of {@link CpimDeferral} (in `Correlator.stats()`). */
export interface CpimDeferralStats {
  /** Sessions whose CPIM identification waited for a trigger. */
  readonly cpimDeferred: number;
  /** Of those, claimed by a trigger (its correlation ID won). */
  readonly cpimDeferredClaimed: number;
  /** Of those, identified by their CPIM match when no trigger came. */
  readonly cpimDeferredIdentified: number;
}

export class CpimDeferral {
  /** Deferred sessions: each is a pending session without SIP, so the uncorrelated cap bounds it. */
  private readonly waiting = new Set<Session>();
  private deferred = 0;
  private claimed = 0;
  private identified = 0;

  constructor(
    private readonly ctx: CorrelatorContext,
    /** The CPIM rule (./msrp-messages.ts): intercepts for `d.matches`, held bytes go out. */
    private readonly identify: (s: Session, d: CpimDeferred) => void,
  ) {}

  /** Whether a CPIM match must wait for a trigger (a bus is configured). */
  get active(): boolean {
    return this.ctx.tapId !== null;
  }

  /** `s` (pending, without SIP) named a target in CPIM: remember it (merging the tasks of later matches). */
  defer(s: Session, senderSide: Side | null, firstFrame: number | undefined, matches: readonly TaskMatch[]): void {
    const d = s.cpimDeferred;
    if (d !== null) {
      for (const m of matches) if (!d.matches.some((x) => x.task.xid === m.task.xid)) d.matches.push(m);
      return;
    }
    s.cpimDeferred = { matches: [...matches], senderSide, firstFrame, at: this.ctx.now };
    this.waiting.add(s);
    this.deferred++;
  }

  /** No trigger came in time (or waiting could lose bytes): the CPIM rule applies now. */
  resolve(s: Session): void {
    const d = s.cpimDeferred;
    if (d === null) return;
    s.cpimDeferred = null;
    this.waiting.delete(s);
    if (s.mode !== 'pending') return;
    this.identified++;
    this.identify(s, d);
  }

  /**
   * A trigger claimed `s`: the deferral ends; returns the CPIM matches (with the sender side)
   * whose tasks the trigger did not bring, which still apply by the CPIM rule.
   */
  claimedByTrigger(s: Session, triggerXids: readonly string[]): { matches: TaskMatch[]; senderSide: Side | null } | null {
    const d = s.cpimDeferred;
    if (d === null) return null;
    s.cpimDeferred = null;
    this.waiting.delete(s);
    this.claimed++;
    return { matches: d.matches.filter((m) => !triggerXids.includes(m.task.xid)), senderSide: d.senderSide };
  }

  /** Resolves the deferrals older than the hold timeout; forgets sessions no longer waiting. */
  sweep(now: number): void {
    if (this.waiting.size === 0) return;
    for (const s of [...this.waiting]) {
      const d = s.cpimDeferred;
      if (d === null || s.mode !== 'pending') {
        this.waiting.delete(s);
        s.cpimDeferred = null;
      } else if (s.closed || now - d.at >= this.ctx.uncIdle) this.resolve(s);
    }
  }

  stats(): CpimDeferralStats {
    return { cpimDeferred: this.deferred, cpimDeferredClaimed: this.claimed, cpimDeferredIdentified: this.identified };
  }
}

/** The target side of a CPIM match (./msrp-messages.ts): From names the sender's side. */
export function cpimTargetSide(m: TaskMatch, senderSide: Side | null): Side {
  const ss = senderSide ?? 0;
  return m.source === 'cpimFrom' ? ss : ss === 0 ? 1 : 0;
}
