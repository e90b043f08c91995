/**
 * SIP dialogs as the tap sees them (RFC 3261 sections 12, 13, 15, 17; RFC 3428 for pager-mode
 * MESSAGE), keyed by Call-ID and the caller's tag: which message belongs to which dialog, and why
 * not by Call-ID alone (B2BUAs), is in ./dialog-key.ts.
 *
 * Sides: side 0 is the party that sent the dialog-creating request (its From tag), side 1 the
 * other. A request is sent by the party whose tag is in From; a response by the other party
 * (RFC 3261 8.2.6.2 / 12.1.1: responses keep the request's From/To). This needs no knowledge of
 * which hop the capture sits on.
 *
 * Forking (RFC 3261 13.2.2.4 / 16.7): provisional responses with different To tags are early
 * dialogs; their SDP answers are remembered per To tag, and every one of them is indexed for
 * MSRP binding (the caller may connect to any). The first 2xx confirms the session; later 2xx
 * with other tags are reported (`correlate.sip_multiple_2xx`) and their paths stay bound.
 *
 * Repeats and retransmissions. A logical message is identified by (request method or status,
 * CSeq, From tag, To tag). Its first observation drives the state machine. A hop is the packet's
 * direction of travel (source address and port → destination address and port) together with
 * the message's top Via branch (each proxy adds its own Via, RFC 3261 16.6 step 8); the same
 * dialog id seen on two hops is one dialog seen twice (./dialog-key.ts). The same logical
 * message seen again:
 * - with the same top Via branch on the same hop (same source and destination address/port):
 *   a retransmission (RFC 3261 17.1.1.2, 17.2.1: timers A/G, and 2xx re-sends, 13.3.1.4) —
 *   the tracker flags it; the correlator neither re-emits nor re-counts it;
 * - on another hop (a proxy forwards it with its own Via, or the tap sees both sides of a
 *   P-CSCF): a separate observation, flagged `repeat` — the correlator emits its IRI (the raw
 *   bytes differ and the addresses are real) but the state machine does not run again.
 *
 * Lifetimes (capture time): a dialog without final response closes after `earlyTimeoutSec`
 * (Timer C, RFC 3261 16.6 step 11: 3 minutes); a confirmed one after `idleTimeoutSec` without SIP or
 * MSRP activity; a failed, released or pager dialog `lingerSec` after its end (64*T1 = 32 s,
 * RFC 3261 17.1.1.2 Timer B/H order), so late retransmissions and ACKs still find it.
 */
import type { AnomalySink } from '../core/anomaly.js';
import type { SipMessage } from '../protocols/sip/index.js';
import type { PartySdp } from './party-sdp.js';
import { ownString, ownStringOrNull } from '../util/own-string.js';
import { dialogKey, dialogTag, findDialog } from './dialog-key.js';
import { DUE_SLACK_SEC, IdleTable } from '../util/idle-table.js';

export { Dialog, type DialogCloseReason, type DialogState, type Side } from './dialog.js';
import { Dialog, type DialogCloseReason, type Side } from './dialog.js';

/**
 * Memory budget (issue 12; the 256 MiB split is in src/flow/tcp-tracker.ts: ~100 MiB of live
 * data for all tables, ~60 MiB of it the TCP table's). The dialog table gets ~24 MiB of the rest.
 * Most dialogs of a busy link, and every dialog of a flood of INVITEs offering MSRP, are
 * non-target ones: the Dialog (repeat table, tags, the SDP's MSRP paths) and its Session weigh
 * ~3.2 KiB of heap together (heap snapshot of 20 000 such INVITEs; 5.8 KiB before strings were
 * owned and small arrays sized exactly): 8 192 × 3.2 KiB = 26 MiB. Measured with
 * bench/hostile-load.ts: 200 000 such INVITEs peak at ~204 MiB of RSS (1.26 GiB at the former
 * cap of 100 000 and 5.8 KiB per dialog).
 * An evicted non-target dialog leaves its endpoint session-ids as tombstones (~90 bytes each,
 * Correlator: DEFAULT_MAX_EVICTED_TOMBSTONES), so its MSRP frames are still dropped.
 * Target dialogs are evicted only when no other is left (they are never what fills the table).
 */
