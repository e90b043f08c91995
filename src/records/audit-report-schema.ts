/**
 * The audit model, defined once: the zod schema of audit.json ({@link auditReportSchema}) and of
 * the HTML report's details ({@link auditDetailsSchema}), with every TypeScript type derived
 * from them. The correlator builds values of these types (src/correlate), `run` checks each
 * entry it reads back from its audit spool against {@link auditSessionSchema}
 * (src/pipeline/audit-spool.ts), the HTML report is built from them (src/audit), and
 * `npm run schemas` publishes `schemas/json/audit.schema.json` from {@link auditReportSchema}.
 * It lives in `records` because both `correlate` and `audit` may import it (DEVELOPERS.md).
 *
 * The schemas only validate (no transforms, no defaults): what is read back is the JSON itself,
 * key order kept, so audit.json stays byte-identical to what the correlator built.
 *
 * Truth rules (shared with samples/gen/scenarios/truth.ts):
 * - `startTime`: the first observation of the creating SIP request (INVITE / MESSAGE), or of
 *   the first MSRP frame for a session without SIP; `endTime`: the 2xx to BYE when seen, else
 *   the last SIP message or MSRP frame of the session. ISO-8601 UTC with nanoseconds.
 * - `size`: complete → the message size; aborted / incomplete → distinct body bytes received.
 *   `sha256`: complete → of the body; aborted → of the received prefix (null if it has a hole);
 *   incomplete → null. `innerSha256`: complete CPIM messages only. `chunks`: distinct byte
 *   ranges received (a chunk seen on two relay legs counts once).
 * - `reportStatuses`: REPORT status codes (RFC 4975 7.1.2) in order; the copies of one REPORT
 *   on several relay legs count once (per (Byte-Range, code): the highest count on any one
 *   connection).
 * - `msrpSessionIds`: endpoint session-ids (last a=path URI of each SDP; for sessions without
 *   SIP: last From-Path then last To-Path URI of the first request), in order of appearance.
 * - `connections`: `client-server` endpoints of the TCP connections that carried frames of the
 *   session, in order of first frame.
 * - `transports`: `<sip|msrp>/<transport>` of every SIP message and MSRP frame of the session
 *   (`ws` when carried in WebSocket messages), in order of first use; only when one of them is
 *   SCTP or WebSocket (absent: SIP over UDP/TCP, MSRP over TCP); `tls`/`wss` when decrypted from TLS.
 * - `tls`: per decrypted transport, the TLS version and cipher suite (never keys).
 * - files: one per message with user content in a session whose SDP has a=file-selector
 *   (RFC 5547); the file is the message body, or its CPIM inner content.
 *
 * Times are plain strings, not a pattern: they come from capture timestamps, and a capture far
 * in the future must not make the run refuse its own spool.
 */
import { z } from 'zod';

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** Hashes are computed by msrptap (node:crypto hex digests), never copied from the wire. */
const sha256OrNull = z
  .string()
  .regex(/^[0-9a-f]{64}$/, { message: 'not a SHA-256 (64 lower-case hex digits)' })
  .nullable();
const sha1OrNull = z
  .string()
  .regex(/^[0-9a-f]{40}$/, { message: 'not a SHA-1 (40 lower-case hex digits)' })
  .nullable();
const side = z.union([z.literal(0), z.literal(1)]);

// ---------------------------------------------------------------------------------------------
// audit.json

