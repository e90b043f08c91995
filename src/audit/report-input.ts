/**
 * What the audit report is built from, as plain data. The shapes mirror the correlator's audit
 * (src/correlate/audit-report.ts: AuditReport + AuditDetails) structurally: `audit` may not
 * import `correlate` (DEVELOPERS.md layering), the CLI passes the correlator's values in.
 */

export interface InputChunk {
  readonly start: number;
  readonly end: number;
  readonly frame: number;
  readonly lastFrame: number;
  readonly time: string;
  readonly flag: '$' | '+' | '#' | null;
  readonly duplicate: boolean;
}

export interface InputReportEvent {
  readonly frame: number;
  readonly time: string;
  readonly status: string;
  readonly byteRange: string;
  readonly connection: string;
}

export interface InputLadderEvent {
  readonly proto: 'sip' | 'msrp';
  readonly frame: number;
  readonly lastFrame: number;
  readonly time: string;
  readonly src: string;
  readonly dst: string;
  readonly label: string;
  readonly detail: string | null;
  readonly messageId: string | null;
}

export interface InputMessage {
  readonly messageId: string | null;
  readonly direction: 'fromTarget' | 'toTarget';
  readonly contentType: string | null;
  readonly innerContentType: string | null;
  readonly size: number;
  readonly sha256: string | null;
  readonly innerSha256: string | null;
  readonly chunks: number;
  readonly status: 'complete' | 'aborted' | 'incomplete';
  readonly reportStatuses: readonly string[];
  readonly firstFrame: number;
  readonly lastFrame: number;
  readonly missing: readonly { readonly start: number; readonly end: number | '*' }[];
  readonly imdn: { readonly messageId: string; readonly notification: string; readonly status: string | null } | null;
  readonly isComposing: boolean;
  readonly carriedBy: 'msrp' | 'sip';
}

export interface InputMessageDetail {
  readonly firstTime: string;
  readonly lastTime: string;
  readonly totalSize: number | null;
  readonly senderSide: 0 | 1 | null;
  readonly cpimFrom: string | null;
  readonly cpimTo: readonly string[];
  readonly contentOffset: number | null;
  readonly contentLength: number | null;
  readonly chunkList: readonly InputChunk[];
  readonly chunkListOmitted: number;
  readonly reports: readonly InputReportEvent[];
}

export interface InputFile {
  readonly name: string | null;
  readonly size: number;
  readonly sha256: string | null;
  readonly sha1: string | null;
  readonly hashVerified: boolean;
  readonly messageId: string | null;
}

export interface InputFileDetail {
  readonly advertisedSha1: string | null;
  readonly advertisedSize: number | null;
  readonly advertisedType: string | null;
}

export interface InputSession {
  readonly callId?: string;
  readonly xid: string | null;
  readonly liid: string | null;
  readonly matchedIdentity: string | null;
  readonly startTime: string;
  readonly endTime: string;
  readonly msrpSessionIds: readonly string[];
  readonly connections: readonly string[];
  readonly messages: readonly InputMessage[];
  readonly files: readonly InputFile[];
  readonly targetRole: string | null;
  readonly messagesOmitted: number;
  readonly ccUnavailable: string | null;
}

export interface InputSessionDetail {
  readonly parties: readonly [readonly string[], readonly string[]];
  readonly targetSide: 0 | 1 | null;
  readonly ladder: readonly InputLadderEvent[];
  readonly ladderOmitted: number;
  readonly messages: readonly InputMessageDetail[];
  readonly files: readonly InputFileDetail[];
}

export interface InputAudit {
  readonly sessions: readonly InputSession[];
  readonly uncorrelated: readonly InputSession[];
  readonly anomalies: Readonly<Record<string, number>>;
}

export interface InputAuditDetails {
  readonly sessions: readonly InputSessionDetail[];
  readonly uncorrelated: readonly InputSessionDetail[];
}

export interface InputCapture {
  readonly path: string;
  readonly sha256: string | null;
  readonly bytes: number | null;
}

export interface InputTask {
  readonly xid: string;
  readonly liid: string;
  readonly deliveryType: string;
  readonly targets: readonly string[];
}

/** First occurrences of an anomaly code (AnomalyCounter keeps a few per code). */
export interface InputAnomalyExample {
  readonly frame: number | undefined;
  readonly detail: string | undefined;
}

export interface ReportInput {
  readonly toolVersion: string;
  /** ISO time the report was generated (the CLI's clock; tests pass a fixed value). */
  readonly generatedAt: string;
  readonly captures: readonly InputCapture[];
  readonly tasks: readonly InputTask[];
  readonly audit: InputAudit;
  readonly details: InputAuditDetails;
  readonly anomalyExamples: (code: string) => readonly InputAnomalyExample[];
  /** Message bodies as delivered in rCSMessage records (see ./content-store.ts). */
  readonly contents: ContentLookup;
}

/** A retained message body, or only its size and hash when it was too large to keep. */
export interface StoredContent {
  readonly bytes: Uint8Array | null;
  readonly size: number;
  readonly sha256: string;
  /** The record flagged the body as cut at the correlator's content cap. */
  readonly truncated: boolean;
}

export interface ContentLookup {
  /** The body of the message of task `liid` that ended at `lastFrame` (with `messageId` when known). */
  get(liid: string, lastFrame: number, messageId: string | null): StoredContent | undefined;
}