export const DEFAULT_MAX_DIALOGS = 8_192;

export interface DialogTrackerOptions {
  /**
   * Dialogs tracked at once (default {@link DEFAULT_MAX_DIALOGS}). Beyond it the oldest dialog
   * the owner does not keep ({@link DialogTracker} `keep`) is evicted; the oldest kept one only
   * when every dialog is kept.
   */
  readonly maxDialogs?: number;
  /** No final response for this long: closed (default 180 s, RFC 3261 Timer C). */
  readonly earlyTimeoutSec?: number;
  /** Confirmed dialog with no SIP or MSRP activity for this long: closed (default 7200 s). */
  readonly idleTimeoutSec?: number;
  /** A failed, released or pager dialog is kept this long for late messages (default 32 s). */
  readonly lingerSec?: number;
  /** Logical messages remembered per dialog for repeat detection (default 256). */
  readonly maxSeenPerDialog?: number;
}

/** What one SIP message did to its dialog. */
export interface SipObservation<S> {
  readonly dialog: Dialog<S>;
  /** Same message, same hop, same branch: not to be emitted again. */
  readonly retransmission: boolean;
  /** Seen before on another hop: emit, but the state machine did not run. */
  readonly repeat: boolean;
  readonly sender: Side;
  /** The SDP the message carried (applied to `dialog.sdp[sender]`), null when none. */
  readonly sdp: PartySdp | null;
  /** This message established the MSRP session (2xx with the answer, or ACK with a late answer). */
  readonly established: boolean;
  /** A final non-2xx response to the initial request (3xx-6xx, incl. 487 after CANCEL). */
  readonly failed: boolean;
  /** BYE seen ('request') or its 2xx ('complete'). */
  readonly released: 'request' | 'complete' | null;
  /** A final response to the initial request (any class). */
  readonly finalResponse: boolean;
}

/**
 * One {@link SipObservation}, always built with the same shape: object spread with overridden
 * keys (`{ ...base, x }`) was most of observe()'s time in V8.
 */
function observation<S>(
  dialog: Dialog<S>,
  sender: Side,
  sdp: PartySdp | null,
  retransmission: boolean,
  repeat: boolean,
  established: boolean,
  failed: boolean,
  released: 'request' | 'complete' | null,
  finalResponse: boolean,
): SipObservation<S> {
  return { dialog, retransmission, repeat, sender, sdp, established, failed, released, finalResponse };
}

/** Hop text for retransmission keys. */
export function hopKey(src: Uint8Array, srcPort: number, dst: Uint8Array, dstPort: number): string {
  let s = '';
  for (const b of src) s += String.fromCharCode(b);
  s += `:${srcPort}>`;
  for (const b of dst) s += String.fromCharCode(b);
  return `${s}:${dstPort}`;
}

/** The dialog table. */
export class DialogTracker<S> {
  /**
   * Dialogs by key, ordered by when each is due (its linger after release or failure, else
   * its idle or early timeout); iteration and eviction in creation order.
   */
  private readonly dialogs: IdleTable<string, Dialog<S>>;
  /** Frame that made room for a new dialog (the eviction anomaly's frame). */
  private evictFrameNo: number | undefined = undefined;
  private readonly maxDialogs: number;
  readonly earlyTimeout: number;
  readonly idleTimeout: number;
  readonly linger: number;
  private readonly maxSeen: number;
  private nextUid = 1;