export const auditMessageSchema = z.strictObject({
  messageId: z.string().nullable().describe('MSRP Message-ID (RFC 4975 section 7.1); for pager mode the CPIM imdn.Message-ID, if any'),
  direction: z.enum(['fromTarget', 'toTarget']).describe("relative to this entry's target"),
  contentType: z.string().nullable(),
  innerContentType: z.string().nullable().describe('the CPIM (RFC 3862) encapsulated Content-Type'),
  size: count.describe('complete: the message size; aborted / incomplete: distinct body bytes received'),
  sha256: sha256OrNull.describe('complete: of the body; aborted: of the received prefix (null with a hole); incomplete: null'),
  innerSha256: sha256OrNull.describe('of the CPIM content, complete messages only'),
  chunks: count.describe('distinct byte ranges received (a chunk seen on two relay legs counts once)'),
  status: z.enum(['complete', 'aborted', 'incomplete']),
  reportStatuses: z.array(z.string()).describe('REPORT status codes (RFC 4975 section 7.1.2) in order, relay-leg copies counted once'),
  firstFrame: count,
  lastFrame: count,
  missing: z.array(z.strictObject({ start: count, end: z.union([count, z.literal('*')]) })).describe('byte ranges never received (1-based, inclusive; "*": to the unknown end)'),
  imdn: z.strictObject({ messageId: z.string(), notification: z.string(), status: z.string().nullable() }).nullable().describe('an IMDN (RFC 5438): which message it notifies about, and how'),
  isComposing: z.boolean().describe('an isComposing indication (RFC 3994)'),
  carriedBy: z.enum(['msrp', 'sip']).describe("'sip' for a pager-mode MESSAGE (RFC 3428)"),
});

export const auditFileSchema = z.strictObject({
  name: z.string().nullable(),
  size: count,
  sha256: sha256OrNull,
  sha1: sha1OrNull,
  hashVerified: z.boolean().describe('the SHA-1 of the received file equals the a=file-selector hash (RFC 5547 section 5)'),
  messageId: z.string().nullable(),
});

/** One decrypted TLS transport of a session (`--tls-keylog`): never key material, only what the handshake said in the clear. */
export const auditTlsTransportSchema = z.strictObject({
  transport: z.string().describe('the `transports` entry it protected: `sip/tls`, `msrp/tls`, `sip/wss`, `msrp/wss`'),
  decrypted: z.literal(true).describe('the content was decrypted with the key log (RFC 5246 / RFC 8446); records carry the plaintext'),
  version: z.enum(['TLS1.2', 'TLS1.3']),
  cipherSuite: z
    .string()
    .regex(/^0x[0-9a-f]{4}$/)
    .describe('IANA TLS cipher suite number, e.g. 0x1301 = TLS_AES_128_GCM_SHA256'),
});

export const auditSessionSchema = z
  .strictObject({
    callId: z.string().exactOptional(),
    xid: z.string().nullable(),
    liid: z.string().nullable(),
    matchedIdentity: z.string().nullable(),
    startTime: z.string().describe('ISO-8601 UTC with nanoseconds: first observation of the creating SIP request, or of the first MSRP frame without SIP'),
    endTime: z.string().describe('ISO-8601 UTC with nanoseconds: the 2xx to BYE when seen, else the last SIP message or MSRP frame'),
    msrpSessionIds: z.array(z.string()).describe('endpoint session-ids, in order of appearance'),
    connections: z.array(z.string()).describe('client-server endpoints of the TCP connections that carried frames of the session, in order of first frame'),
    transports: z
      .array(z.string())
      .exactOptional()
      .describe(
        '`sip/udp`, `sip/tcp`, `sip/sctp` (RFC 4168), `sip/ws` (RFC 7118), `msrp/tcp`, `msrp/ws` (RFC 7977), `sip/tls`, `msrp/tls`, `sip/wss`, `msrp/wss` (decrypted with --tls-keylog)...: what carried the session, in order of first use; present only when one is not SIP over UDP/TCP or MSRP over TCP',
      ),
    tls: z.array(auditTlsTransportSchema).exactOptional().describe('the TLS of each decrypted transport (version, cipher suite), one entry per (transport, version, suite); absent when nothing was decrypted'),
    messages: z.array(auditMessageSchema),
    files: z.array(auditFileSchema).describe('one per message with user content in a session whose SDP has a=file-selector (RFC 5547)'),
    targetRole: z.enum(['originating', 'terminating', 'unknown']).nullable(),
    messagesOmitted: count.describe('messages not listed (audit caps); the count is exact'),
    ccUnavailable: z.string().nullable(),
    anomalies: z
      .record(z.string(), count)
      .exactOptional()
      .describe('anomaly code → count, of the anomalies that concern this session: reported on a TCP connection that carried its MSRP frames (while it did), or by the correlator about the session itself; absent when none'),
  })
  .meta({ id: 'AuditSession', description: 'one (session, task) pair' });

