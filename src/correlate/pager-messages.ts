/**
 * Pager mode (RFC 3428): the body of a SIP MESSAGE is a message of its session, listed in the
 * audit once (its first observation) and recorded as an rCSMessage (IRI `report`) whose
 * direction and parties are that message's own (./pager-direction.ts).
 */
import { parseCpim } from '../protocols/msrp/index.js';
import type { SipMessage } from '../protocols/sip/index.js';
import type { NetworkContext } from '../records/network-context.js';
import type { PacketRef } from '../analyzers/app-event-sink.js';
import type { CorrelatorContext } from './correlator-context.js';
import type { SipObservation } from './dialog-tracker.js';
import { pagerMessageMeta } from './message-audit.js';
import type { MsgMeta } from './message-meta.js';
import type { PagerView, RecordEmitter } from './record-emitter.js';
import type { SessionAudit } from './session-audit.js';
import type { FinishedInfo, Session } from './session.js';

export class PagerMessages {
  constructor(
    private readonly ctx: CorrelatorContext,
    private readonly audit: SessionAudit,
    private readonly emit: RecordEmitter,
  ) {}

  /**
   * The audit metadata of a MESSAGE body (null for a session without audit).
   * @param list add it to the audit (false for a repeat observation: the audit lists the message once).
   */
  meta(s: Session, obs: SipObservation<Session>, msg: SipMessage, where: PacketRef, list: boolean): MsgMeta | null {
    if (s.audit === null) return null;
    const meta = pagerMessageMeta(msg, obs.sender, where, this.ctx.anomalies);
    if (list) this.audit.message(s, meta);
    return meta;
  }

  /** The rCSMessage records of a MESSAGE body. */
  emitRecords(s: Session, meta: MsgMeta, msg: SipMessage, network: NetworkContext, pager: PagerView): void {
    const body = msg.body;
    const cpim = meta.contentType === 'message/cpim' ? parseCpim(body) : null;
    const info: FinishedInfo = {
      msrpMessageId: meta.messageId ?? `${msg.callId}/${msg.cseq?.seq ?? 0}`,
      contentType: msg.contentType?.mediaType ?? 'application/octet-stream',
      content: body.slice(),
      // An excerpt of a MESSAGE over the stream framer's cap carries only the first bytes of its body.
      contentTruncated: msg.excerpt,
      status: 'complete',
      cpimFrom: cpim?.from?.uri ?? null,
      cpimTo: cpim?.to.map((x) => x.uri) ?? [],
      imdnMessageId: cpim?.imdn.messageId ?? null,
      effectiveType: meta.innerContentType ?? meta.contentType,
      isFile: false,
      network,
    };
    this.emit.message(s, meta, info, pager);
  }
}
