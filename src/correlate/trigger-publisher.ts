/**
 * The CC-TF side of issue 15 (TS 33.127 clause 5.3.3, TS 33.128 clause 5.2.5): for each target
 * session whose SIP dialog completed an MSRP offer/answer (both SDPs with `a=path`), one LI_T3
 * trigger per task wanting CC, so a tap that sees only the MSRP connections intercepts them
 * (./trigger-claims.ts there). Modified when a later offer/answer (re-INVITE) changes the
 * session ids, deactivated when the dialog closes.
 *
 * - xId: deterministic (a UUID from SHA-256 of the session's stable key and the task's XID, as
 *   the correlation id is, ./correlation-id.ts), so reruns over one capture publish the same ids.
 * - productId = the task's XID; correlationId = the hex of the correlation id this tap's X2 PDUs
 *   carry for the session; dids = the task's X3 destinations (x3Dids, else listOfDids).
 * - sessionIds: the session-id of the last URI of each party's a=path (its endpoint, RFC 4975
 *   section 9; relays are hops, RFC 4976 section 7.1), of every offer/answer of the dialog (a
 *   re-INVITE adds, as this tap's binding does); targetSessionIds: the target party's.
 * - parties: the session's identities (SIP From/PAI/To) as this tap's records name them, the
 *   target's side and the other, so the triggered tap's rCSMessage records name the same parties.
 * - endpoints: the IP-literal hosts of the a=path URIs (RFC 4976: the first is where the peer
 *   connects), else the c=/m= address (RFC 4566) as fallback.
 * - window: from the capture time of the message completing the offer/answer to the dialog's
 *   close, the instant this tap stops binding the session's frames: the triggered tap then claims
 *   the frames this tap would have claimed had it seen them.
 * Only intercepted sessions get here (./sip-side.ts): never a non-target's.
 */
import { createHash } from 'node:crypto';
import { parseMsrpUriList } from '../protocols/msrp/index.js';
import { formatUuid } from '../records/uuid.js';
import { wantsCc } from '../records/task-ref.js';
import { latin1, toHex } from '../util/bytes.js';
import type { Dialog } from './dialog-tracker.js';
import type { CaptureInstant, MediaEndpoint, MediaTrigger, MediaTriggerSink } from './media-trigger.js';
import type { Session } from './session.js';

/** What this tap published for one session. */
interface Published {
  trigger: MediaTrigger;
}

export class TriggerPublisher {
  /**
   * Triggers published, by session. Only live target dialogs publish and their entry goes when
   * the dialog closes ({@link released}): the dialog table's cap bounds this one.
   */
  private readonly bySession = new Map<Session, Published[]>();
  activated = 0;
  modified = 0;
  deactivated = 0;

  constructor(
    private readonly sink: MediaTriggerSink,
    private readonly tapId: string,
  ) {}

  /**
   * A message of target session `s` completed an MSRP offer/answer (its establishment, or the
   * answer of a later offer): activate the tasks' triggers, or modify them when the session ids
   * or endpoints changed.
   */
  offerAnswer(s: Session, d: Dialog<Session>, at: CaptureInstant): void {
    const a = d.sdp[0]?.msrp[0];
    const b = d.sdp[1]?.msrp[0];
    if (a === undefined || b === undefined || a.endpointSessionId === null || b.endpointSessionId === null) return;
    // Every endpoint session-id the dialog has named, those of earlier offers/answers too: this
    // tap keeps binding their frames to the session (./sip-side.ts), so the triggered tap must.
    const sessionIds = d.endpointSids.slice();
    const endpoints = endpointsOf(b.pathText, b.endpoints, endpointsOf(a.pathText, a.endpoints, []));
    // The answer is the SDP applied last (./sip-side.ts keeps it as sdpForCc); the offer the other party's.
    const answerSide = s.sdpForCc !== null && d.sdp[1]?.raw === s.sdpForCc ? 1 : s.sdpForCc !== null && d.sdp[0]?.raw === s.sdpForCc ? 0 : 1;
    const answer = d.sdp[answerSide]?.raw ?? null;
    const offer = d.sdp[answerSide === 1 ? 0 : 1]?.raw ?? null;
    let list = this.bySession.get(s);
    for (const it of s.intercepts) {
      if (!wantsCc(it.task) || it.ended) continue;
      const content = {
        sessionIds,
        targetSessionIds: sessionIds.filter((sid) => d.sideBySid.get(sid) === it.targetSide),
        endpoints,
        sdpOffer: offer === null ? '' : latin1(offer),
        sdpAnswer: answer === null ? '' : latin1(answer),
        parties: partiesOf(s, it.targetSide),
      };
      const prev = list?.find((p) => p.trigger.productId === it.task.xid);
      if (prev === undefined) {
        const task = it.match.task;
        const trigger: MediaTrigger = {
          xId: triggerXid(s.stableKey, it.task.xid),
          originTap: this.tapId,
          productId: it.task.xid,
          correlationId: toHex(it.correlationId),
          dids: task.x3Dids.length > 0 ? task.x3Dids.slice() : task.listOfDids.slice(),
          ...content,
          windowStart: at,
          windowEnd: null,
        };
        if (list === undefined) {
          list = [];
          this.bySession.set(s, list);
        }
        list.push({ trigger });
        s.ccTriggered = true;
        this.activated++;
        this.sink.activate(trigger);
      } else if (
        !sameList(prev.trigger.sessionIds, sessionIds) ||
        !sameList(prev.trigger.targetSessionIds ?? [], content.targetSessionIds) ||
        prev.trigger.endpoints.length !== endpoints.length ||
        !sameParties(prev.trigger, content.parties)
      ) {
        prev.trigger = { ...prev.trigger, ...content };
        this.modified++;
        this.sink.modify(prev.trigger);
      }
    }
  }

