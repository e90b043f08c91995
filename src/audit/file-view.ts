/**
 * One transferred file of a session as the report shows it (RFC 5547: the SDP file-selector
 * advertises name, size, type and SHA-1): what arrived, what was advertised, and whether the
 * hashes agree. Pure.
 */
import type { AuditFile, AuditSession, AuditSessionDetail } from '../records/audit-report-schema.js';
import { extractFileName } from './extract-file-name.js';

export type FileVerdict = 'verified' | 'mismatch' | 'not_advertised' | 'incomplete';

export interface FileView {
  readonly name: string | null;
  readonly size: number;
  readonly advertisedSize: number | null;
  readonly advertisedType: string | null;
  readonly sha256: string | null;
  readonly sha1: string | null;
  readonly advertisedSha1: string | null;
  readonly verdict: FileVerdict;
  readonly messageId: string | null;
  readonly firstFrame: number | null;
  readonly lastFrame: number | null;
  /** Name under `--extract DIR`, when the file is complete. */
  readonly extractName: string | null;
}

/** File `i` (0-based) of session `s`, with the frames of the message that carried it. */
export function fileView(s: AuditSession, d: AuditSessionDetail, f: AuditFile, i: number): FileView {
  const fd = d.files[i]!;
  const msg = f.messageId === null ? undefined : s.messages.find((m) => m.messageId === f.messageId);
  const verdict: FileVerdict = f.sha1 === null ? 'incomplete' : fd.advertisedSha1 === null ? 'not_advertised' : f.hashVerified ? 'verified' : 'mismatch';
  return {
    name: f.name,
    size: f.size,
    advertisedSize: fd.advertisedSize,
    advertisedType: fd.advertisedType,
    sha256: f.sha256,
    sha1: f.sha1,
    advertisedSha1: fd.advertisedSha1,
    verdict,
    messageId: f.messageId,
    firstFrame: msg?.firstFrame ?? null,
    lastFrame: msg?.lastFrame ?? null,
    extractName: f.sha256 !== null ? extractFileName(f.sha256, f.name) : null,
  };
}
