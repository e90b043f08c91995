/**
 * `msrptap audit` as one function: the reconstruction of every intercepted session (who, when,
 * which MSRP sessions and connections, every message with its size, hashes, chunks and status,
 * files with their verified hashes, anomalies). No LI records are written.
 *
 * Also writes, when asked, the audit JSON to a file, the self-contained HTML report (src/audit)
 * and every complete transferred file as `DIR/<sha256>-<name>` (0600).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ContentStore } from '../audit/content-store.js';
import { extractFileName, isExtractFileName } from '../audit/extract-file-name.js';
import { buildReportModel } from '../audit/report-model.js';
import { renderHtmlReport } from '../audit/render-html-report.js';
import type { Logger } from '../core/log.js';
import type { AuditReport } from '../correlate/index.js';
import { claimOutputFile, claimOutputFolder } from '../deliver/output-folder.js';
import { fsyncDirectory } from '../deliver/safe-fs.js';
import { SecureFileWriter } from '../deliver/secure-file.js';
import type { LiRecord } from '../records/li-record.js';
import { captureDigests } from './capture-digests.js';
import { InterceptPipeline } from './intercept-pipeline.js';
import { TlsKeyLogFiles } from './tls-key-log-files.js';
import { logHiddenTraffic } from './log-hidden-traffic.js';
import { loadTasks } from './load-tasks.js';
import { runPacketSource, type PacketSourceOptions, type ReadProgress } from './packet-source.js';
import { writeSecretJson } from './write-secret-json.js';

export interface AuditRunOptions extends PacketSourceOptions {
  tasks: string;
  toolVersion: string;
  /** A file path; absent = the report is returned for standard output. */
  json?: string;
  html?: string;
  extract?: string;
  all?: boolean;
  overwrite?: boolean;
  /** NSS key log files (`--tls-keylog`, secret): TLS connections are decrypted with their keys. */
  tlsKeylog?: readonly string[];
}

/** Keeps the rCSMessage bodies the report and --extract show (the audit itself has metadata only). */
function collectContent(store: ContentStore, r: LiRecord): void {
  if (r.kind !== 'iri' || r.event.kind !== 'rCSMessage') return;
  const e = r.event;
  store.add(r.task.liid, r.network.frameNo ?? -1, e.msrpMessageId, e.content, e.contentTruncated === true);
}

/**
 * Runs the audit and writes every file asked for. Returns the report (the CLI prints it when no
 * --json file was given) and, when a capture was damaged, the input's IoError: everything
 * before the damage was read, so the report is still given first.
 */
