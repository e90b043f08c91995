/**
 * One SIP dialog as the tap sees it (RFC 3261 section 12; RFC 3428 pager-mode MESSAGE): its
 * key, tags, sides, SDPs and the tests that say which party sent a message and whether it
 * creates, retries or supersedes the dialog. The table that finds, creates, observes and
 * expires dialogs is ./dialog-tracker.ts (whose file comment explains sides, forking, repeats
 * and lifetimes).
 *
 * Sides: side 0 is the party that sent the dialog-creating request (its From tag), side 1 the
 * other (RFC 3261 8.2.6.2 / 12.1.1: responses keep the request's From/To).
 */
import type { SipMessage } from '../protocols/sip/index.js';
import type { PartySdp } from './party-sdp.js';
import { dialogKey, dialogTag } from './dialog-key.js';

export type Side = 0 | 1;

export type DialogState = 'early' | 'confirmed' | 'failed' | 'terminating' | 'terminated';

export type DialogCloseReason = 'ended' | 'timeout' | 'evicted' | 'flush';

/** One dialog (or pager-mode MESSAGE exchange). `S` is the correlator's per-session state. */
export class Dialog<S> {
  /** Tag of side 0 (From tag of the creating request, through {@link dialogTag}); null when it had none. */
  readonly callerTag: string | null;
  /** The table key ({@link dialogKey}). */
  readonly key: string;
  /** To tag of the confirmed dialog (through {@link dialogTag}). */
  calleeTag: string | null = null;
  state: DialogState;
  /** An MSRP session is up: confirmed and both sides offered/answered MSRP media. */
  established = false;
  /** Latest SDP of each side. */
  readonly sdp: [PartySdp | null, PartySdp | null] = [null, null];
  /** To tags of responses to the creating INVITE (early dialogs, forks, the final response; at most 16): callee requests are found by them (./dialog-key.ts). */
  earlyTags: readonly string[] = [];
  /** Top Via branches of the creating request's observations (at most 16; ./dialog-key.ts). */
  initialBranches: readonly string[] = [];
  /** Provisional answers per To tag (forked early dialogs); null until the first one (most dialogs have none). */
  earlySdp: Map<string, PartySdp> | null = null;
  /** Which side each MSRP session-id of any SDP a=path belongs to. */
  readonly sideBySid = new Map<string, Side>();
  /**
   * Endpoint session-ids (last a=path URI) in order of appearance. The three arrays above and
   * this one are replaced by exact-size copies when they grow, never pushed to: a push reserves
   * 17 slots, ~150 bytes each on every dialog of a flood (issue 12).
   */
  endpointSids: readonly string[] = [];
  /** Capture time (seconds, fractional) of the last SIP or MSRP activity. */
  lastActive: number;
  /** When to close (released, failed, pager done); null while open. */
  closeAt: number | null = null;
  byeAt: number | null = null;
  /** Status code of the final response to the creating request (of its latest attempt); null before one. */
  finalStatus: number | null = null;
  /**
   * Logical messages seen (see the file comment) → the hops (branch and addresses) they were
   * seen on: one string for the usual single hop, an array beyond (at most 16). A Set per
   * message cost ~200 bytes per dialog for nothing (issue 12).
   */
  readonly seen = new Map<string, string | string[]>();
  session: S | null = null;

  constructor(
    readonly uid: number,
    readonly callId: string,
    readonly kind: 'invite' | 'message',
    /** The creating request's CSeq number and method (the initial transaction; a retry after a challenge moves the number, see {@link Dialog.retryCreatingRequest}). */
    public initialCseq: number,
    readonly initialMethod: string,
    /** Created from an in-dialog request (the capture missed the dialog's start). */
    readonly midDialog: boolean,
    callerTag: string | null,
    readonly startSec: number,
    readonly startNsec: number,
  ) {
    this.callerTag = callerTag;
    this.key = dialogKey(callId, callerTag);
    this.state = midDialog ? 'confirmed' : 'early';
    this.lastActive = startSec + startNsec / 1e9;
  }

  /** The side that sent `msg` (see the file comment). */
  senderOf(msg: SipMessage): Side {
    const fromSide: Side = this.callerTag === null || dialogTag(msg.from?.tag) === this.callerTag ? 0 : 1;
    return msg.isRequest ? fromSide : fromSide === 0 ? 1 : 0;
  }

  /** `msg` is the creating request (INVITE or MESSAGE without To tag), as first seen or on another hop. */
  isCreatingRequest(msg: SipMessage): boolean {
    return msg.isRequest && !this.midDialog && msg.method === this.initialMethod && msg.cseq?.seq === this.initialCseq && dialogTag(msg.to?.tag) === null;
  }

  /**
   * RFC 3261 22.2 / 22.3 (and 8.1.3.5): after a 401 or 407 the caller re-sends the INVITE with
   * credentials, the same Call-ID and From tag and a higher CSeq, without To tag. It creates the
   * same would-be dialog anew: its responses are matched by the new CSeq and branches, the failed
   * attempt's To tags no longer count, and the dialog is early again. Any other failure (486
   * Busy, 603 Decline...) ends the attempt for good: an INVITE reusing its dialog id after it is
   * no retry (./sip-side.ts would otherwise start the failed call's records again).
   */
  isCreatingRetry(msg: SipMessage): boolean {
    const seq = msg.cseq?.seq;
    return (
      this.state === 'failed' &&
      (this.finalStatus === 401 || this.finalStatus === 407) &&
      this.kind === 'invite' &&
      !this.midDialog &&
      msg.isRequest &&
      msg.method === this.initialMethod &&
      seq !== undefined &&
      seq > this.initialCseq &&
      dialogTag(msg.to?.tag) === null
    );
  }

