/**
 * The session audit while the run goes on: which sessions are listed (capped), their times,
 * messages (capped per session and over all sessions in progress), REPORT tallies, files and
 * ladder arrows; finished sessions are handed to the {@link AuditStore}, and the report merges
 * the store with the sessions still live. Metadata only, never a body (./audit-report.ts).
 */
import type { AnomalyCode } from '../core/anomaly.js';
import { formatTimestamp } from '../core/timestamp.js';
import { formatEndpoint } from '../decode/format-ip.js';
import type { MsrpFrameHead } from '../protocols/msrp/index.js';
import type { SipMessage } from '../protocols/sip/index.js';
import type { MsrpStreamRef, PacketRef } from '../analyzers/app-event-sink.js';
import type { AuditDetails, AuditLadderEvent, AuditReport, AuditSession, AuditSessionDetail } from './audit-report.js';
import { mergeByOrder, type AuditGroup, type AuditStore } from './audit-store.js';
import { auditGroup } from './audit-group.js';
import type { CorrelatorContext } from './correlator-context.js';
import type { AuditData, FileMeta, MsgMeta } from './message-meta.js';
import type { Session } from './session.js';

/** REPORTs listed per message in the audit (the counts stay exact). */
const AUDIT_REPORTS_PER_MESSAGE = 32;
/** Anomaly occurrences listed per session in the report's details (the counts stay exact). */
const AUDIT_ANOMALIES_PER_SESSION = 32;

export class SessionAudit {
  /** Listed sessions whose audit is still live (not yet handed to the store). */
  private readonly auditList = new Set<Session>();
  /** Sessions ever listed (the cap counts them). */
  private listedCount = 0;
  private auditOmitted = 0;
  /** Sessions that left the table: their audit is handed to the store at the next sweep. */
  private readonly toFreeze: Session[] = [];
  /** Audit entries of messages held by sessions not yet handed to the store. */
  private liveAuditMessages = 0;

  constructor(
    private readonly ctx: CorrelatorContext,
    private readonly store: AuditStore,
    private readonly anomalyCounts: (() => Record<string, number>) | undefined,
  ) {}

  get liveMessages(): number {
    return this.liveAuditMessages;
  }

  newAudit(callId: string | null, sec: number, nsec: number): AuditData {
    return {
      callId,
      startSec: sec,
      startNsec: nsec,
      endSec: sec,
      endNsec: nsec,
      endFixed: false,
      sids: [],
      conns: [],
      transports: [],
      tls: [],
      messages: [],
      byMid: new Map(),
      liveCount: 0,
      files: [],
      omitted: 0,
      ccUnavailable: null,
      ladder: [],
      ladderOmitted: 0,
      anomalies: null,
    };
  }

  list(s: Session): void {
    if (s.listed || s.audit === null) return;
    if (this.listedCount >= this.ctx.maxAuditSessions) {
      if (this.auditOmitted++ === 0) this.ctx.anomalies.report('correlate.audit_capped', undefined, `sessions=${this.ctx.maxAuditSessions}`);
      return;
    }
    s.listed = true;
    this.listedCount++;
    this.auditList.add(s);
  }

  start(a: AuditData, sec: number, nsec: number): void {
    if (sec < a.startSec || (sec === a.startSec && nsec < a.startNsec)) {
      a.startSec = sec;
      a.startNsec = nsec;
    }
  }

  end(a: AuditData, sec: number, nsec: number): void {
    if (sec > a.endSec || (sec === a.endSec && nsec > a.endNsec)) {
      a.endSec = sec;
      a.endNsec = nsec;
    }
  }

  message(s: Session, meta: MsgMeta): void {
    const a = s.audit;
    if (a === null) return;
    if (a.messages.length >= this.ctx.maxAuditMessages || this.liveAuditMessages >= this.ctx.maxLiveAuditMessages) {
      if (a.omitted++ === 0) {
        const detail = a.messages.length >= this.ctx.maxAuditMessages ? `messages=${this.ctx.maxAuditMessages}` : `live_messages=${this.ctx.maxLiveAuditMessages}`;
        this.report(s, 'correlate.audit_capped', meta.firstFrame, detail);
      }
      // Not indexed: `byMid` only serves the REPORT tallies of listed messages, and an index of
      // every omitted message grew without bound (issue 12: 200 000 Message-IDs on one target
      // connection kept 200 000 MsgMeta objects, ~400 MiB, to the end of the session).
      return;
    }
    a.messages.push(meta);
    a.liveCount++;
    this.liveAuditMessages++;
    if (meta.messageId !== null && a.byMid.size < this.ctx.maxAuditMessages * 2) a.byMid.set(meta.messageId, meta);
  }

