/**
 * The sessions in progress (SIP sessions and MSRP sessions without SIP) by key, their order of
 * first appearance, the intercepts made for them, and how they close and leave the table.
 */
import type { AnomalySink } from '../core/anomaly.js';
import { CinAllocator } from './cin-allocator.js';
import { correlationIdOf } from './correlation-id.js';
import type { CorrelatorContext } from './correlator-context.js';
import type { Dialog, Side } from './dialog-tracker.js';
import type { HeldBudget } from './held-budget.js';
import type { SessionAudit } from './session-audit.js';
import { Session, type Intercept, type TriggerWindow } from './session.js';
import type { TaskMatch } from './target-matcher.js';

export class SessionTable {
  private readonly sessions = new Map<string, Session>();
  private nextOrder = 0;
  private readonly cins: CinAllocator;

  constructor(
    private readonly ctx: CorrelatorContext,
    private readonly held: HeldBudget,
    private readonly audit: SessionAudit,
    anomalies: AnomalySink,
  ) {
    this.cins = new CinAllocator(anomalies);
  }

  get size(): number {
    return this.sessions.size;
  }

  get(key: string): Session | undefined {
    return this.sessions.get(key);
  }

  has(key: string): boolean {
    return this.sessions.has(key);
  }

  values(): IterableIterator<Session> {
    return this.sessions.values();
  }

  /** A new session, in the table. `key(order)` names it from its order of appearance. */
  create(key: (order: number) => string, stableKey: string, dialog: Dialog<Session> | null, sideBySid: Map<string, Side>): Session {
    const order = this.nextOrder++;
    const s = new Session(key(order), stableKey, order, dialog, sideBySid);
    this.sessions.set(s.key, s);
    return s;
  }

  /**
   * One task's view of `s`, on the side `targetSide`. `trigger`: made by an LI_T3 trigger, whose
   * correlation id the records carry (the triggering tap's, so the MDF joins IRI and CC, issue 15).
   */
  makeIntercept(s: Session, m: TaskMatch, targetSide: Side, trigger?: { correlationId: Uint8Array; window: TriggerWindow }): Intercept {
    // One CIN per session and LIID: another task of the same LIID on this session shares it.
    const sameLiid = s.intercepts.find((it) => it.task.liid === m.task.liid) ?? s.retired.find((it) => it.task.liid === m.task.liid);
    return {
      match: m,
      task: { xid: m.task.xid, liid: m.task.liid, deliveryType: m.task.deliveryType, matchedTargetId: m.identifier.value, targetRole: s.dialog === null || s.dialog.midDialog ? 'unknown' : m.role },
      correlationId: trigger?.correlationId ?? correlationIdOf(s.stableKey, m.task.xid),
      cin: sameLiid?.cin ?? this.cins.allocate(m.task.liid),
      targetSide,
      iriCount: 0,
      ended: false,
      ...(trigger !== undefined ? { trigger: trigger.window } : {}),
    };
  }

  /** Issue 15: applies a waiting CPIM identification (./cpim-deferral.ts); the correlator wires it. */
  resolveDeferred: ((s: Session) => void) | null = null;

  /** The session has ended: nothing more is held; it leaves the table once no message of it is in reassembly. */
  close(s: Session): void {
    // Issue 15: no trigger came for a CPIM-identified session (./cpim-deferral.ts): the CPIM rule applies before it ends.
    if (s.cpimDeferred !== null) this.resolveDeferred?.(s);
    s.closed = true;
    this.held.drop(s);
    // A local non-target dialog's shadow (./trigger-shadows.ts) is listed only if a trigger claimed it.
    if (this.ctx.includeNonTargets && s.mode === 'pending' && s.audit !== null && !s.triggerOnly) this.audit.list(s);
    if (s.openMessages === 0) this.leave(s);
  }

  /** The session leaves the table (its later frames are ignored); its audit is frozen (./session-audit.ts). */
  leave(s: Session): void {
    this.sessions.delete(s.key);
    this.audit.sessionLeft(s);
  }
}