  /**
   * `msg` is an INVITE outside any dialog (no To tag, RFC 3261 12.2.1.1: a request within a
   * dialog carries the remote tag) that reuses this dialog's Call-ID and From tag after this
   * dialog is over, and is no challenge retry: it creates a new dialog (RFC 3261 12.1; the early
   * dialogs of a request end with its final non-2xx response, 13.2.2.4, 12.3; a dialog ends with
   * its BYE, 15), so the owner must close this one and match the request afresh. Taken as a
   * request of this dialog, its offer would be bound to the finished session and its content
   * would reach that session's tasks, whoever the new request names.
   */
  isSupersededBy(msg: SipMessage): boolean {
    if (!msg.isRequest || msg.method !== 'INVITE' || dialogTag(msg.to?.tag) !== null || this.kind !== 'invite') return false;
    const seq = msg.cseq?.seq;
    if (seq === undefined || seq === this.initialCseq) return false; // the creating request itself (a repeat or retransmission)
    if (this.state === 'failed') return !this.isCreatingRetry(msg);
    return this.state === 'terminating' || this.state === 'terminated';
  }

  /**
   * `msg` is an INVITE outside any dialog (no To tag) with this live dialog's Call-ID and From tag
   * but another CSeq number: not the creating request, no retry, no request of this dialog (those
   * carry the remote tag, RFC 3261 12.2.1.1). Either another hop's copy of the creating request
   * by a B2BUA that keeps the dialog id but numbers its own CSeq (8.1.1.5), or a new dialog
   * (12.1) reusing the id: ./sip-side.ts tells them apart by the tasks it names.
   */
  isForeignInvite(msg: SipMessage): boolean {
    if (!msg.isRequest || msg.method !== 'INVITE' || dialogTag(msg.to?.tag) !== null || this.kind !== 'invite') return false;
    const seq = msg.cseq?.seq;
    return seq !== undefined && seq !== this.initialCseq && (this.state === 'early' || this.state === 'confirmed');
  }

  /**
   * `msg` names this dialog by Call-ID and one tag only, where RFC 3261 12.2.1.1 wants both: a
   * request within a dialog carries the remote tag (To of the caller's requests, From of the
   * callee's) and its response keeps it (8.2.6.2). The UA itself rejects such a request (481,
   * 12.2.2); taken as the dialog's, a forged BYE (or its 2xx) would end a target's interception,
   * and a forged UPDATE or re-INVITE would bind another path, knowing only the Call-ID and the
   * caller's tag. Asked of every message the lookup found (./dialog-key.ts), and true only:
   * - for an INVITE dialog (a pager MESSAGE exchange has no dialog, RFC 3428 section 4);
   * - once a remote tag exists: early (an early dialog has the callee's tag, 12.1) or confirmed
   *   with one (an RFC 2543 peer's 2xx without tag leaves none to carry);
   * - outside the creating transaction, whose messages legitimately lack it: the request (on any
   *   hop), its CANCEL (9.1), their responses, the ACK of a non-2xx (17.1.1.3) while not confirmed;
   * - not for an INVITE without To tag (out of any dialog: ./sip-side.ts tells a B2BUA's copy
   *   from a new dialog, isForeignInvite) nor a 100 Trying without body (a proxy's, 16.2).
   */
  lacksRemoteTag(msg: SipMessage): boolean {
    if (this.kind !== 'invite' || (this.state !== 'early' && this.calleeTag === null)) return false;
    const fromTag = dialogTag(msg.from?.tag);
    const toTag = dialogTag(msg.to?.tag);
    const remote = this.callerTag === null || fromTag === this.callerTag ? toTag : fromTag;
    if (remote !== null) return false;
    if (msg.isRequest ? msg.method === 'INVITE' && toTag === null : msg.statusCode === 100 && msg.body.length === 0) return false;
    const cseq = msg.cseq!;
    if (this.midDialog || cseq.seq !== this.initialCseq) return true;
    if (cseq.method === this.initialMethod || cseq.method === 'CANCEL') return false;
    return !(cseq.method === 'ACK' && this.state !== 'confirmed');
  }

  /** Restarts the creating transaction with the retried request's CSeq number (see {@link isCreatingRetry}). */
  retryCreatingRequest(seq: number): void {
    this.initialCseq = seq;
    this.initialBranches = [];
    this.earlyTags = [];
    this.earlySdp = null;
    this.calleeTag = null;
    this.state = 'early';
    this.closeAt = null;
    this.finalStatus = null;
  }

  /** The endpoint session-ids of `side`'s SDPs. */
  sidsOf(side: Side): string[] {
    const out: string[] = [];
    for (const [sid, s] of this.sideBySid) if (s === side) out.push(sid);
    return out;
  }
}
