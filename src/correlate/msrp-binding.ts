/**
 * MSRP binding: each frame of an MSRP TCP stream to the session(s) it belongs to, then its parts
 * (./msrp-frame-parts.ts) to the assembler (SEND chunks), the audit (REPORT tallies, ladder) and
 * its raw bytes to CC, or held while a session without SIP has not named its target
 * (./held-budget.ts).
 *
 * Binding (./msrp-session-index.ts): by session-id of any To-Path/From-Path URI; the RFC 6714
 * address fallback only for sessions that negotiated a=msrp-cema and only once per session (a
 * stranger sharing the connection must never be taken for the target); responses by
 * transaction. AUTH (RFC 4976) and its responses are hop-by-hop and ignored. Frames matching
 * no dialog form sessions without SIP (./uncorrelated-sessions.ts).
 */
import type { AnomalyCode } from '../core/anomaly.js';
import { formatEndpoint, formatIp } from '../decode/format-ip.js';
import type { MsrpFrameHead, MsrpMessageAssembler } from '../protocols/msrp/index.js';
import type { MsrpStreamHandler, MsrpStreamRef } from '../analyzers/app-event-sink.js';
import { ConnSessions } from './connection-anomalies.js';
import { captureTime, type CorrelatorContext } from './correlator-context.js';
import type { DialogTracker } from './dialog-tracker.js';
import type { HeldBudget } from './held-budget.js';
import { BypassDirection } from './msrp-bypass.js';
import { type FrameCtx, MsrpFrameParts, type StreamCtx } from './msrp-frame-parts.js';
import type { MsrpMessages } from './msrp-messages.js';
import { isOwnerList, lastSessionId, type MsrpSessionIndex, type Owners } from './msrp-session-index.js';
import { endpointKey } from './party-sdp.js';
import type { RecordEmitter } from './record-emitter.js';
import type { SessionAudit } from './session-audit.js';
import type { SessionIdTombstones } from './session-id-tombstones.js';
import type { SessionTable } from './session-table.js';
import { Session } from './session.js';
import type { TriggerClaims } from './trigger-claims.js';
import type { UncorrelatedSessions } from './uncorrelated-sessions.js';

/** What a frame says about bypassing its direction (./msrp-bypass.ts). */
const NEUTRAL = 0;
const ALLOWS = 1;
const BLOCKS = 2;

/** Marks AUTH transactions in the transaction map (their responses are ignored). */
const AUTH_TXN = new Session('auth', 'auth', -1, null, new Map());

export class MsrpBinding {
  /** By TCP connection id (see {@link ConnSessions}). */
  private readonly byConn = new Map<number, ConnSessions>();
  /**
   * TCP gaps (and their bytes) in MSRP stream directions that carried an intercepted session's
   * frames: the live loss signal (issue 13: a capture that loses target packets is never silent).
   */
  targetGaps = 0;
  targetGapBytes = 0;

  /** Each session's part of the frames (./msrp-frame-parts.ts). */
  private readonly frames: MsrpFrameParts;

  constructor(
    private readonly ctx: CorrelatorContext,
    private readonly index: MsrpSessionIndex<Session>,
    private readonly tombstones: SessionIdTombstones,
    tracker: DialogTracker<Session>,
    private readonly uncorrelated: UncorrelatedSessions,
    private readonly table: SessionTable,
    private readonly audit: SessionAudit,
    messages: MsrpMessages,
    emit: RecordEmitter,
    held: HeldBudget,
    asm: MsrpMessageAssembler,
    /** Advances the clock (and runs the timeouts) to a frame's time. */
    private readonly advance: (now: number) => void,
    private readonly triggers: TriggerClaims | null = null,
  ) {
    this.frames = new MsrpFrameParts(index, tracker, uncorrelated, audit, messages, emit, held, asm);
  }

