/**
 * Each session's part of an MSRP frame (./msrp-binding.ts binds the frame to its sessions): when
 * the frame begins, the session is touched, its sides learnt, its audit noted, its SEND chunk
 * started in the assembler; when it ends, its raw bytes go to CC (or are held while a session
 * without SIP has not named its target, ./held-budget.ts), its chunk and ladder arrow end.
 */
import { concatBytes } from '../util/bytes.js';
import type { MsrpChunkWriter, MsrpFrameEnd, MsrpFrameHead, MsrpMessageAssembler } from '../protocols/msrp/index.js';
import type { NetworkContext } from '../records/network-context.js';
import { wantsCc } from '../records/task-ref.js';
import type { MsrpStreamRef } from '../analyzers/app-event-sink.js';
import type { AuditLadderEvent } from './audit-report.js';
import type { ConnSessions } from './connection-anomalies.js';
import type { DialogTracker, Side } from './dialog-tracker.js';
import type { HeldBudget } from './held-budget.js';
import { noteTransport } from './message-meta.js';
import type { BypassDirection } from './msrp-bypass.js';
import type { MsrpMessages } from './msrp-messages.js';
import { lastSessionId, type MsrpSessionIndex } from './msrp-session-index.js';
import type { RecordEmitter } from './record-emitter.js';
import { solePaths, type RelayCopy } from './relay-leg-hold.js';
import type { SessionAudit } from './session-audit.js';
import type { HeldFrame, Session } from './session.js';
import type { UncorrelatedSessions } from './uncorrelated-sessions.js';

/** One MSRP TCP direction as the correlator knows it. */
export interface StreamCtx {
  readonly stream: MsrpStreamRef;
  /** `client-server` as the audit lists connections. */
  readonly name: string;
  /** Transport key of the server side (RFC 6714 binding). */
  readonly serverKey: string;
  /** Sessions without SIP that had frames here (their audit starts with the connection, see framePartEnd). */
  readonly noSip: Session[];
  /** The sessions of the whole connection (both directions), for its anomalies. */
  readonly onConn: ConnSessions;
  /** A frame of an intercepted session was seen in this direction: its gaps count as target loss. */
  target: boolean;
  /** Flow bypass state (null: the transport cannot bypass, e.g. WebSocket). */
  readonly bypass: BypassDirection | null;
  /** The current frame's word on bypass: NEUTRAL, ALLOWS or BLOCKS (./msrp-binding.ts). */
  verdict: number;
  /** Bytes a bypass passed over, not yet noted in an audited session's audit. */
  bypassGap: number;
}

/** One session's part in the frame being received. */
export interface FramePart {
  readonly session: Session;
  readonly writer: MsrpChunkWriter | null;
  /** The frame's raw bytes are wanted for this session (CC, or held until its target is known). */
  readonly collect: boolean;
  /** The frame's ladder arrow in this session's audit (its lastFrame is set when the frame ends). */
  readonly arrow: AuditLadderEvent | null;
  /** A copy of a relayed message waiting for its target's own leg (./relay-leg-hold.ts). */
  readonly relay: RelayCopy | null;
}

/**
 * The frame being received on a stream: its first session's part, and the parts of the other
 * sessions sharing the MSRP session (null in the common case, so one object per frame).
 */
export interface FrameCtx extends FramePart {
  readonly head: MsrpFrameHead;
  /** Raw bytes, gathered once for every part that collects. */
  raw: Uint8Array[] | null;
  rawBytes: number;
  tooLarge: boolean;
  readonly senderSid: string | null;
  more: FramePart[] | null;
}

export class MsrpFrameParts {
  constructor(
    private readonly index: MsrpSessionIndex<Session>,
    private readonly tracker: DialogTracker<Session>,
    private readonly uncorrelated: UncorrelatedSessions,
    private readonly audit: SessionAudit,
    private readonly messages: MsrpMessages,
    private readonly emit: RecordEmitter,
    private readonly held: HeldBudget,
    private readonly asm: MsrpMessageAssembler,
  ) {}