  /**
   * An anomaly that concerns session `s`: reported (global counts) and noted in its audit.
   * For anomalies whose reporter knows the session (the correlator's own).
   */
  report(s: Session, code: AnomalyCode, frame?: number, detail?: string): void {
    this.ctx.anomalies.report(code, frame, detail);
    if (s.audit !== null) this.noteAnomaly(s.audit, code, frame, detail);
  }

  /** Notes an anomaly in a session's audit (already reported): counted, the first few listed. */
  noteAnomaly(a: AuditData, code: AnomalyCode, frame: number | undefined, detail: string | undefined): void {
    a.anomalies ??= { counts: new Map(), first: [] };
    const an = a.anomalies;
    an.counts.set(code, (an.counts.get(code) ?? 0) + 1);
    if (this.ctx.auditDetails && an.first.length < AUDIT_ANOMALIES_PER_SESSION) an.first.push({ code, frame: frame ?? null, detail: detail ?? null });
  }

  /** A transferred file of the session (at most 64 listed). */
  file(a: AuditData, f: () => FileMeta): void {
    if (a.files.length < 64) a.files.push(f());
  }

  /** An MSRP REPORT (RFC 4975 section 7.1.2) about message `mid`, on connection `connName`. */
  tallyReport(a: AuditData, head: MsrpFrameHead, mid: string, status: number, stream: MsrpStreamRef, connName: string): void {
    const meta = a.byMid.get(mid);
    const br = head.headers.byteRange;
    // A REPORT about a message the audit cap left out is expected, not an anomaly.
    if (meta === undefined) {
      if (a.omitted === 0) this.ctx.anomalies.report('correlate.report_unknown_message', head.frameNo);
      return;
    }
    const range = br === null ? '' : `${br.start}-${br.end}/${br.total}`;
    const code = String(status).padStart(3, '0');
    meta.reports.add(range, code, stream.connId);
    if (meta.reportEvents.length < AUDIT_REPORTS_PER_MESSAGE) {
      if (this.ctx.auditDetails) meta.reportEvents.push({ frame: head.frameNo, time: formatTimestamp(head.tsSec, head.tsNsec), status: code, byteRange: range, connection: connName });
    }
  }

  /** Appends a ladder arrow within the per-session cap; null when capped (counted, reported once). */
  private ladderPush(a: AuditData, e: AuditLadderEvent): AuditLadderEvent | null {
    if (!this.ctx.auditDetails) return null;
    if (a.ladder.length >= this.ctx.maxAuditLadder) {
      if (a.ladderOmitted++ === 0) this.ctx.anomalies.report('correlate.audit_capped', e.frame, `ladder=${this.ctx.maxAuditLadder}`);
      return null;
    }
    a.ladder.push(e);
    return e;
  }

  /** A SIP message of an audited session (retransmissions on the same hop never get here). */
  ladderSip(a: AuditData, msg: SipMessage, where: PacketRef): void {
    if (!this.ctx.auditDetails) return;
    const cseqMethod = msg.cseq?.method ?? null;
    const label = msg.isRequest ? (msg.method ?? '?') : `${msg.statusCode}${msg.reason !== null ? ` ${msg.reason}` : ''}${cseqMethod !== null ? ` (${cseqMethod})` : ''}`;
    this.ladderPush(a, {
      proto: 'sip',
      frame: where.frameNo,
      lastFrame: where.frameNo,
      time: formatTimestamp(where.tsSec, where.tsNsec),
      src: formatEndpoint(where.srcAddr, where.srcPort),
      dst: formatEndpoint(where.dstAddr, where.dstPort),
      // The reason phrase is free text from the wire: kept short (the renderer escapes it).
      label: label.length > 64 ? `${label.slice(0, 63)}…` : label,
      detail: msg.cseq !== null ? `CSeq ${msg.cseq.seq} ${msg.cseq.method}` : null,
      messageId: null,
    });
  }

