/**
 * What the audit report is built from, as plain data: the correlator's audit and its details
 * (types defined once with their schema in src/records/audit-report-schema.ts, which both
 * `audit` and `correlate` may import), plus what the CLI knows of the run. The CLI passes the
 * correlator's values in.
 */
import type { AuditDetails, AuditReport } from '../records/audit-report-schema.js';

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
  readonly audit: AuditReport;
  readonly details: AuditDetails;
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