/** audit.json: what `msrptap audit --json` and `msrptap run` write. */
export const auditReportSchema = z.strictObject({
  interrupted: z.literal(true).exactOptional().describe('a signal stopped the run before the end of its input (absent otherwise)'),
  sessions: z.array(auditSessionSchema).describe('one entry per (session, task) pair, in order of first appearance'),
  uncorrelated: z.array(auditSessionSchema).describe('MSRP sessions seen without their SIP'),
  anomalies: z.record(z.string(), count).describe('anomaly code → count'),
  capture: z
    .strictObject({
      backend: z.enum(['dumpcap', 'cap']).describe('live capture backend'),
      received: count.describe('frames the tap received'),
      kernelDropped: count.describe('input-backlog drops (/proc/net/softnet_stat, system-wide) during the capture'),
      ifDropped: count.describe('interface drops (rx_missed_errors + rx_fifo_errors) during the capture'),
      captureDropped: count.nullable().describe("capture-ring and dumpcap drops from dumpcap's final statistics; null when unknown (cap backend, or dumpcap died)"),
      stoppedBy: z.string().exactOptional().describe('why the capture ended on its own (dumpcap died); absent after a normal stop'),
    })
    .exactOptional()
    .describe("live runs only: the capture's drop counters when it stopped (issue 13); absent for capture files"),
});

export type AuditMessage = z.infer<typeof auditMessageSchema>;
export type AuditDirection = AuditMessage['direction'];
export type AuditMessageStatus = AuditMessage['status'];
export type AuditFile = z.infer<typeof auditFileSchema>;
export type AuditSession = z.infer<typeof auditSessionSchema>;
export type AuditTlsTransport = z.infer<typeof auditTlsTransportSchema>;
export type AuditReport = z.infer<typeof auditReportSchema>;

// ---------------------------------------------------------------------------------------------
// The HTML report's details: kept out of audit.json (whose shape is the samples' truth format),
// never written to disk. `Correlator.auditWithDetails()` returns them in the order of the
// report, one entry per session entry, messages and files index-aligned.

/** One SEND chunk of a message: which bytes (1-based, inclusive) came in which capture frames. */
export const auditChunkSchema = z.strictObject({
  start: count,
  /** `start - 1` for an empty chunk. */
  end: count,
  frame: count,
  lastFrame: count,
  time: z.string(),
  /** End-line flag (`$` last, `+` more, `#` aborted), null when the frame was cut. */
  flag: z.enum(['$', '+', '#']).nullable(),
  /** Every byte had been received before (e.g. the copy on a second relay leg). */
  duplicate: z.boolean(),
});

/** One MSRP REPORT frame about a message. */
export const auditReportEventSchema = z.strictObject({
  frame: count,
  time: z.string(),
  /** Status code, 3 digits (`Status: 000 200 OK` → `200`). */
  status: z.string(),
  /** `start-end/total` from the REPORT's Byte-Range, or '' without one. */
  byteRange: z.string(),
  /** `client-server` of the connection that carried it. */
  connection: z.string(),
});

/**
 * One arrow of the session's ladder diagram: a SIP message (first observation on each hop) or an
 * MSRP frame (request or response) of the session. Labels hold methods, status codes, byte
 * ranges and transaction ids only, never identities or content.
 */