  /** A TCP stream direction carrying MSRP: frames are routed one by one (connection reuse). */
  msrpStream(stream: MsrpStreamRef): MsrpStreamHandler {
    const client = stream.dir === 0 ? formatEndpoint(stream.srcAddr, stream.srcPort) : formatEndpoint(stream.dstAddr, stream.dstPort);
    const server = stream.dir === 0 ? formatEndpoint(stream.dstAddr, stream.dstPort) : formatEndpoint(stream.srcAddr, stream.srcPort);
    const serverKey = stream.dir === 0 ? endpointKey(formatIp(stream.dstAddr), stream.dstPort) : endpointKey(formatIp(stream.srcAddr), stream.srcPort);
    let onConn = this.byConn.get(stream.connId);
    if (onConn === undefined) {
      onConn = new ConnSessions();
      this.byConn.set(stream.connId, onConn);
    }
    onConn.streams++;
    let bypass: BypassDirection | null = null;
    if (stream.bypass !== undefined) {
      const cAddr = stream.dir === 0 ? stream.srcAddr : stream.dstAddr;
      const cPort = stream.dir === 0 ? stream.srcPort : stream.dstPort;
      const sPort = stream.dir === 0 ? stream.dstPort : stream.srcPort;
      bypass = new BypassDirection(stream, endpointKey(formatIp(cAddr), cPort), serverKey, cPort, sPort);
    }
    const conn: StreamCtx = { stream, name: `${client}-${server}`, serverKey, noSip: [], onConn, target: false, bypass, verdict: NEUTRAL, bypassGap: 0 };
    let frame: FrameCtx | null = null;
    return {
      onFrameStart: (head) => {
        conn.verdict = BLOCKS;
        frame = this.frameStart(conn, head);
        if (conn.bypass !== null && conn.verdict === BLOCKS) this.ctx.bypass.block(conn.bypass);
        // Which MSRP sessions a bypass of this direction would hide (./msrp-bypass.ts, review R3).
        else if (conn.bypass !== null && conn.verdict === ALLOWS) conn.bypass.sawSids(lastSessionId(head.headers.toPath), lastSessionId(head.headers.fromPath));
        // The deviations of this frame's head are its sessions' (./connection-anomalies.ts).
        const dir = conn.stream.dir;
        if (frame === null) {
          conn.onConn.shared = true;
          conn.onConn.frameStart(this.audit, dir, []);
          return;
        }
        const bound = frame.session.audit !== null ? [frame.session] : [];
        if (frame.more !== null) for (const p of frame.more) if (p.session.audit !== null) bound.push(p.session);
        conn.onConn.frameStart(this.audit, dir, bound);
        if (conn.bypassGap > 0 && bound.length > 0) {
          // Resumed after a bypass (a task change made this session a target's, or its SDP
          // named the connection): what passed unframed is noted where it may matter.
          for (const b of bound) this.audit.report(b, 'correlate.bypass_gap', head.frameNo, `bytes=${conn.bypassGap}`);
          conn.bypassGap = 0;
        }
        if (frame.session.mode === 'intercept' && !conn.target) {
          conn.target = true;
          // Issue 13: a connection joined without its handshake may have lost its first bytes
          // (to the capture, or to a late start), and no TCP gap can say so; TLS (tls, wss) says
          // it itself, cleartext WebSocket (RFC 7977) does not.
          if (!stream.sawSyn && stream.transport !== 'tls' && stream.transport !== 'wss' && !conn.onConn.midStreamReported) {
            conn.onConn.midStreamReported = true;
            this.audit.report(frame.session, 'correlate.target_midstream', head.frameNo);
          }
        }
        frame.session.framesInFlight++;
        if (frame.more !== null) for (const p of frame.more) p.session.framesInFlight++;
      },
      onBody: (piece) => {
        const f = frame;
        if (f === null) return;
        f.writer?.write(piece);
        if (f.more !== null) for (const p of f.more) p.writer?.write(piece);
      },
      onRaw: (piece) => {
        const f = frame;
        if (f === null || f.raw === null) return;
        if (f.rawBytes + piece.length > this.ctx.maxCcFrame) {
          if (!f.tooLarge) this.audit.report(f.session, 'correlate.cc_frame_too_large', f.head.frameNo, `cap=${this.ctx.maxCcFrame}`);
          f.tooLarge = true;
          f.raw = null;
          return;
        }
        f.raw.push(piece.slice());
        f.rawBytes += piece.length;
      },
      onFrameEnd: (end) => {
        const f = frame;
        frame = null;
        conn.onConn.frameEnd(conn.stream.dir);
        if (conn.bypass !== null && conn.verdict === ALLOWS) this.ctx.bypass.request(conn.bypass, end.lastFrameNo, this.ctx.now);
        if (f !== null) {
          this.frames.frameEnd(conn, f, end);
          f.session.framesInFlight--;
          if (f.more !== null) for (const p of f.more) p.session.framesInFlight--;
        }
      },
      onGap: (bytes, _frameNo, bypassed) => {
        if (bypassed === true) {
          // Passed over on purpose (./msrp-bypass.ts), not lost.
          conn.bypassGap += bytes;
          return;
        }
        if (!conn.target) return;
        this.targetGaps++;
        this.targetGapBytes += bytes;
      },
      onStreamEnd: () => {
        if (frame !== null) {
          frame.session.framesInFlight--;
          if (frame.more !== null) for (const p of frame.more) p.session.framesInFlight--;
        }
        frame = null;
        conn.onConn.frameEnd(conn.stream.dir);
        for (const x of conn.noSip) {
          // Its last connection has ended: if it has left the table too, its audit is final.
          if (--x.noSipStreams === 0 && x.closed && !this.table.has(x.key)) this.audit.freezeLater(x);
        }
        conn.noSip.length = 0;
        if (conn.bypass !== null) this.ctx.bypass.drop(conn.bypass);
        if (--conn.onConn.streams === 0) {
          conn.onConn.end(this.audit);
          this.byConn.delete(conn.stream.connId);
        }
      },
    };
  }