  /** The parts of a frame several sessions share. */
  parts(conn: StreamCtx, head: MsrpFrameHead, live: readonly Session[], now: number): FrameCtx | null {
    let first: FrameCtx | null = null;
    for (const s of live) {
      const p = this.framePart(conn, head, s, false, now);
      if (p === null) continue;
      if (first === null) first = p;
      else {
        first.more ??= [];
        first.more.push(p);
        // The raw bytes are gathered once, on the first part, for every part that wants them.
        if (p.collect) first.raw ??= [];
      }
    }
    return first;
  }

  /** One session's part of a frame beginning (null when the session takes nothing of it). */
  framePart(conn: StreamCtx, head: MsrpFrameHead, s: Session, viaEndpoint: boolean, now: number): FrameCtx | null {
    const isRequest = head.kind === 'request';
    // Noted for ignored sessions too (a boolean, no content): a session that becomes a target's
    // by a task reload must not be reported as "MSRP connection not observed" at its release.
    s.msrpSeen = true;
    conn.onConn.sawSession(s);
    conn.bypass?.saw(s);
    if (s.mode === 'ignore') return null;
    if (s.lastSeenNet === null && s.dialog === null) {
      const st = conn.stream;
      s.lastSeenNet = { srcAddr: st.srcAddr, dstAddr: st.dstAddr, srcPort: st.srcPort, dstPort: st.dstPort, ipProto: 6, tsSec: head.tsSec, tsNsec: head.tsNsec, frameNo: head.frameNo };
    }

    const senderSid = lastSessionId(head.headers.fromPath);
    const receiverSid = lastSessionId(head.headers.toPath);
    if (isRequest) this.learnSides(s, conn, senderSid, receiverSid, viaEndpoint);
    s.lastActive = now;
    if (s.dialog !== null) this.tracker.touch(s.dialog, now);
    else this.uncorrelated.touch(s);
    const a = s.audit;
    if (a !== null) {
      if (!a.conns.includes(conn.name) && a.conns.length < 64) a.conns.push(conn.name);
      noteTransport(a, 'msrp', 6, conn.stream.transport, conn.stream.tls);
      conn.onConn.add(s);
      if (s.dialog === null) {
        if (isRequest) for (const sid of [receiverSid, senderSid]) if (sid !== null && !a.sids.includes(sid) && a.sids.length < 16) a.sids.push(sid);
        if (!conn.noSip.includes(s) && conn.noSip.length < 8) {
          conn.noSip.push(s);
          s.noSipStreams++;
          // A session without SIP starts with the first packet (SYN) of its first connection.
          const st = conn.stream;
          if (st.firstTsSec !== undefined) this.audit.start(a, st.firstTsSec, st.firstTsNsec ?? 0);
        }
      }
    }

    let writer: MsrpChunkWriter | null = null;
    let relay: RelayCopy | null = null;
    const mid = head.headers.messageId;
    if (isRequest && head.method === 'SEND' && mid !== null) {
      relay = this.messages.relay.chunk(s, head, conn.stream);
      writer = this.asm.startChunk(s.key, head);
      if (writer !== null) {
        const om = s.open.get(mid) ?? this.messages.open(s, head, mid, senderSid, receiverSid, conn.stream);
        om.stream = conn.stream;
        om.copySole = solePaths(head);
      }
    } else if (isRequest && head.method === 'REPORT' && mid !== null && head.headers.status !== null && a !== null) {
      this.audit.tallyReport(a, head, mid, head.headers.status.code, conn.stream, conn.name);
    }
    const collect = isRequest && ((s.mode === 'intercept' && s.intercepts.some((it) => wantsCc(it.task))) || s.mode === 'pending');
    const arrow = a !== null ? this.audit.ladderMsrp(a, conn.stream, head) : null;
    return { session: s, head, writer, collect, raw: collect ? [] : null, rawBytes: 0, tooLarge: false, senderSid, arrow, relay, more: null };
  }

