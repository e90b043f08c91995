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
 * 1. the entry keyed by T whose remote tag is F: a request of the callee (or its response);
 * 2. the entry keyed by F: a request of the caller (or its response), whatever T is (a later
 *    fork, or a 2xx that lacked the tag);
 * 3. the entry keyed by T whose remote tag was never learnt (the 2xx carried no To tag): the
 *    callee's request.
 * Step 1 comes first so that a callee tag equal to another leg's caller tag (`tag=1` is common
 * with test UAs) finds the right leg.
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
  readonly kind: 'invite' | 'message';
  /** The remote (callee) tag once confirmed; null before. */
  readonly calleeTag: string | null;
}

/**
 * The tracked dialog `msg` belongs to (see the file comment), or undefined.
 *
 * @param get the table lookup by {@link dialogKey}.
 * @param fromTag the message's From tag, through {@link dialogTag}.
 * @param toTag the message's To tag, through {@link dialogTag}.
 */
export function findDialog<D extends KeyedDialog>(get: (key: string) => D | undefined, callId: string, fromTag: string | null, toTag: string | null): D | undefined {
  const byTo = toTag !== null && toTag !== fromTag ? get(dialogKey(callId, toTag)) : undefined;
  if (byTo !== undefined && byTo.calleeTag === fromTag) return byTo;
  const byFrom = get(dialogKey(callId, fromTag));
  if (byFrom !== undefined) return byFrom;
  // A pager exchange is one transaction (RFC 3428 section 7): nothing is sent back inside it.
  if (byTo !== undefined && byTo.calleeTag === null && byTo.kind === 'invite') return byTo;
  return undefined;
}