  /**
   * An anomaly reported with TCP connection `connId` (and direction `dir`, when the reporter
   * knows it): noted in the audit of the sessions it concerns, among those that had MSRP frames
   * on it (./connection-anomalies.ts). On a connection carrying no MSRP it stays in the run's
   * counts only.
   */
  connectionAnomaly(code: AnomalyCode, frame: number | undefined, detail: string | undefined, connId: number, dir?: 0 | 1): void {
    this.byConn.get(connId)?.report(this.audit, code, frame, detail, dir);
  }

  private frameStart(conn: StreamCtx, head: MsrpFrameHead): FrameCtx | null {
    const now = captureTime(head.tsSec, head.tsNsec);
    this.advance(now);
    if (head.kind === 'request' && head.method === 'AUTH') {
      // RFC 4976 section 5: AUTH authenticates a client to its relay; it belongs to no session.
      this.index.rememberTransaction(conn.stream.connId, head.transactionId, AUTH_TXN, head.frameNo);
      conn.verdict = NEUTRAL;
      return null;
    }
    // One session in the common case; several when B2BUA legs share the MSRP session
    // (./msrp-session-index.ts). A list from the index is its scratch: read before its next call.
    let owners: Owners<Session> | undefined = this.index.ownersOf(head);
    let viaEndpoint = false;
    // A late frame of an ended or evicted non-target session (its endpoints, the paths' last
    // URIs, are tombstones and no live session knows them): dropped. For a request this comes
    // before any weaker binding (adversarial review): neither the CEMA fallback (the connection
    // to a CEMA target's address) nor a relay-position URI naming a target's session-id
    // (ownersOf counts those when no session knows an endpoint) may take it for a target's.
    const rSid = lastSessionId(head.headers.toPath);
    const sSid = lastSessionId(head.headers.fromPath);
    let tombstoned = (owners === undefined || (!this.index.knows(rSid) && !this.index.knows(sSid))) && this.tombstones.coversAny(rSid, sSid);
    if (tombstoned && this.triggers?.names(rSid, sSid, now) === true) {
      // Issue 15: an LI_T3 trigger names its endpoint ids: its window, not this hop's release of a
      // dialog that found no target here, decides (./trigger-shadows.ts).
      const sh = this.triggers.shadows.of(head);
      if (sh !== null) {
        this.triggers.frame(sh, head, now);
        owners = sh;
        tombstoned = false;
      }
    }
    if (tombstoned && head.kind === 'request') {
      conn.verdict = ALLOWS;
      return null;
    }
    if (owners === undefined && head.kind === 'request') {
      // RFC 6714 fallback, deliberately narrow (a wrong binding would intercept a stranger's
      // session sharing the connection): only sessions that negotiated a=msrp-cema, only a
      // frame with no known session-id, and only once per session (the frame's session-ids
      // are then bound and later frames match by session-id).
      const e = this.index.byEndpointKey(conn.serverKey);
      if (e !== undefined && !e.cemaLearnt && e.dialog?.sdp.some((p) => p?.msrp.some((m) => m.cema)) === true && this.uncorrelated.byEndpoints(head) === undefined) {
        owners = e;
        viaEndpoint = true;
      }
    }
    if (head.kind === 'response') {
      const byTx = this.index.takeTransaction(conn.stream.connId, head.transactionId);
      if (byTx === AUTH_TXN) {
        conn.verdict = NEUTRAL;
        return null;
      }
      owners ??= byTx;
    }
    if (owners === undefined && tombstoned) {
      conn.verdict = ALLOWS;
      return null;
    }
    if (owners === undefined) {
      owners = this.uncorrelated.sessionFor(head);
      // Issue 15: an LI_T3 trigger naming its endpoint session-ids may claim it (./trigger-claims.ts).
      if (owners !== undefined && this.triggers !== null) this.triggers.frame(owners as Session, head, now);
    }
    if (owners === undefined) {
      this.ctx.anomalies.report(head.kind === 'response' ? 'correlate.msrp_unbound_response' : 'correlate.msrp_unbound_request', head.frameNo);
      return null;
    }
    const remember = head.kind === 'request' && head.method !== 'REPORT' && head.headers.failureReport !== 'no';
    if (!isOwnerList(owners)) {
      const s = owners;
      if (s.closed && !this.table.has(s.key)) return null;
      const sh = this.triggers?.shadows.shadowFor(s, head) ?? null;
      if (sh !== null) return this.withShadow(conn, head, [s], sh, remember, now);
      if (s.mode === 'ignore' && s.dialog !== null) conn.verdict = ALLOWS;
      if (remember) this.index.rememberTransaction(conn.stream.connId, head.transactionId, s, head.frameNo);
      return this.frames.framePart(conn, head, s, viaEndpoint, now);
    }
    // Each session sharing the MSRP session gets the frame as its own (own reassembly, records,
    // direction relative to its own target side): a task's records never depend on the other leg.
    const live = owners.filter((s) => !s.closed || this.table.has(s.key));
    if (live.length === 0) return null;
    const sh = this.triggers?.shadows.shadowFor(live, head) ?? null;
    if (sh !== null) return this.withShadow(conn, head, live, sh, remember, now);
    if (live.every((s) => s.mode === 'ignore' && s.dialog !== null)) conn.verdict = ALLOWS;
    if (remember) this.index.rememberTransaction(conn.stream.connId, head.transactionId, live.length === 1 ? live[0]! : live, head.frameNo);
    return this.frames.parts(conn, head, live, now);
  }

  /**
   * Issue 15: a frame of dialogs that found no target here, offered to the LI_T3 triggers too,
   * through `sh`, the shadow session without SIP of its endpoint ids (./trigger-shadows.ts).
   */
  private withShadow(conn: StreamCtx, head: MsrpFrameHead, owners: readonly Session[], sh: Session, remember: boolean, now: number): FrameCtx | null {
    this.triggers!.frame(sh, head, now);
    const all = [...owners, sh];
    if (remember) this.index.rememberTransaction(conn.stream.connId, head.transactionId, all, head.frameNo);
    return this.frames.parts(conn, head, all, now);
  }
}
