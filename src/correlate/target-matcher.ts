/**
 * Target matching: an index from identity keys to the tasks whose target identifiers produce
 * them, and the lookups for the identities a SIP request or a CPIM message shows.
 *
 * Keys (an observed identity matches a target identifier when they share a key):
 * - `n:` {@link normalizeIdentity} for sipUri / telUri / impu identifiers and every observed
 *   SIP/SIPS/TEL URI (display name, parameters, port dropped; `sip:+49..;user=phone` ≡ `tel:+49..`).
 * - `e:` {@link e164Key} for e164 identifiers and for global-number telUri / impu identifiers, and
 *   for every observed URI: so a TEL target also matches `sip:+49...@host` without `user=phone`,
 *   which IMS networks often send (TS 24.229 does not require the parameter on every hop).
 * - `i:` for impi identifiers (NAI `user@realm`, TS 23.003 13.3): compared case-insensitively
 *   with `user@host` of observed SIP URIs (scheme, parameters and port dropped, user
 *   percent-decoded) and with the `username` of Authorization / Proxy-Authorization (an IMS UE
 *   sends its IMPI there, TS 24.229 5.1.1.2). Matching an IMPI against a URI is a deliberate
 *   approximation: the IMPI is usually derived from the same user@realm as the default IMPU.
 *
 * Role (RFC 3261 caller/callee): an identity in P-Asserted-Identity, P-Preferred-Identity, From
 * or the requester's Authorization makes the target the originating party; To or the
 * Request-URI the terminating party. When both match (a target calling itself), originating wins.
 * A task's time window is checked against the capture time of the matching message.
 */
import { e164Key, identityKeys, normalizeIdentity, parseUri, percentDecode, parseHeaderParams, type SipMessage, type SipUri } from '../protocols/sip/index.js';
import type { TargetRole } from '../records/task-ref.js';
import type { Task, TargetId } from './tasks-file.js';

/** Where an observed identity came from. */
export type IdentitySource = 'pai' | 'ppi' | 'from' | 'authorization' | 'to' | 'requestUri' | 'cpimFrom' | 'cpimTo' | 'trigger';

/** An identity seen on the wire: the URI (or NAI) text and where it was. */
export interface ObservedIdentity {
  readonly text: string;
  readonly source: IdentitySource;
  /**
   * `parseUri(text)` when the caller has it already (a From/To/PAI name-addr's `uri`, whose
   * `uriText` is `text`): the keys are then taken from it instead of parsing `text` again.
   */
  readonly uri?: SipUri | null;
}

/** One task matched by a message. */
export interface TaskMatch {
  readonly task: Task;
  /** The provisioned identifier that matched. */
  readonly identifier: TargetId;
  /** Which header (or CPIM field) carried the matching identity. */
  readonly source: IdentitySource;
  readonly role: TargetRole;
}

const ORIGINATING: ReadonlySet<IdentitySource> = new Set(['pai', 'ppi', 'from', 'authorization', 'cpimFrom']);

function impiOfUri(text: string): string | null {
  return impiOf(parseUri(text));
}

function impiOf(u: SipUri | null): string | null {
  if (u === null || (u.scheme !== 'sip' && u.scheme !== 'sips') || u.user === null) return null;
  const user = percentDecode(u.user);
  const semi = user.indexOf(';');
  return `i:${(semi < 0 ? user : user.slice(0, semi)).toLowerCase()}@${u.host.toLowerCase()}`;
}

/** All keys of an observed identity (see the file comment). */
export function observedKeys(o: ObservedIdentity): string[] {
  const out: string[] = [];
  if (o.source === 'authorization') {
    out.push(`i:${o.text.toLowerCase()}`);
    return out;
  }
  // normalizeIdentity and e164Key of the text, from one parse of its URI (issue 13).
  const k = identityKeys(o.text, o.uri === undefined ? undefined : { text: o.text, uri: o.uri });
  if (k.normalized !== null) out.push(`n:${k.normalized}`);
  if (k.e164 !== null) out.push(`e:${k.e164}`);
  // Strip a name-addr to its URI for the IMPI comparison; the URI parsed above when it is the
  // same text (a header's URI as the matcher is given it), else parsed here.
  const lt = o.text.indexOf('<');
  const gt = o.text.indexOf('>', lt + 1);
  const impiText = lt >= 0 && gt > lt ? o.text.slice(lt + 1, gt) : o.text;
  const i = k.parsed === impiText ? impiOf(k.uri) : impiOfUri(impiText);
  if (i !== null) out.push(i);
  return out;
}

