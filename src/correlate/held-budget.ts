/**
 * The held-byte budget of MSRP sessions without SIP not yet identified (see ./correlator.ts,
 * "MSRP without SIP"): their request frames' raw bytes and finished messages are held, up to
 * `maxHeldBytesPerSession` per session and `maxHeldBytesTotal` overall, until a CPIM From/To
 * names a target (then they go out as records) or the session ends (then they are dropped).
 * Nothing is emitted before identification.
 *
 * A finished message whose held frames make up its content costs nothing beyond them: it is held
 * as views of their bodies (./held-message-parts.ts), so a file near the per-session budget is
 * kept beside its own frames (issue 15: a trigger arriving after the file closed gets its
 * rCSMessage too). What the caps still drop is counted, and reported in the session's audit if
 * the session turns out to be a target's ({@link HeldBudget.takeForTarget}).
 */
import { concatBytes } from '../util/bytes.js';
import type { CorrelatorContext } from './correlator-context.js';
import { heldMessageParts } from './held-message-parts.js';
import type { FinishedInfo, HeldBytes, HeldFrame, HeldMessage, Session } from './session.js';
import type { MsgMeta } from './message-meta.js';
import type { SessionAudit } from './session-audit.js';

const NO_BYTES = new Uint8Array(0);

export class HeldBudget {
  /** Bytes held by every session. */
  private total = 0;
  /** Held bytes dropped without being emitted (the session closed, or its target never came). */
  discarded = 0;

  /**
   * Issue 15: a session whose CPIM identification waits for a trigger (./cpim-deferral.ts) is
   * identified when its next frame or message does not fit (waiting must not lose a target's
   * bytes); this emits it then (the correlator wires it).
   */
  deferredFull: ((s: Session, f: HeldFrame | null, m: HeldMessage | null) => void) | null = null;

  constructor(private readonly ctx: CorrelatorContext) {}

  get heldTotal(): number {
    return this.total;
  }

  /** Holds a request frame of `s`, unless a cap is reached (then only counted). */
  hold(s: Session, f: HeldFrame): void {
    s.held ??= this.newHeld();
    const h = s.held;
    if (h.bytes + f.bytes.length > this.ctx.maxHeldPerSession || this.total + f.bytes.length > this.totalFor(s)) {
      if (s.cpimDeferred !== null && this.deferredFull !== null) {
        this.deferredFull(s, f, null);
        return;
      }
      // Reported only if the session turns out to be a target's (then CC is incomplete).
      h.dropped++;
      return;
    }
    h.frames.push(f);
    h.bytes += f.bytes.length;
    this.total += f.bytes.length;
  }

  /**
   * Holds a finished message of `s`: as views of its held frames' bodies when they make up its
   * content (no cost beyond them), else as a copy when it fits the caps; else it is dropped and
   * counted (as its frames are).
   */
  holdMessage(s: Session, meta: MsgMeta, info: FinishedInfo): void {
    s.held ??= this.newHeld();
    const h = s.held;
    const parts = info.content.length > 0 ? heldMessageParts(h.frames, info.msrpMessageId, info.content) : null;
    if (parts !== null) h.messages.push({ meta, info: { ...info, content: NO_BYTES }, parts });
    else if (h.bytes + info.content.length <= this.ctx.maxHeldPerSession && this.total + info.content.length <= this.totalFor(s)) {
      h.messages.push({ meta, info });
      h.bytes += info.content.length;
      this.total += info.content.length;
    } else if (s.cpimDeferred !== null && this.deferredFull !== null) this.deferredFull(s, null, { meta, info });
    else h.droppedMessages++;
  }

  /** Drops what `s` holds (its count of frames not held stays). */
  drop(s: Session): void {
    this.discarded += s.held?.bytes ?? 0;
    this.release(s);
  }

  /**
   * `s` became a target's: takes what it holds out of the budget, to be emitted (each message with
   * its content), and reports in its audit what the caps dropped (then its CC or IRI is incomplete).
   */
  takeForTarget(s: Session, audit: SessionAudit, frameNo: number | undefined): { frames: HeldFrame[]; messages: HeldMessage[] } {
    const h = s.held;
    if (h === null) return { frames: [], messages: [] };
    if (h.dropped > 0) audit.report(s, 'correlate.uncorrelated_held_dropped', frameNo, `frames=${h.dropped}`);
    if (h.droppedMessages > 0) audit.report(s, 'correlate.uncorrelated_held_message_dropped', frameNo, `messages=${h.droppedMessages}`);
    const out = { frames: h.frames, messages: h.messages.map((m) => (m.parts === undefined ? m : { meta: m.meta, info: { ...m.info, content: concatBytes(m.parts) } })) };
    this.release(s);
    return out;
  }

  private release(s: Session): void {
    const h = s.held;
    if (h === null) return;
    this.total -= h.bytes;
    h.frames = [];
    h.bytes = 0;
    h.messages = [];
  }

  /**
   * Issue 15: a local non-target dialog's shadow (./trigger-shadows.ts) holds only while the
   * total is under half the budget, so that they, however many, never take the room of the
   * sessions without SIP waiting for a CPIM match or a trigger.
   */
  private totalFor(s: Session): number {
    return s.triggerOnly ? this.ctx.maxHeldTotal / 2 : this.ctx.maxHeldTotal;
  }

  private newHeld(): HeldBytes {
    return { frames: [], messages: [], bytes: 0, dropped: 0, droppedMessages: 0, firstAt: this.ctx.now, firstWallMs: this.ctx.wallClockMs() };
  }
}
