/**
 * The audit metadata the correlator keeps while a run goes on (never a body): per message
 * ({@link MsgMeta}), per transferred file ({@link FileMeta}) and per session ({@link AuditData}).
 * ./session-audit.ts and ./message-audit.ts fill them, ./audit-group.ts renders them as audit.json
 * entries (./audit-report.ts for the shape and the truth rules).
 */
import type { StreamTransport, TlsTransportInfo } from '../analyzers/app-event-sink.js';
import type { AuditLadderEvent, AuditMessage, AuditMessageDetail, AuditReportEvent, AuditSessionAnomaly, AuditTlsTransport, ReportTally } from './audit-report.js';

/**
 * Audit metadata of one message, kept for the whole run (never the body): its audit.json entry
 * but `direction` (per task, at listing) and `reportStatuses` (from `reports`), and its details
 * but `reports` (`reportEvents`). Fields defined in src/records/audit-report-schema.ts.
 */
export type MsgMeta = Readonly<Pick<AuditMessage, 'messageId' | 'contentType' | 'carriedBy'>> &
  Omit<AuditMessage, 'messageId' | 'contentType' | 'carriedBy' | 'direction' | 'reportStatuses'> &
  Omit<AuditMessageDetail, 'reports'> & { readonly reports: ReportTally; readonly reportEvents: AuditReportEvent[] };

/** Audit metadata of one transferred file (RFC 5547 a=file-selector session). */
export interface FileMeta {
  name: string | null;
  size: number;
  sha256: string | null;
  sha1: string | null;
  advertisedSha1: string | null;
  advertisedSize: number | null;
  advertisedType: string | null;
  messageId: string | null;
}

/** The transports a session can list: at most every (protocol, transport) pair. */
const MAX_TRANSPORTS = 16;

/**
 * Notes that `protocol` of the session was carried by `transport` (IP protocol number, a
 * WebSocket, or TLS), and, for plaintext decrypted from TLS, with which version and cipher suite.
 */
export function noteTransport(a: AuditData, protocol: 'sip' | 'msrp', ipProto: number, via: StreamTransport | undefined, tls?: TlsTransportInfo): void {
  const t = `${protocol}/${via ?? (ipProto === 6 ? 'tcp' : ipProto === 17 ? 'udp' : ipProto === 132 ? 'sctp' : `ip${ipProto}`)}`;
  if (!a.transports.includes(t) && a.transports.length < MAX_TRANSPORTS) a.transports.push(t);
  if (tls === undefined || a.tls.length >= MAX_TRANSPORTS) return;
  const suite = cipherSuiteText(tls.cipherSuite);
  if (!a.tls.some((x) => x.transport === t && x.version === tls.version && x.cipherSuite === suite)) a.tls.push({ transport: t, decrypted: true, version: tls.version, cipherSuite: suite });
}

/** A cipher suite as the IANA registry writes it: `0x13,0x01` → "0x1301". */
function cipherSuiteText(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}

/**
 * Whether audit.json lists the session's transports: only when one is not the plain SIP over
 * UDP/TCP and MSRP over TCP of RFC 3261 / RFC 4975, so the audits of such sessions keep their shape.
 */
export function listsTransports(a: AuditData): boolean {
  return a.transports.some((t) => t !== 'sip/udp' && t !== 'sip/tcp' && t !== 'msrp/tcp');
}

/** Audit metadata of one session. */
export interface AuditData {
  readonly callId: string | null;
  startSec: number;
  startNsec: number;
  endSec: number;
  endNsec: number;
  endFixed: boolean;
  readonly sids: string[];
  readonly conns: string[];
  /** `<sip|msrp>/<udp|tcp|sctp|ws|wss>` pairs that carried the session, in order of first use ({@link noteTransport}). */
  readonly transports: string[];
  /** The TLS that protected decrypted transports of `transports` (`tls`, `wss`), at most one entry per (transport, version, suite). */
  readonly tls: AuditTlsTransport[];
  readonly messages: MsgMeta[];
  readonly byMid: Map<string, MsgMeta>;
  /** Entries of `messages` counted in SessionAudit's live-message count (0 once frozen or dropped). */
  liveCount: number;
  readonly files: FileMeta[];
  omitted: number;
  ccUnavailable: string | null;
  readonly ladder: AuditLadderEvent[];
  ladderOmitted: number;
  /** Anomalies that concern the session (null until the first: most sessions have none). */
  anomalies: SessionAnomalies | null;
}

/** The anomalies that concern one session: exact counts by code, and the first few occurrences. */
export interface SessionAnomalies {
  /** Bounded by the number of declared codes. */
  readonly counts: Map<string, number>;
  readonly first: AuditSessionAnomaly[];
}
