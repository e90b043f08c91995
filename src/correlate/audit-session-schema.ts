/**
 * The one definition of an audit entry (./audit-report.ts documents the fields and their truth
 * rules): the correlator builds values of these types, `run` keeps finished ones in its audit
 * spool file and checks each against this schema when it reads it back for audit.json
 * (src/pipeline/audit-spool.ts), so a spool changed under the run is reported, not copied.
 */
import { z } from 'zod';

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const hexOrNull = z.string().regex(/^[0-9a-f]+$/).nullable();

export const auditMessageSchema = z.strictObject({
  messageId: z.string().nullable(),
  direction: z.enum(['fromTarget', 'toTarget']),
  contentType: z.string().nullable(),
  innerContentType: z.string().nullable(),
  size: count,
  sha256: hexOrNull,
  innerSha256: hexOrNull,
  chunks: count,
  status: z.enum(['complete', 'aborted', 'incomplete']),
  reportStatuses: z.array(z.string()),
  /** Extras. */
  firstFrame: count,
  lastFrame: count,
  missing: z.array(z.strictObject({ start: count, end: z.union([count, z.literal('*')]) })),
  /** An IMDN (RFC 5438): which message it notifies about, and how. */
  imdn: z.strictObject({ messageId: z.string(), notification: z.string(), status: z.string().nullable() }).nullable(),
  isComposing: z.boolean(),
  /** 'sip' for a pager-mode MESSAGE (RFC 3428). */
  carriedBy: z.enum(['msrp', 'sip']),
});

export const auditFileSchema = z.strictObject({
  name: z.string().nullable(),
  size: count,
  sha256: hexOrNull,
  sha1: hexOrNull,
  hashVerified: z.boolean(),
  messageId: z.string().nullable(),
});

export const auditSessionSchema = z.strictObject({
  callId: z.string().exactOptional(),
  xid: z.string().nullable(),
  liid: z.string().nullable(),
  matchedIdentity: z.string().nullable(),
  startTime: z.string(),
  endTime: z.string(),
  msrpSessionIds: z.array(z.string()),
  connections: z.array(z.string()),
  messages: z.array(auditMessageSchema),
  files: z.array(auditFileSchema),
  /** Extras. */
  targetRole: z.enum(['originating', 'terminating', 'unknown']).nullable(),
  messagesOmitted: count,
  ccUnavailable: z.string().nullable(),
});

export type AuditMessage = z.infer<typeof auditMessageSchema>;
export type AuditFile = z.infer<typeof auditFileSchema>;
export type AuditSession = z.infer<typeof auditSessionSchema>;