  /**
   * @param onClose called once per dialog when it leaves the table.
   * @param keep dialogs the owner wants evicted last (the correlator: target dialogs); asked
   *   only when the table is full.
   */
  constructor(
    private readonly onClose: (d: Dialog<S>, reason: DialogCloseReason) => void,
    private readonly anomalies: AnomalySink,
    options: DialogTrackerOptions = {},
    private readonly keep: (d: Dialog<S>) => boolean = () => false,
  ) {
    this.maxDialogs = options.maxDialogs ?? DEFAULT_MAX_DIALOGS;
    this.earlyTimeout = options.earlyTimeoutSec ?? 180;
    this.idleTimeout = options.idleTimeoutSec ?? 7200;
    this.linger = options.lingerSec ?? 32;
    this.maxSeen = options.maxSeenPerDialog ?? 256;
    // Caps limit what is kept, never whether a target is seen: a flood of non-target dialogs
    // cannot push a target's dialog out (`keep`), and a new target dialog always gets a place.
    this.dialogs = new IdleTable<string, Dialog<S>>({
      cap: this.maxDialogs,
      evict: 'oldest',
      keep: (_k, d) => this.keep(d),
      onEvict: (_k, d) => {
        // The oldest the owner does not keep; a kept one only when every dialog is kept.
        const code = this.keep(d) ? 'correlate.target_dialog_evicted' : 'correlate.dialog_evicted';
        this.anomalies.report(code, this.evictFrameNo, `cap=${this.maxDialogs}`);
        this.onClose(d, 'evicted');
      },
    });
  }

  get size(): number {
    return this.dialogs.size;
  }

  /** The tracked dialog `msg` belongs to (./dialog-key.ts), undefined when none; `msg.callId` must be set. */
  find(msg: SipMessage): Dialog<S> | undefined {
    const cseq = msg.cseq!;
    return findDialog((k) => this.dialogs.get(k), {
      callId: msg.callId!,
      fromTag: dialogTag(msg.from?.tag),
      toTag: dialogTag(msg.to?.tag),
      isRequest: msg.isRequest,
      cseq: cseq.seq,
      cseqMethod: cseq.method,
      branch: msg.viaBranch ?? '',
    });
  }

  /** The dialog keyed by `msg`'s Call-ID and From tag ({@link dialogKey}), whatever its remote tag: the one {@link create} would replace. */
  keyedBy(msg: SipMessage): Dialog<S> | undefined {
    return this.dialogs.get(dialogKey(msg.callId!, dialogTag(msg.from?.tag)));
  }

  /** Creates the dialog of `msg` (an initial INVITE/MESSAGE, or an in-dialog request when `midDialog`). */
  create(msg: SipMessage, kind: 'invite' | 'message', midDialog: boolean, tsSec: number, tsNsec: number): Dialog<S> {
    // A full table evicts first (onEvict above).
    this.evictFrameNo = msg.frameNo;
    // Owned copies: the dialog outlives the header text its fields were sliced from.
    const d = new Dialog<S>(this.nextUid++, ownString(msg.callId!), kind, msg.cseq!.seq, ownString(msg.cseq!.method), midDialog, ownStringOrNull(dialogTag(msg.from?.tag)), tsSec, tsNsec);
    if (midDialog) d.calleeTag = ownStringOrNull(dialogTag(msg.to?.tag));
    this.dialogs.set(d.key, d, this.deadlineOf(d));
    return d;
  }

