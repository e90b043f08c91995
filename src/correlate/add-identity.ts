/**
 * The identity lists of a session's two sides (Session.sideIds): SIP From/PAI/To/R-URI of the
 * creating request, or CPIM From/To for a session without SIP. At most 8 per side, compared
 * normalized, the strings detached from the packet (they live as long as the session).
 */
import { normalizeIdentity, type SipMessage } from '../protocols/sip/index.js';
import { imsIdentityFromText, type ImsIdentity } from '../records/ims-identity.js';
import { ownString } from '../util/own-string.js';
import type { Side } from './dialog-tracker.js';

/** `text` would be a new entry of `list` (at most 8, compared normalized). */
function identityWanted(list: readonly ImsIdentity[], text: string): boolean {
  const k = normalizeIdentity(text) ?? text;
  return list.length < 8 && !list.some((i) => (normalizeIdentity(i.value) ?? i.value) === k);
}

/** Appends `text` to `list` when it is a new entry. */
export function identityList(list: ImsIdentity[], text: string): void {
  if (identityWanted(list, text)) list.push(imsIdentityFromText(ownString(text)));
}

/**
 * {@link identityList} for lists kept by every dialog, target or not: the list is replaced by an
 * exact-size copy, where a push would reserve 17 slots (~150 bytes per list, issue 12).
 */
export function addIdentity(lists: [ImsIdentity[], ImsIdentity[]], side: Side, text: string): void {
  if (identityWanted(lists[side], text)) lists[side] = lists[side].concat([imsIdentityFromText(ownString(text))]);
}

/** The parties a request names: its sender (P-Asserted-Identity, From) and receiver (To, and the Request-URI when `withRuri`). */
export function addRequestParties(lists: [ImsIdentity[], ImsIdentity[]], msg: SipMessage, withRuri: boolean): void {
  for (const na of msg.pAssertedIdentity) addIdentity(lists, 0, na.uriText);
  if (msg.from !== null) addIdentity(lists, 0, msg.from.uriText);
  if (msg.to !== null) addIdentity(lists, 1, msg.to.uriText);
  if (withRuri && msg.requestUri !== null && /^(sips?|tel):/i.test(msg.requestUri)) addIdentity(lists, 1, msg.requestUri);
}
