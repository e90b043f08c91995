/**
 * Direction of one pager-mode message (RFC 3428 MESSAGE, or its response) for one task, from that
 * message's own identities rather than from the side of the exchange it was filed under.
 *
 * Why: a pager MESSAGE is a transaction of its own, and what the tap sees of one exchange on
 * several hops need not name the same parties (a B2BUA re-sends it with its own From, seen with an
 * NG911 ESRP). Each message is therefore placed by who it names:
 * - a request is sent by its From / P-Asserted-Identity / P-Preferred-Identity / Authorization
 *   user (RFC 3261 8.1.1.3, RFC 3325 9.1) and sent to its To / Request-URI;
 * - a response keeps the request's From and To (RFC 3261 8.2.6.2): it is sent by the To party,
 *   whose identity its own P-Asserted-Identity asserts (RFC 3325 9.1), to the From party.
 * Sender names the target: `fromTarget`; else receiver names it: `toTarget`; else the message is
 * not the target's and gets no record for that task (null).
 */
import type { SipMessage } from '../protocols/sip/index.js';
import type { Direction } from '../records/direction.js';
import { sipRequestIdentities, type ObservedIdentity } from './target-matcher.js';

/** The identities that may name a target (./target-matcher.ts `ObservedIdentity`). */
export type NamesTarget = (identities: readonly ObservedIdentity[]) => boolean;

/**
 * @param names true when the identities name the task's target.
 * @returns the direction relative to the target, or null when the message names it nowhere.
 */
export function pagerDirection(msg: SipMessage, names: NamesTarget): Direction | null {
  const sender: ObservedIdentity[] = [];
  const receiver: ObservedIdentity[] = [];
  if (msg.isRequest) {
    for (const o of sipRequestIdentities(msg)) (o.source === 'to' || o.source === 'requestUri' ? receiver : sender).push(o);
  } else {
    for (const na of msg.pAssertedIdentity) sender.push({ text: na.uriText, source: 'pai' });
    if (msg.to !== null) sender.push({ text: msg.to.uriText, source: 'to' });
    if (msg.from !== null) receiver.push({ text: msg.from.uriText, source: 'from' });
  }
  if (names(sender)) return 'fromTarget';
  if (names(receiver)) return 'toTarget';
  return null;
}