  /**
   * Applies `msg` to `d` (see the file comment). `sdp` is the message's parsed SDP (the caller
   * parses it once, also for dialogs it has not created yet).
   */
  observe(d: Dialog<S>, msg: SipMessage, sdp: PartySdp | null, hop: string, now: number): SipObservation<S> {
    const cseq = msg.cseq!;
    const fromTag = dialogTag(msg.from?.tag);
    const toTag = dialogTag(msg.to?.tag);
    // Owned (flat) keys: a template literal is a chain of cons strings holding slices of the
    // packet's header text, so each key kept in `seen` pinned the whole SIP header (issue 12).
    const stateKey = ownString(`${msg.isRequest ? `Q${msg.method}` : `S${msg.statusCode}`}|${cseq.seq}|${cseq.method}|${fromTag ?? ''}|${toTag ?? ''}`);
    const seenKey = `${msg.viaBranch ?? ''}|${hop}`;
    const sender = d.senderOf(msg);
    if (d.isCreatingRetry(msg)) d.retryCreatingRequest(cseq.seq);
    // The creating request on each hop: its responses there are matched by this branch (./dialog-key.ts).
    if (msg.isRequest && toTag === null && cseq.seq === d.initialCseq && cseq.method === d.initialMethod && d.initialBranches.length < 16) {
      const b = msg.viaBranch ?? '';
      if (!d.initialBranches.includes(b)) d.initialBranches = d.initialBranches.concat([ownString(b)]);
    }
    const hops = d.seen.get(stateKey);
    if (hops !== undefined) {
      const retransmission = typeof hops === 'string' ? hops === seenKey : hops.includes(seenKey);
      if (!retransmission) {
        if (typeof hops === 'string') d.seen.set(stateKey, [hops, ownString(seenKey)]);
        else if (hops.length < 16) hops.push(ownString(seenKey));
        this.touch(d, now);
      }
      return observation(d, sender, null, retransmission, true, false, false, null, false);
    }
    if (d.seen.size >= this.maxSeen) d.seen.delete(d.seen.keys().next().value!);
    d.seen.set(stateKey, ownString(seenKey));
    this.touch(d, now);

    let established = false;
    let failed = false;
    let finalResponse = false;
    let released: 'request' | 'complete' | null = null;
    let useSdp = sdp;
    const initialTx = cseq.seq === d.initialCseq && !d.midDialog;
    if (!msg.isRequest && cseq.method === 'INVITE') {
      const code = msg.statusCode;
      if (toTag !== null && code > 100 && initialTx && d.earlyTags.length < 16 && !d.earlyTags.includes(toTag)) d.earlyTags = d.earlyTags.concat([ownString(toTag)]);
      if (sdp !== null && sdp.msrp.length > 0 && toTag !== null && code < 300 && (d.earlySdp?.size ?? 0) < 16) {
        d.earlySdp ??= new Map();
        d.earlySdp.set(ownString(toTag), sdp);
      }
      if (code >= 200 && code < 300) {
        // RFC 3264 / RFC 3262: the answer may have come in a reliable 18x of this fork.
        if (useSdp === null && toTag !== null && d.calleeTag === null) useSdp = d.earlySdp?.get(toTag) ?? null;
        if (initialTx && d.state === 'early') {
          d.state = 'confirmed';
          d.calleeTag = ownStringOrNull(toTag);
          d.finalStatus = code;
          finalResponse = true;
        } else if (initialTx && d.calleeTag !== null && toTag !== null && toTag !== d.calleeTag) {
          this.anomalies.report('correlate.sip_multiple_2xx', msg.frameNo);
        }
      } else if (code >= 300 && initialTx && d.state === 'early') {
        d.state = 'failed';
        d.finalStatus = code;
        d.closeAt = now + this.linger;
        failed = true;
        finalResponse = true;
      }
    } else if ((msg.method === 'BYE' || cseq.method === 'BYE') && !this.ofConfirmedFork(d, fromTag, toTag)) {
      // RFC 3261 13.2.2.4: each 2xx of a forked INVITE makes its own dialog, and the caller may
      // BYE the ones it does not keep. The BYE of another fork than the confirmed one (and its
      // response) ends that fork only: the session goes on (no blinding by one fork's end).
    } else if (msg.isRequest && msg.method === 'BYE') {
      if (d.state !== 'terminated') {
        d.state = 'terminating';
        d.byeAt ??= now;
        released = 'request';
      }
    } else if (!msg.isRequest && cseq.method === 'BYE' && msg.statusCode >= 200) {
      if (d.state === 'terminating' || d.state === 'confirmed') {
        d.state = 'terminated';
        d.closeAt = now + this.linger;
        released = 'complete';
      }
    } else if (!msg.isRequest && cseq.method === 'MESSAGE' && d.kind === 'message' && msg.statusCode >= 200) {
      // RFC 3428 section 7: a pager exchange is one transaction; keep it briefly for repeats.
      d.closeAt = now + this.linger;
      finalResponse = true;
      if (d.state === 'early') {
        d.state = msg.statusCode < 300 ? 'terminated' : 'failed';
        d.finalStatus = msg.statusCode;
      }
    }
    if (useSdp !== null && useSdp.msrp.length > 0) {
      d.sdp[sender] = useSdp;
      for (const m of useSdp.msrp) {
        for (const sid of m.sessionIds) if (!d.sideBySid.has(sid)) d.sideBySid.set(sid, sender);
        if (m.endpointSessionId !== null && !d.endpointSids.includes(m.endpointSessionId)) d.endpointSids = d.endpointSids.concat([m.endpointSessionId]);
      }
    }
    if (d.kind === 'invite' && !d.established && d.state === 'confirmed' && (d.sdp[0]?.msrp.length ?? 0) > 0 && (d.sdp[1]?.msrp.length ?? 0) > 0) {
      d.established = true;
      established = true;
    }
    // The state, linger or BYE time may have moved the dialog's deadline (either way).
    this.dialogs.touch(d.key, this.deadlineOf(d));
    return observation(d, sender, useSdp, false, false, established, failed, released, finalResponse);
  }