export const auditLadderEventSchema = z.strictObject({
  proto: z.enum(['sip', 'msrp']),
  frame: count,
  /** The frame carrying the last byte (MSRP frames spanning segments), else equal to `frame`. */
  lastFrame: count,
  time: z.string(),
  /** `ip:port` / `[ipv6]:port` of the sender and the receiver of the packet. */
  src: z.string(),
  dst: z.string(),
  /** `INVITE`, `200 OK (INVITE)`, `SEND`, `REPORT 200`, `200 OK`… */
  label: z.string(),
  /** MSRP: transaction id, Byte-Range and end-line flag; SIP: CSeq. Null when none. */
  detail: z.string().nullable(),
  /** MSRP Message-ID of the frame, when it has one. */
  messageId: z.string().nullable(),
});

export const auditMessageDetailSchema = z.strictObject({
  /** Capture times of the first and last frame. */
  firstTime: z.string(),
  lastTime: z.string(),
  /** Declared total size (Byte-Range total, or the end of the `$` chunk); null when never known. */
  totalSize: count.nullable(),
  /** The sender's side of the dialog (0 = the party that sent the creating request), null when unknown. */
  senderSide: side.nullable(),
  /** CPIM From / To URIs (RFC 3862 section 3.2), when the body is message/cpim. */
  cpimFrom: z.string().nullable(),
  cpimTo: z.array(z.string()),
  /**
   * Where the user content starts in the body and how long it is: 0 / size for a plain body, the
   * CPIM encapsulated content for message/cpim (RFC 3862 section 2). Null when the body was not
   * retained (a task without IRI) or its CPIM headers did not parse.
   */
  contentOffset: count.nullable(),
  contentLength: count.nullable(),
  /** The chunks received, in arrival order (capped at 64; the rest counted in `chunkListOmitted`). */
  chunkList: z.array(auditChunkSchema),
  chunkListOmitted: count,
  /** Every REPORT for the message (RFC 4975 section 7.1.2), each relay-leg copy listed (capped at 32). */
  reports: z.array(auditReportEventSchema),
});

export const auditFileDetailSchema = z.strictObject({
  /** What the SDP a=file-selector (RFC 5547 section 5) advertised: from the wire, as written. */
  advertisedSha1: z.string().nullable(),
  advertisedSize: count.nullable(),
  advertisedType: z.string().nullable(),
});

/** One anomaly that concerns a session (see `AuditSession.anomalies`); numbers and field names only. */
export const auditSessionAnomalySchema = z.strictObject({
  code: z.string(),
  frame: count.nullable(),
  detail: z.string().nullable(),
});

export const auditSessionDetailSchema = z.strictObject({
  /** Identities seen for each side (SIP From/PAI/To/R-URI, CPIM From/To). */
  parties: z.tuple([z.array(z.string()), z.array(z.string())]),
  /** The target's side (0 = sender of the creating request), null for a non-target entry. */
  targetSide: side.nullable(),
  /** The ladder diagram's arrows in capture order (capped; the rest counted in `ladderOmitted`). */
  ladder: z.array(auditLadderEventSchema),
  ladderOmitted: count,
  messages: z.array(auditMessageDetailSchema),
  files: z.array(auditFileDetailSchema),
  /** The first anomalies that concern the session (capped at 32; `AuditSession.anomalies` counts them all); absent when none. */
  anomalies: z.array(auditSessionAnomalySchema).exactOptional(),
});

export const auditDetailsSchema = z.strictObject({
  sessions: z.array(auditSessionDetailSchema),
  uncorrelated: z.array(auditSessionDetailSchema),
});

export type AuditChunk = z.infer<typeof auditChunkSchema>;
export type AuditReportEvent = z.infer<typeof auditReportEventSchema>;
export type AuditLadderEvent = z.infer<typeof auditLadderEventSchema>;
export type AuditMessageDetail = z.infer<typeof auditMessageDetailSchema>;
export type AuditFileDetail = z.infer<typeof auditFileDetailSchema>;
export type AuditSessionAnomaly = z.infer<typeof auditSessionAnomalySchema>;
export type AuditSessionDetail = z.infer<typeof auditSessionDetailSchema>;
export type AuditDetails = z.infer<typeof auditDetailsSchema>;