export async function runAudit(o: AuditRunOptions, ctx: { log: Logger; progress?: ReadProgress }): Promise<{ report: AuditReport; inputError?: Error }> {
  const { log } = ctx;
  const tasks = loadTasks(o.tasks);
  const keyLogs = o.tlsKeylog !== undefined && o.tlsKeylog.length > 0 ? new TlsKeyLogFiles(o.tlsKeylog) : undefined;
  // Before the capture is read: an unusable or occupied output fails now, not after an hour.
  const overwrite = o.overwrite === true;
  const jsonMode = o.json !== undefined ? claimOutputFile(o.json, '--json', overwrite) : undefined;
  const htmlMode = o.html !== undefined ? claimOutputFile(o.html, '--html', overwrite) : undefined;
  if (o.extract !== undefined) claimOutputFolder(o.extract, { flag: '--extract', overwrite, isOwn: (e) => !e.isDir && e.names.length === 1 && isExtractFileName(e.names[0]!) });
  const wantContent = o.html !== undefined || o.extract !== undefined;
  const store = new ContentStore();
  const pipeline = new InterceptPipeline({ tasks, onRecord: wantContent ? (r) => collectContent(store, r) : () => {}, includeNonTargets: o.all === true, ...(keyLogs !== undefined ? { tlsKeyLogs: keyLogs } : {}) });
  const src = await runPacketSource(o, (f) => pipeline.frame(f), pipeline.anomalies, { log, ...(ctx.progress !== undefined ? { progress: ctx.progress } : {}) });
  pipeline.finish();
  const { report, details } = pipeline.correlator.auditWithDetails();
  if (o.json !== undefined) {
    writeSecretJson(o.json, report, jsonMode);
    log.log('info', 'audit.written', { sessions: report.sessions.length, uncorrelated: report.uncorrelated.length, path: o.json });
  }
  if (wantContent) {
    const model = buildReportModel({
      toolVersion: o.toolVersion,
      generatedAt: new Date().toISOString(),
      captures: o.read.length > 0 ? captureDigests(o.read) : [{ path: `live:${o.interface ?? ''}`, sha256: null, bytes: null }],
      tasks: tasks.tasks.map((t) => ({ xid: t.xid, liid: t.liid, deliveryType: t.deliveryType, targets: t.targetIdentifiers.map((i) => i.value) })),
      audit: report,
      details,
      anomalyExamples: (code) => pipeline.anomalies.examplesOf(code as Parameters<typeof pipeline.anomalies.examplesOf>[0]),
      contents: store,
    });
    if (store.droppedBodies > 0 || store.droppedEntries > 0) log.log('warn', 'report.bodies_not_kept', { bodies: store.droppedBodies + store.droppedEntries }, 'message bodies not kept for the report (memory cap)');
    if (o.html !== undefined) {
      const w = new SecureFileWriter(o.html, { existing: htmlMode ?? 'refuse' });
      w.write(Buffer.from(renderHtmlReport(model), 'utf8'));
      w.close();
      log.log('info', 'report.written', { path: o.html });
    }
    if (o.extract !== undefined) extractFiles(o.extract, [...report.sessions, ...report.uncorrelated], [...details.sessions, ...details.uncorrelated], store, log);
  }
  logHiddenTraffic(log, pipeline.anomalies.toJSON());
  return { report, ...(src.error !== undefined ? { inputError: src.error } : {}) };
}

/** What --extract reads of the audit (structurally the correlator's AuditReport / AuditDetails). */
interface ExtractSession {
  readonly liid: string | null;
  readonly messages: readonly { readonly messageId: string | null; readonly lastFrame: number }[];
  readonly files: readonly { readonly name: string | null; readonly sha256: string | null; readonly messageId: string | null }[];
}
interface ExtractDetail {
  readonly messages: readonly { readonly contentOffset: number | null; readonly contentLength: number | null }[];
}

/**
 * Writes each complete file once (a file seen by two tasks is the same bytes): the body of its
 * message, or the CPIM encapsulated content (the offsets the correlator found), checked against
 * the audit's sha256 before writing; anything that cannot be written is said on stderr.
 */
function extractFiles(dir: string, sessions: readonly ExtractSession[], details: readonly ExtractDetail[], store: ContentStore, log: Logger): void {
  const done = new Set<string>();
  let skipped = 0;
  sessions.forEach((s, i) => {
    for (const f of s.files) {
      if (f.sha256 === null || s.liid === null) continue;
      const name = extractFileName(f.sha256, f.name);
      if (done.has(name)) continue;
      const k = s.messages.findIndex((m) => m.messageId === f.messageId);
      const m = s.messages[k];
      const d = details[i]?.messages[k];
      const bytes = m === undefined ? null : (store.get(s.liid, m.lastFrame, m.messageId)?.bytes ?? null);
      const off = d?.contentOffset ?? null;
      const len = d?.contentLength ?? null;
      const body = bytes === null || off === null || len === null || off + len > bytes.length ? null : bytes.subarray(off, off + len);
      if (body === null || createHash('sha256').update(body).digest('hex') !== f.sha256) {
        skipped++;
        log.log('warn', 'extract.skipped', { file: name, reason: body === null ? 'not_retained' : 'sha256_mismatch' }, body === null ? 'its bytes were not retained' : 'the bytes kept do not match its sha256');
        continue;
      }
      const w = new SecureFileWriter(join(dir, name), { strictFrom: dir });
      w.write(body);
      w.close();
      done.add(name);
    }
  });
  // The files' fsyncs persist their bytes, not their names (POSIX fsync(2)).
  if (done.size > 0) fsyncDirectory(dir);
  log.log('info', 'extract.done', { files: done.size, skipped, dir });
}