  /**
   * The message's tags name the confirmed dialog (or nothing is confirmed yet): the remote tag
   * is the To tag of the caller's requests and the From tag of the callee's (responses keep
   * their request's tags, RFC 3261 12.1.1). A message without the remote tag is no request of a
   * confirmed dialog (12.2.1.1): ./sip-side.ts drops it first (Dialog.lacksRemoteTag), and it
   * ends no dialog here either.
   */
  private ofConfirmedFork(d: Dialog<S>, fromTag: string | null, toTag: string | null): boolean {
    if (d.calleeTag === null || d.midDialog) return true;
    const remote = d.callerTag === null || fromTag === d.callerTag ? toTag : fromTag;
    return remote === d.calleeTag;
  }

  /** Marks activity (SIP or MSRP) on `d`. */
  touch(d: Dialog<S>, now: number): void {
    if (now > d.lastActive) {
      d.lastActive = now;
      // A later deadline: O(1), re-sorted when it reaches the front (./../util/idle-table.ts).
      if (d.closeAt === null) this.dialogs.touch(d.key, this.deadlineOf(d));
    }
  }

  /** When `d` is due: its close time, the end of the linger after BYE, or its idle/early timeout. */
  private deadlineOf(d: Dialog<S>): number {
    if (d.closeAt !== null) return d.closeAt;
    if (d.state === 'terminating' && d.byeAt !== null) return d.byeAt + this.linger;
    return d.lastActive + (d.state === 'early' ? this.earlyTimeout : this.idleTimeout);
  }

  /** Closes dialogs whose time is up. */
  sweep(now: number): void {
    // Collect first (closing calls back into the correlator): only the dialogs the table says
    // are due (a microsecond early: the rules below compare differences, which can round the
    // other way by an ulp), decided by the rules, closed in creation order as they always were.
    let due: [Dialog<S>, DialogCloseReason][] | null = null;
    this.dialogs.tick(now + DUE_SLACK_SEC, (_k, d) => {
      let r: DialogCloseReason | null = null;
      if (d.closeAt !== null) {
        if (now >= d.closeAt) r = 'ended';
      } else if (d.state === 'terminating' && d.byeAt !== null && now - d.byeAt >= this.linger) r = 'ended';
      else if (now - d.lastActive >= (d.state === 'early' ? this.earlyTimeout : this.idleTimeout)) r = 'timeout';
      if (r === null) return Math.max(this.deadlineOf(d), now + 2 * DUE_SLACK_SEC);
      due ??= [];
      due.push([d, r]);
      // Stays in the table until remove() below (the correlator may close it first).
      return Infinity;
    });
    if (due === null) return;
    const list: [Dialog<S>, DialogCloseReason][] = due;
    list.sort((a, b) => a[0].uid - b[0].uid);
    for (const [d, r] of list) {
      if (r === 'timeout') this.anomalies.report('correlate.dialog_timeout', undefined, `state=${d.state}`);
      this.remove(d, r);
    }
  }

  /** Closes `d` now (the owner knows nothing more will come of it). */
  close(d: Dialog<S>, reason: DialogCloseReason): void {
    this.remove(d, reason);
  }

  /** Closes every dialog (end of input). */
  flush(): void {
    for (const d of [...this.dialogs.values()]) this.remove(d, 'flush');
  }

  private remove(d: Dialog<S>, reason: DialogCloseReason): void {
    if (this.dialogs.get(d.key) !== d) return;
    this.dialogs.delete(d.key);
    this.onClose(d, reason);
  }
}