  frameEnd(conn: StreamCtx, f: FrameCtx, end: MsrpFrameEnd): void {
    let frame: HeldFrame | null = null;
    if (f.raw !== null && f.rawBytes > 0) {
      const bytes = f.raw.length === 1 ? f.raw[0]! : concatBytes(f.raw);
      const st = conn.stream;
      const network: NetworkContext = {
        srcAddr: st.srcAddr,
        dstAddr: st.dstAddr,
        srcPort: st.srcPort,
        dstPort: st.dstPort,
        ipProto: 6,
        tsSec: end.lastTsSec,
        tsNsec: end.lastTsNsec,
        frameNo: end.lastFrameNo,
      };
      const hd = f.head.headers;
      // Where its body lies: a held message is rebuilt from it (./held-budget.ts).
      frame = {
        bytes,
        method: f.head.method ?? '',
        senderSid: f.senderSid,
        receiverSid: lastSessionId(hd.toPath),
        network,
        truncated: end.flag === null,
        messageId: hd.messageId,
        rangeStart: hd.byteRange?.start ?? 1,
        bodyAt: f.head.headLength,
        bodyLength: end.bodyLength,
      };
    }
    this.framePartEnd(f, frame, end);
    if (f.more !== null) for (const p of f.more) this.framePartEnd(p, frame, end);
  }

  /** One session's part of a frame ending: its CC (or held bytes), its message chunk, its audit. */
  private framePartEnd(p: FramePart, frame: HeldFrame | null, end: MsrpFrameEnd): void {
    const s = p.session;
    if (frame !== null && p.collect) {
      if (s.mode === 'intercept') this.emit.cc(s, frame);
      else if (s.mode === 'pending') this.held.hold(s, frame);
    }
    p.writer?.end(end);
    if (p.relay !== null) this.messages.relay.chunkEnd(p.relay, end);
    if (p.arrow !== null) p.arrow.lastFrame = end.lastFrameNo;
    // samples/README "Truth rules": MSRP frames move the times of sessions without SIP only. Their
    // start is their first connection's first packet (the stream ref's firstTsSec, see frame());
    // their end is the end of their last frame here, not the connection's last packet (its FIN or
    // last ACK): the TCP layer tells the analyzers of a direction's end at its FIN, without a
    // time, and never of the packets without payload after it.
    if (s.audit !== null && s.dialog === null) this.audit.end(s.audit, end.lastTsSec, end.lastTsNsec);
  }

  /** The sides of a request's endpoints (see the file comment of ./correlator.ts, "Direction"). */
  private learnSides(s: Session, conn: StreamCtx, senderSid: string | null, receiverSid: string | null, viaEndpoint: boolean): void {
    const map = s.sideBySid;
    const d = s.dialog;
    if (viaEndpoint && d !== null) {
      // RFC 6714: the listener is the party whose SDP named the server address of this connection.
      let listener: Side | null = null;
      for (const side of [0, 1] as const) if (d.sdp[side]?.msrp.some((m) => m.endpoints.includes(conn.serverKey))) listener ??= side;
      if (listener !== null) {
        const sender: Side = conn.stream.dir === 0 ? (listener === 0 ? 1 : 0) : listener;
        const learnt: string[] = [];
        if (senderSid !== null && !map.has(senderSid)) {
          map.set(senderSid, sender);
          learnt.push(senderSid);
        }
        if (receiverSid !== null && !map.has(receiverSid)) {
          map.set(receiverSid, sender === 0 ? 1 : 0);
          learnt.push(receiverSid);
        }
        this.index.bindSessionIds(s, learnt);
        s.boundSids.push(...learnt);
        s.cemaLearnt = true;
      }
      return;
    }
    if (d !== null) return;
    const ss = senderSid === null ? undefined : map.get(senderSid);
    const rs = receiverSid === null ? undefined : map.get(receiverSid);
    if (ss === undefined && rs === undefined) {
      if (senderSid !== null) map.set(senderSid, map.size === 0 ? 0 : 1);
      if (receiverSid !== null && receiverSid !== senderSid) map.set(receiverSid, senderSid === null ? 1 : map.get(senderSid) === 0 ? 1 : 0);
    } else if (ss === undefined && senderSid !== null) map.set(senderSid, rs === 0 ? 1 : 0);
    else if (rs === undefined && receiverSid !== null && receiverSid !== senderSid) map.set(receiverSid, ss === 0 ? 1 : 0);
  }
}