  /** The dialog of `s` closed at `end`: its triggers are deactivated. */
  released(s: Session, end: CaptureInstant): void {
    const list = this.bySession.get(s);
    if (list === undefined) return;
    this.bySession.delete(s);
    for (const p of list) {
      // Parties learnt after the offer/answer (a later PAI): the last state names them too.
      const it = s.intercepts.find((x) => x.task.xid === p.trigger.productId);
      const parties = it === undefined ? undefined : partiesOf(s, it.targetSide);
      if (parties !== undefined && !sameParties(p.trigger, parties)) {
        p.trigger = { ...p.trigger, parties };
        this.modified++;
        this.sink.modify(p.trigger);
      }
      this.deactivated++;
      this.sink.deactivate(p.trigger.xId, end);
    }
  }
}

/** The trigger's xId: a UUID (RFC 9562 version 8, custom) from SHA-256(session key, 0x00, task XID, 0x00, "li-t3"). */
export function triggerXid(sessionKey: string, xid: string): string {
  const h = createHash('sha256')
    .update(sessionKey, 'latin1')
    .update(new Uint8Array([0]))
    .update(xid, 'latin1')
    .update(new Uint8Array([0]))
    .update('li-t3', 'latin1')
    .digest();
  const b = new Uint8Array(h.buffer, h.byteOffset, 16).slice();
  // RFC 9562 section 5.8: version 8 in the high nibble of octet 6, variant 10 in octet 8.
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return formatUuid(b);
}

/** Adds to `out` the IP-literal a=path endpoints, else the c=/m= ones (the first of `keys`). */
function endpointsOf(pathText: string, keys: readonly string[], out: MediaEndpoint[]): MediaEndpoint[] {
  const fromPath: MediaEndpoint[] = [];
  for (const u of parseMsrpUriList(pathText).uris) {
    const addr = u.host.replace(/^\[|\]$/g, '').toLowerCase();
    if (u.port !== null && isIpLiteral(addr)) fromPath.push({ addr, port: u.port });
  }
  if (fromPath.length === 0 && keys.length > 0) {
    const k = keys[0]!;
    const i = k.lastIndexOf('|');
    const addr = k.slice(0, i);
    const port = Number(k.slice(i + 1));
    if (isIpLiteral(addr) && Number.isInteger(port)) fromPath.push({ addr, port });
  }
  for (const e of fromPath) if (!out.some((o) => o.addr === e.addr && o.port === e.port)) out.push(e);
  return out;
}

function isIpLiteral(h: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(h) || (h.includes(':') && /^[0-9a-f:.]+$/.test(h));
}

/** The parties as this tap's records name them (Session.sideIds), the target's side first. */
function partiesOf(s: Session, targetSide: 0 | 1): NonNullable<MediaTrigger['parties']> {
  return { target: s.sideIds[targetSide].map((i) => i.value), other: s.sideIds[targetSide === 0 ? 1 : 0].map((i) => i.value) };
}

function sameParties(t: MediaTrigger, p: NonNullable<MediaTrigger['parties']>): boolean {
  return sameList(t.parties?.target ?? [], p.target) && sameList(t.parties?.other ?? [], p.other);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
