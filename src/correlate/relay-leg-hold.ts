/**
 * A relayed message's rCSMessage comes from the target's own leg (RFC 4976, TS 33.128 clause
 * 7.13.3), on a single tap as on a cluster (docs/scaling-out.md, "Which tap makes the MSRP-level X2").
 *
 * A tap seeing both legs of a relay (endpoint↔relay, relay↔peer) merges the two copies of a
 * message in the assembler (same session key, same Message-ID end to end, RFC 4975 section
 * 7.1.1): the message closes on the copy that completes first. For a message the target
 * receives that is the peer's leg to the relay, a few ms before the relay forwards it. The
 * record would then carry another leg's capture time, frame and addresses, and depend on timing.
 *
 * So when the copy that closed a message is not on the target's own leg (its From-Path, when the
 * target sends, or To-Path, when it receives, names more than one URI: a relay is on it, RFC 4976
 * section 7.1), that task's rCSMessage waits here for the copy on the target's own leg: the
 * chunk of the same Message-ID on that leg that ends the message (end-line `$` or `#`, RFC 4975
 * section 7.1) gives the record its network context. Never lost: if that copy does not come
 * within {@link RELAY_LEG_WAIT_SEC} of capture time, at the session's end, at the end of input,
 * or when the table is full, the record goes out as before from the leg that closed it
 * (`correlate.relay_target_leg_unseen`, with the reason). A waiting message counts as open in
 * its session, so the session's release waits for it (./session-release.ts) and stays after it.
 */
import type { MsrpStreamRef } from '../analyzers/app-event-sink.js';
import type { MsrpFrameEnd, MsrpFrameHead } from '../protocols/msrp/index.js';
import type { NetworkContext } from '../records/network-context.js';
import { wantsIri } from '../records/task-ref.js';
import { IdleTable } from '../util/idle-table.js';
import type { CorrelatorContext } from './correlator-context.js';
import type { MsgMeta } from './message-meta.js';
import type { FinishedInfo, Intercept, LegNetworks, Session } from './session.js';

/**
 * Capture seconds a closed message waits for its copy on the target's leg. A relay forwards
 * a chunk as it receives it (RFC 4976 section 6: relays do not hold whole messages), so the copy
 * follows within milliseconds; one second leaves room for a loaded relay and stays well under
 * the release hold (5 s by default), so the record still comes before the session's end.
 */
export const RELAY_LEG_WAIT_SEC = 1;

/** Messages waiting at once (each keeps its content up to the rCSMessage cap): far beyond one chat's in-flight messages. */
export const MAX_RELAY_LEG_WAITING = 256;

/** Which path of a chunk names one URI: [From-Path, To-Path] (that party's own leg, RFC 4976 section 7.1). */
export type SolePaths = readonly [boolean, boolean];

/** The paths of a chunk that name a single party. */
export function solePaths(head: MsrpFrameHead): SolePaths {
  return [head.headers.fromPath.length === 1, head.headers.toPath.length === 1];
}

interface Entry {
  readonly s: Session;
  readonly meta: MsgMeta;
  readonly info: FinishedInfo & { readonly legs: LegNetworks };
  /** The intercepts whose record waits (intercepted sessions); empty for a held message (only its legs are learnt). */
  waiting: Intercept[];
}

/** A chunk of a watched message on a party's own leg still unseen (its end decides). */
export interface RelayCopy {
  readonly key: string;
  readonly stream: MsrpStreamRef;
  readonly sole: SolePaths;
}

/** Emits a message's rCSMessage for `only` (null: every intercept), ./record-emitter.ts. */
export type RelayEmit = (s: Session, meta: MsgMeta, info: FinishedInfo, only: ReadonlySet<Intercept> | null) => void;

/** The path (0 From-Path, 1 To-Path) naming the target alone on its own leg, for a message sent by `sender`. */
export function targetPath(sender: 0 | 1, targetSide: 0 | 1): 0 | 1 {
  return sender === targetSide ? 0 : 1;
}

/**
 * The network context of each party's own leg for a message that closed on a copy with paths
 * `sole` at `network`: undefined when that copy is on both parties' own legs (no relay, the
 * common case: nothing to learn), else the leg of that copy filled and the other to be learnt.
 */
export function legsOf(sole: SolePaths, network: NetworkContext): LegNetworks | undefined {
  if (sole[0] && sole[1]) return undefined;
  return [sole[0] ? network : null, sole[1] ? network : null];
}

export class RelayLegHold {
  private readonly entries: IdleTable<string, Entry>;

