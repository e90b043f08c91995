/**
 * The release of an intercepted SIP session: rCSSessionRelease (IRI `end`) when the 2xx to BYE
 * is seen, held up to `releaseHoldSec` while messages of the session are still in reassembly
 * (so their rCSMessage records come first), or when the dialog times out, is evicted or the
 * input ends; iMSCCUnavailable first when no MSRP frame was seen by then.
 */
import type { Direction } from '../records/direction.js';
import { wantsIri } from '../records/task-ref.js';
import type { CorrelatorContext } from './correlator-context.js';
import { rcsSessionInfo, type RecordEmitter } from './record-emitter.js';
import type { Intercept, ReleaseState, Session } from './session.js';

export class SessionRelease {
  /** Sessions whose release waits for messages still in reassembly. */
  private readonly pending = new Set<Session>();

  constructor(
    private readonly ctx: CorrelatorContext,
    private readonly emit: RecordEmitter,
  ) {}

  /** The release state of `s`, made at the first SIP message recorded for a task. */
  static of(s: Session): ReleaseState {
    s.release ??= { lastSip: null, byeSip: null, byeSide: null, pendingSince: null, result: 'legRemovalComplete' };
    return s.release;
  }

  isPending(s: Session): boolean {
    return this.pending.has(s);
  }

  /** The release of `s` no longer waits (emitted now, or no task left to release it for). */
  cancel(s: Session): void {
    if (s.release !== null) s.release.pendingSince = null;
    this.pending.delete(s);
  }

  /** Emits the release when its time has come (no message in reassembly, or the hold passed). */
  maybeRelease(s: Session): void {
    const r = s.release;
    if (r === null || r.pendingSince === null) return;
    if (s.openMessages > 0 && this.ctx.now - r.pendingSince < this.ctx.releaseHold) {
      this.pending.add(s);
      return;
    }
    r.pendingSince = null;
    this.pending.delete(s);
    this.emitRelease(s);
  }

  /** Releases whose hold may have passed (once per capture second). */
  sweep(): void {
    for (const s of [...this.pending]) this.maybeRelease(s);
  }

  emitRelease(s: Session): void {
    const d = s.dialog;
    if (d === null || !d.established || s.mode !== 'intercept' || s.release === null) return;
    const r = s.release;
    const sip = r.byeSip ?? r.lastSip;
    if (sip === null) return;
    const notSeen = !s.msrpSeen && !s.tlsReported;
    if (notSeen && s.audit !== null && s.audit.ccUnavailable === null) {
      s.audit.ccUnavailable = 'not_observed';
      if (s.intercepts.some((it) => it.task.deliveryType !== 'X2Only')) this.ctx.anomalies.report('correlate.cc_not_observed', sip.network.frameNo);
    }
    for (const it of s.intercepts) {
      if (!wantsIri(it.task) || it.ended) continue;
      if (notSeen && it.task.deliveryType === 'X2andX3') {
        this.emit.iri(s, it, this.emit.nextIriType(it), 'notApplicable', sip.network, {
          kind: 'iMSCCUnavailable',
          reason: 'MSRP connection not observed',
          ...(s.sdpForCc !== null ? { sdp: s.sdpForCc } : {}),
        });
      }
      const path = d.sdp[it.targetSide]?.msrp[0]?.pathText;
      this.emit.iri(s, it, 'end', releaseDirection(r, it), sip.network, {
        kind: 'rCSSessionRelease',
        ...rcsSessionInfo(s, it),
        sip: sip.ref,
        result: r.result,
        ...(path !== undefined ? { msrpPath: path } : {}),
      });
      it.ended = true;
    }
  }
}

/** Direction of a release: who sent the BYE, relative to the target (the target's side when no BYE was seen). */
function releaseDirection(r: ReleaseState, it: Intercept): Direction {
  if (r.byeSide === null) return it.targetSide === 0 ? 'fromTarget' : 'toTarget';
  return r.byeSide === it.targetSide ? 'fromTarget' : 'toTarget';
}
