/**
 * The release of an intercepted SIP session: rCSSessionRelease (IRI `end`) when the 2xx to BYE
 * is seen, held up to `releaseHoldSec` while messages of the session are still in reassembly
 * (so their rCSMessage records come first), or when the dialog times out, is evicted or the
 * input ends; iMSCCUnavailable first when no MSRP frame was seen by then.
 *
 * The sessions whose release is held are on the shared deadline-ordered IdleTable
 * (src/util/idle-table.ts, issue 17), due at `pendingSince + releaseHoldSec`: the once-a-second
 * sweep looks only at the holds that have passed, never at every held release.
 */
import type { Direction } from '../records/direction.js';
import { wantsIri } from '../records/task-ref.js';
import { DUE_SLACK_SEC, IdleTable } from '../util/idle-table.js';
import type { CorrelatorContext } from './correlator-context.js';
import { rcsSessionInfo, type RecordEmitter } from './record-emitter.js';
import type { Intercept, ReleaseState, Session } from './session.js';

export class SessionRelease {
  /**
   * Sessions whose release waits for messages still in reassembly, due when their hold passes;
   * the value is the order they were put on hold in (the order the Set before it released them).
   */
  private readonly pending: IdleTable<Session, number>;
  private nextSeq = 0;

  /**
   * @param maxPending the dialog table's cap. It cannot fill: a held release is a SIP session's
   *   with a live dialog (the dialog's close cancels the hold, ./sip-side.ts), so the dialog cap
   *   bounds it. Were it to fill, the oldest hold ends early and its release goes out now: the
   *   hold only orders records, it never decides whether they are made.
   */
  constructor(
    private readonly ctx: CorrelatorContext,
    private readonly emit: RecordEmitter,
    maxPending: number,
  ) {
    this.pending = new IdleTable<Session, number>({
      cap: maxPending,
      evict: 'oldest',
      onEvict: (s) => {
        if (s.release !== null) s.release.pendingSince = null;
        this.emitRelease(s);
      },
    });
  }

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
      // Already held: a new 2xx to BYE restarts the hold (its place in the order stays).
      const due = r.pendingSince + this.ctx.releaseHold;
      if (!this.pending.touch(s, due)) this.pending.set(s, this.nextSeq++, due);
      return;
    }
    r.pendingSince = null;
    this.pending.delete(s);
    this.emitRelease(s);
  }

  /**
   * Releases whose hold has passed (once per capture second), in the order they were held.
   * Only the hold can be due here: the last message of a held session leaving reassembly
   * releases it at once (./msrp-messages.ts calls {@link maybeRelease}).
   */
  sweep(): void {
    const now = this.ctx.now;
    // Candidates a microsecond early, decided by the difference rule of maybeRelease: the
    // table's sums can round an ulp apart from it (DUE_SLACK_SEC, util/idle-table.ts).
    let due: [Session, number][] | null = null;
    this.pending.tick(now + DUE_SLACK_SEC, (s, seq) => {
      const since = s.release?.pendingSince ?? null;
      if (since !== null && s.openMessages > 0 && now - since < this.ctx.releaseHold) return Math.max(since + this.ctx.releaseHold, now + 2 * DUE_SLACK_SEC);
      due ??= [];
      due.push([s, seq]);
      // Stays held until maybeRelease below says otherwise.
      return Infinity;
    });
    if (due === null) return;
    const list: [Session, number][] = due;
    list.sort((a, b) => a[1] - b[1]);
    for (const [s] of list) this.maybeRelease(s);
  }

  emitRelease(s: Session): void {
    const d = s.dialog;
    if (d === null || !d.established || s.mode !== 'intercept' || s.release === null) return;
    const r = s.release;
    const sip = r.byeSip ?? r.lastSip;
    if (sip === null) return;
    // With a key log (CorrelatorOptions.tlsDecryption), TLS media never seen is reported now, as
    // TLS: its content was not decrypted (no keys, or not captured). Seen MSRP was decrypted.
    const tlsUnseen = this.ctx.tlsDecryption && !s.msrpSeen && !s.tlsReported && d.sdp.some((p) => p?.msrp.some((m) => m.tls) === true);
    if (tlsUnseen) {
      s.tlsReported = true;
      if (s.audit !== null) s.audit.ccUnavailable = 'tls';
      this.ctx.anomalies.report('correlate.cc_unavailable_tls', sip.network.frameNo);
    }
    const notSeen = !s.msrpSeen && !s.tlsReported;
    if (notSeen && s.audit !== null && s.audit.ccUnavailable === null) {
      s.audit.ccUnavailable = 'not_observed';
      if (s.intercepts.some((it) => it.task.deliveryType !== 'X2Only')) this.ctx.anomalies.report('correlate.cc_not_observed', sip.network.frameNo);
    }
    for (const it of s.intercepts) {
      if (!wantsIri(it.task) || it.ended) continue;
      if (tlsUnseen && it.task.deliveryType === 'X2andX3') {
        this.emit.iri(s, it, this.emit.nextIriType(it), 'notApplicable', sip.network, {
          kind: 'iMSCCUnavailable',
          reason: 'MSRP over TLS (TCP/TLS/MSRP or msrps:): content not decrypted (no key in the key log, or not captured)',
          ...(s.sdpForCc !== null ? { sdp: s.sdpForCc } : {}),
        });
      }
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
