/**
 * Dialog identity (RFC 3261 section 12): which tracked dialog a SIP message belongs to.
 *
 * A dialog is identified by Call-ID, local tag and remote tag (12, 12.1.1, 12.1.2). Before the
 * answer only the caller's half is known: Call-ID + From tag of the creating request. The tap keys
 * its table on that half (`dialogKey`): every early dialog forked from one request (different To
 * tags, 12.1, 13.2.2.4) shares it and lives in the same entry (the tracker keeps their answers
 * per To tag), and the confirming 2xx fixes the remote tag.
 *
 * Why not Call-ID alone: a B2BUA may keep the Call-ID on both legs (seen with an NG911 ESRP) but
 * is the UA of each leg, so it puts its own tag in From on the leg it originates (RFC 3261 12.1.2,
 * RFC 7092 section 3). Keyed on Call-ID alone, the legs merge: the first leg's interception
 * decision (and sides) would govern the second leg's messages.
 *
 * Hops: the same dialog id seen on two hops (a proxy forwards it, or the tap sees both sides of a
 * P-CSCF or of a proxy-like B2BUA that keeps the tags) is one dialog seen twice; the tracker tells
 * the observations apart by hop (source and destination address/port of the packet, plus the top
 * Via branch), see ./dialog-tracker.ts. A B2BUA that keeps both the Call-ID and the From tag
 * therefore shows as one dialog seen on two hops (the forwarded 2xx with another To tag is then
 * reported as `correlate.sip_multiple_2xx`): the wire gives no dialog-level difference to key on.
 *
 * Lookup of a message with From tag F and To tag T (a response keeps its request's From/To):
 * 1. the entry keyed by T for which F is a callee tag (the confirmed one, or one its responses
 *    to the creating INVITE carried: an early dialog, 13.2.2.4): a request of the callee (or
 *    its response), e.g. a BYE, re-INVITE or early UPDATE (RFC 3311);
 * 2. the entry keyed by F, when T agrees with it: no T (the creating request, CANCEL, a
 *    non-2xx ACK, a repeat on another hop), T is one of its callee tags, or the message is a
 *    response of the creating transaction or of its CANCEL (same CSeq number and method, and a
 *    top Via branch the creating request carried on some hop, RFC 3261 9.1, 17.1.3), which is
 *    how callee tags are learnt.
 * Both steps need the tags to agree with what the dialog itself showed: a message is never
 * attributed to a tracked dialog because its Call-ID and one tag happen to match, which would
 * make the result depend on which other dialogs are tracked (on which other tasks exist): with
 * a B2BUA keeping the Call-ID, the callee of one leg may pick the tag the caller of the other
 * leg uses (`tag=1` is common with test UAs). The price: a request of a fork whose responses the
 * tap never saw finds no dialog (for a target it opens a mid-dialog session).
 */

/** `token` characters of RFC 3261 section 25.1 (tags are tokens, 19.3). */
function isTokenChar(c: number): boolean {
  if (c >= 0x30 && c <= 0x39) return true; // 0-9
  if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) return true; // A-Z a-z
  // - . ! % * _ + ` ' ~
  return c === 0x2d || c === 0x2e || c === 0x21 || c === 0x25 || c === 0x2a || c === 0x5f || c === 0x2b || c === 0x60 || c === 0x27 || c === 0x7e;
}

/**
 * The tag as a dialog id compares it: the leading RFC 3261 `token`. Real B2BUAs write junk after
 * it (an NG911 ESRP duplicates its From header and folds both into its responses:
 * `;tag=4718ESRP, 192.168.56.3-LEG2`); the token is what the UA chose (19.3). Null when absent
 * or empty.
 */
export function dialogTag(tag: string | null | undefined): string | null {
  if (tag === null || tag === undefined) return null;
  let i = 0;
  while (i < tag.length && isTokenChar(tag.charCodeAt(i))) i++;
  if (i === 0) return null;
  return i === tag.length ? tag : tag.slice(0, i);
}

/** Table key of a dialog: Call-ID and the caller's (From) tag; '' stands for no tag (RFC 2543 peers). */
export function dialogKey(callId: string, callerTag: string | null): string {
  return `${callId}\u0000${callerTag ?? ''}`;
}

/** What the lookup needs of a tracked dialog. */
export interface KeyedDialog {
  /** The remote (callee) tag once confirmed; null before. */
  readonly calleeTag: string | null;
  /** To tags of the responses to the creating INVITE (early dialogs, forks, final responses). */
  readonly earlyTags: readonly string[];
  /** CSeq number and method of the creating request. */
  readonly initialCseq: number;
  readonly initialMethod: string;
  /** Top Via branches ('' for none) the creating request carried on the hops it was seen on. */
  readonly initialBranches: readonly string[];
}

/** What the lookup needs of a message. */
export interface DialogLookup {
  readonly callId: string;
  /** From and To tags through {@link dialogTag}. */
  readonly fromTag: string | null;
  readonly toTag: string | null;
  readonly isRequest: boolean;
  readonly cseq: number;
  readonly cseqMethod: string;
  /** Top Via branch, '' when none. */
  readonly branch: string;
}

/**
 * The tracked dialog of a message (see the file comment), or undefined.
 *
 * @param get the table lookup by {@link dialogKey}.
 */
export function findDialog<D extends KeyedDialog>(get: (key: string) => D | undefined, m: DialogLookup): D | undefined {
  const { fromTag, toTag } = m;
  if (toTag !== null && fromTag !== null && toTag !== fromTag) {
    const byTo = get(dialogKey(m.callId, toTag));
    if (byTo !== undefined && (byTo.calleeTag === fromTag || byTo.earlyTags.includes(fromTag))) return byTo;
  }
  const byFrom = get(dialogKey(m.callId, fromTag));
  if (byFrom === undefined) return undefined;
  if (toTag === null || toTag === byFrom.calleeTag || byFrom.earlyTags.includes(toTag)) return byFrom;
  const ofCreatingTx = !m.isRequest && m.cseq === byFrom.initialCseq && (m.cseqMethod === byFrom.initialMethod || m.cseqMethod === 'CANCEL') && byFrom.initialBranches.includes(m.branch);
  return ofCreatingTx ? byFrom : undefined;
}