  /** An MSRP frame of an audited session. */
  ladderMsrp(a: AuditData, st: MsrpStreamRef, head: MsrpFrameHead): AuditLadderEvent | null {
    if (!this.ctx.auditDetails) return null;
    const h = head.headers;
    const br = h.byteRange;
    const label =
      head.kind === 'request' ? (head.method === 'REPORT' && h.status !== null ? `REPORT ${String(h.status.code).padStart(3, '0')}` : (head.method ?? '?')) : `${head.statusCode ?? '?'}${head.comment !== null ? ` ${head.comment}` : ''}`;
    const parts = [`tid ${head.transactionId}`];
    if (br !== null) parts.push(`${br.start}-${br.end}/${br.total}`);
    return this.ladderPush(a, {
      proto: 'msrp',
      frame: head.frameNo,
      lastFrame: head.frameNo,
      time: formatTimestamp(head.tsSec, head.tsNsec),
      src: formatEndpoint(st.srcAddr, st.srcPort),
      dst: formatEndpoint(st.dstAddr, st.dstPort),
      label: label.length > 64 ? `${label.slice(0, 63)}…` : label,
      detail: parts.join(' '),
      messageId: h.messageId,
    });
  }

  /**
   * The session left the table: nothing can change its audit any more (its later frames are
   * ignored), except the end time of a session without SIP, which follows its connections' end
   * (truth rules): such a session is frozen when the last of them ends (see {@link freezeLater}).
   */
  sessionLeft(s: Session): void {
    // A session with no audit has nothing to freeze: queued, every non-target dialog of a
    // flood stayed in memory until the next sweep (50 000 a capture second, issue 12).
    if (s.audit === null && !this.auditList.has(s)) return;
    if (s.dialog !== null || s.noSipStreams === 0) this.toFreeze.push(s);
  }

  /** The last connection of a session without SIP that left the table has ended: its audit is final. */
  freezeLater(s: Session): void {
    this.toFreeze.push(s);
  }

  /**
   * Hands the audit of sessions that left the table to the store (once per capture second and at
   * the end). `releasePending`: the session's release still waits for its hold.
   */
  freezeFinished(releasePending: (s: Session) => boolean): void {
    const q = this.toFreeze;
    let keep = 0;
    for (const s of q) {
      // A release still waiting for its hold may yet mark the audit (ccUnavailable), and a frame
      // begun before the session left the table still sets times and ladder ends when it ends.
      if (releasePending(s) || s.framesInFlight > 0) {
        q[keep++] = s;
        continue;
      }
      // Its entries leave memory now (handed to the store, or dropped with an unlisted session).
      if (s.audit !== null) {
        this.liveAuditMessages -= s.audit.liveCount;
        s.audit.liveCount = 0;
      }
      if (!this.auditList.delete(s)) continue;
      const g = auditGroup(s, this.store.keepsDetails);
      if (g !== null) this.store.add(g);
    }
    q.length = keep;
  }

  /** The anomaly counts the audit ends with. */
  anomalies(): Record<string, number> {
    return this.anomalyCounts?.() ?? {};
  }

  /**
   * The whole report; with `withDetails`, the HTML report's details index-aligned with it.
   * `unlisted`: sessions without SIP still live and never listed (shown with `includeNonTargets`).
   */
  build(withDetails: boolean, unlisted: () => Iterable<Session>): { report: AuditReport; details: AuditDetails | null } {
    const lists: [AuditSession[], AuditSession[]] = [[], []];
    const dLists: [AuditSessionDetail[], AuditSessionDetail[]] = [[], []];
    for (const unc of [0, 1] as const) {
      for (const g of this.groups(unc === 1, withDetails, unlisted)) {
        lists[unc].push(...g.entries);
        if (withDetails) {
          if (g.details === null) throw new Error('Correlator: the audit store keeps no details (auditWithDetails needs a store that does)');
          dLists[unc].push(...g.details);
        }
      }
    }
    const report: AuditReport = { sessions: lists[0], uncorrelated: lists[1], anomalies: this.anomalies() };
    return { report, details: withDetails ? { sessions: dLists[0], uncorrelated: dLists[1] } : null };
  }

  /** One list's groups: those in the store merged with the sessions still live, by order. */
  groups(uncorrelated: boolean, withDetails: boolean, unlisted: () => Iterable<Session>): Generator<AuditGroup> {
    const live = [...this.auditList];
    if (this.ctx.includeNonTargets) for (const s of unlisted()) if (!s.listed && s.audit !== null) live.push(s);
    live.sort((x, y) => x.order - y.order);
    const groups: AuditGroup[] = [];
    for (const s of live) {
      if ((s.audit!.callId === null) !== uncorrelated) continue;
      const g = auditGroup(s, withDetails);
      if (g !== null) groups.push(g);
    }
    return mergeByOrder(this.store.ordered(uncorrelated), groups);
  }
}