  constructor(
    private readonly ctx: CorrelatorContext,
    private readonly emit: RelayEmit,
    /** A waiting message's record went out: the session no longer counts it as open. */
    private readonly done: (s: Session) => void,
    cap = MAX_RELAY_LEG_WAITING,
  ) {
    this.entries = new IdleTable<string, Entry>({ cap, evict: 'oldest', onEvict: (_k, e) => this.expire(e) });
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * A message of intercepted `s` closed: its records for the intercepts whose target's own leg
   * is known go out now, the others wait. Returns true when some wait (the caller then keeps the
   * message counted as open in `s`).
   */
  closed(s: Session, mid: string, meta: MsgMeta, info: FinishedInfo): boolean {
    const legs = info.legs;
    const sender = meta.senderSide;
    if (legs === undefined || sender === null) {
      this.emit(s, meta, info, null);
      return false;
    }
    const waiting = s.intercepts.filter((it) => wantsIri(it.task) && legs[targetPath(sender, it.targetSide)] === null);
    if (waiting.length === 0) {
      this.emit(s, meta, info, null);
      return false;
    }
    const rest = new Set(s.intercepts.filter((it) => !waiting.includes(it)));
    if (rest.size > 0) this.emit(s, meta, info, rest);
    this.put(s, mid, meta, { ...info, legs }, waiting);
    return true;
  }

  /** A message of `s` waiting for its target closed and was held: its other party's leg is learnt while it waits (bounded). */
  held(s: Session, mid: string, meta: MsgMeta, info: FinishedInfo): void {
    const legs = info.legs;
    if (legs === undefined) return;
    this.put(s, mid, meta, { ...info, legs }, []);
  }

  /**
   * A SEND chunk of `s` (every one, before the assembler): the copy of a watched message on a
   * party's own leg not learnt yet, or null. Cheap when nothing is watched.
   */
  chunk(s: Session, head: MsrpFrameHead, stream: MsrpStreamRef): RelayCopy | null {
    if (this.entries.size === 0) return null;
    const mid = head.headers.messageId;
    if (mid === null) return null;
    const key = keyOf(s, mid);
    const e = this.entries.get(key);
    if (e === undefined) return null;
    const sole = solePaths(head);
    const legs = e.info.legs;
    return (sole[0] && legs[0] === null) || (sole[1] && legs[1] === null) ? { key, stream, sole } : null;
  }

  /** The chunk `c` ended: if it ends its copy (end-line `$` or `#`), that copy's leg is learnt and the records waiting for it go out. */
  chunkEnd(c: RelayCopy, end: MsrpFrameEnd): void {
    if (end.flag !== '$' && end.flag !== '#') return;
    const e = this.entries.get(c.key);
    if (e === undefined) return;
    const st = c.stream;
    const network: NetworkContext = { srcAddr: st.srcAddr, dstAddr: st.dstAddr, srcPort: st.srcPort, dstPort: st.dstPort, ipProto: 6, tsSec: end.lastTsSec, tsNsec: end.lastTsNsec, frameNo: end.lastFrameNo };
    const legs = e.info.legs;
    for (const i of [0, 1] as const) if (c.sole[i] && legs[i] === null) legs[i] = network;
    const sender = e.meta.senderSide;
    if (e.waiting.length > 0 && sender !== null) {
      const now = e.waiting.filter((it) => legs[targetPath(sender, it.targetSide)] !== null);
      if (now.length > 0) {
        e.waiting = e.waiting.filter((it) => !now.includes(it));
        this.emit(e.s, e.meta, e.info, new Set(now));
        if (e.waiting.length === 0) {
          this.entries.delete(c.key);
          this.done(e.s);
          return;
        }
      }
    }
    if (e.waiting.length === 0 && legs[0] !== null && legs[1] !== null) this.entries.delete(c.key);
  }

  /** Entries past their time (once per capture second): waiting records go out from the leg that closed them. */
  sweep(now: number): void {
    this.entries.tick(now, (_k, e) => {
      this.expire(e);
      return undefined;
    });
  }

  /** The session `s` ends (null: the input): what it still waits for goes out now. */
  flush(s: Session | null): void {
    for (const key of [...this.entries.keys()]) {
      const e = this.entries.get(key)!;
      if (s !== null && e.s !== s) continue;
      this.entries.delete(key);
      this.expire(e);
    }
  }

  private put(s: Session, mid: string, meta: MsgMeta, info: Entry['info'], waiting: Intercept[]): void {
    const key = keyOf(s, mid);
    // A Message-ID closing twice in one session (reused after the assembler's linger): the first stops waiting.
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.expire(old);
    }
    this.entries.set(key, { s, meta, info, waiting }, this.ctx.now + RELAY_LEG_WAIT_SEC);
  }

  /** The target's leg was not seen in time: the waiting records go out from the leg that closed the message (./record-emitter.ts reports it). */
  private expire(e: Entry): void {
    if (e.waiting.length === 0) return;
    const only = new Set(e.waiting);
    e.waiting = [];
    this.emit(e.s, e.meta, e.info, only);
    this.done(e.s);
  }
}

function keyOf(s: Session, mid: string): string {
  return `${s.key}\n${mid}`;
}