/** Keys a provisioned identifier is indexed under. */
function targetKeys(t: TargetId): string[] {
  const v = t.value.trim();
  const out: string[] = [];
  switch (t.kind) {
    case 'impi':
      out.push(`i:${v.toLowerCase()}`);
      break;
    case 'e164': {
      const e = e164Key(v);
      if (e !== null) out.push(`e:${e}`);
      break;
    }
    default: {
      const n = normalizeIdentity(v);
      if (n !== null) out.push(`n:${n}`);
      if (v.toLowerCase().startsWith('tel:')) {
        const e = e164Key(v);
        if (e !== null) out.push(`e:${e}`);
      }
    }
  }
  return out;
}

/** Usernames of Authorization / Proxy-Authorization (RFC 3261 22.4 `username="..."`). */
function authorizationUsers(msg: SipMessage): string[] {
  const out: string[] = [];
  for (const name of ['authorization', 'proxy-authorization']) {
    for (const f of msg.headerFields(name)) {
      const sp = f.value.indexOf(' ');
      if (sp < 0) continue;
      // Digest credentials are comma-separated auth-params; reuse the `;` parameter parser.
      const params = parseHeaderParams(';' + f.value.slice(sp + 1).replace(/,\s*/g, ';'));
      const u = params.get('username');
      if (u !== undefined && u !== null) out.push(u.replace(/^"|"$/g, ''));
    }
  }
  return out;
}

/** The identities of a SIP request, in role priority order (originating sources first). */
export function sipRequestIdentities(msg: SipMessage): ObservedIdentity[] {
  const out: ObservedIdentity[] = [];
  // The name-addrs' URIs are parsed already (NameAddr.uri = parseUri(uriText)): handed on.
  for (const na of msg.pAssertedIdentity) out.push({ text: na.uriText, source: 'pai', uri: na.uri });
  for (const na of msg.pPreferredIdentity) out.push({ text: na.uriText, source: 'ppi', uri: na.uri });
  if (msg.from !== null) out.push({ text: msg.from.uriText, source: 'from', uri: msg.from.uri });
  for (const u of authorizationUsers(msg)) out.push({ text: u, source: 'authorization' });
  if (msg.to !== null) out.push({ text: msg.to.uriText, source: 'to', uri: msg.to.uri });
  if (msg.requestUri !== null) out.push({ text: msg.requestUri, source: 'requestUri' });
  return out;
}

/** The task index. Immutable after construction. */
export class TargetMatcher {
  private readonly index = new Map<string, { task: Task; identifier: TargetId }[]>();

  constructor(readonly tasks: readonly Task[]) {
    for (const task of tasks) {
      for (const identifier of task.targetIdentifiers) {
        for (const k of targetKeys(identifier)) {
          let list = this.index.get(k);
          if (list === undefined) {
            list = [];
            this.index.set(k, list);
          }
          if (!list.some((e) => e.task === task)) list.push({ task, identifier });
        }
      }
    }
  }

  /** True when no task can ever match (the correlator then keeps no per-session state). */
  get empty(): boolean {
    return this.index.size === 0;
  }

  /**
   * Tasks matched by `identities` (in priority order: the first identity matching a task
   * decides its identifier and role), active at capture time `tsSec`. One entry per task.
   */
  match(identities: readonly ObservedIdentity[], tsSec: number): TaskMatch[] {
    const out: TaskMatch[] = [];
    if (this.index.size === 0) return out;
    for (const o of identities) {
      for (const k of observedKeys(o)) {
        const hits = this.index.get(k);
        if (hits === undefined) continue;
        for (const h of hits) {
          if (out.some((m) => m.task === h.task)) continue;
          const t = h.task;
          if (t.startTime !== null && tsSec < t.startTime) continue;
          if (t.endTime !== null && tsSec >= t.endTime) continue;
          out.push({ task: t, identifier: h.identifier, source: o.source, role: ORIGINATING.has(o.source) ? 'originating' : 'terminating' });
        }
      }
    }
    return out;
  }

  /**
   * True when one of `identities` is a target identifier of task `xid` (whatever its time window:
   * the caller asks about a session whose interception was already decided).
   */
  namesTask(xid: string, identities: readonly ObservedIdentity[]): boolean {
    for (const o of identities) {
      for (const k of observedKeys(o)) {
        const hits = this.index.get(k);
        if (hits?.some((h) => h.task.xid === xid)) return true;
      }
    }
    return false;
  }

  /** Tasks matched by an initial SIP request (INVITE, MESSAGE). */
  matchSipRequest(msg: SipMessage, tsSec: number): TaskMatch[] {
    return this.match(sipRequestIdentities(msg), tsSec);
  }

  /** Tasks matched by a CPIM message's From and To (RFC 3862 3.3.1 / 3.3.2 URIs). */
  matchCpim(from: string | null, to: readonly string[], tsSec: number): TaskMatch[] {
    const ids: ObservedIdentity[] = [];
    if (from !== null) ids.push({ text: from, source: 'cpimFrom' });
    for (const t of to) ids.push({ text: t, source: 'cpimTo' });
    return this.match(ids, tsSec);
  }
}
