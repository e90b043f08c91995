/**
 * `msrptap audit`: the reconstruction of every intercepted session (who, when, which MSRP
 * sessions and connections, every message with its size, hashes, chunks and status, files
 * with their verified hashes, anomalies), as JSON. No LI records are written.
 *
 * `--html FILE` also writes the self-contained HTML report (src/audit: ladder diagrams,
 * messages with their content shown safely, chunk maps, files, anomalies, frame numbers);
 * `--extract DIR` writes every complete transferred file as `DIR/<sha256>-<name>` (0600).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ContentStore } from '../audit/content-store.js';
import { extractFileName, isExtractFileName } from '../audit/extract-file-name.js';
import { buildReportModel } from '../audit/report-model.js';
import { renderHtmlReport } from '../audit/render-html-report.js';
import { ConfigError } from '../core/errors.js';
import { claimOutputFile, claimOutputFolder } from '../deliver/output-folder.js';
import { SecureFileWriter } from '../deliver/secure-file.js';
import { captureDigests } from '../pipeline/capture-digests.js';
import { InterceptPipeline } from '../pipeline/intercept-pipeline.js';
import { loadTasks } from '../pipeline/load-tasks.js';
import type { LiRecord } from '../records/li-record.js';
import { addCaptureOptions, checkCaptureSource, type CaptureOptions } from './capture-options.js';
import { hiddenTrafficWarning } from './hidden-traffic-warning.js';
import { runPacketSource } from './packet-source.js';
import { VERSION } from './version.js';
import { writeSecretJson } from './write-json-file.js';

interface AuditOptions extends CaptureOptions {
  tasks?: string;
  json?: string;
  html?: string;
  extract?: string;
  all?: boolean;
  overwrite?: boolean;
}

/** Keeps the rCSMessage bodies the report and --extract show (the audit itself has metadata only). */
function collectContent(store: ContentStore, r: LiRecord): void {
  if (r.kind !== 'iri' || r.event.kind !== 'rCSMessage') return;
  const e = r.event;
  store.add(r.task.liid, r.network.frameNo ?? -1, e.msrpMessageId, e.content, e.contentTruncated === true);
}

export function registerAuditCommand(program: Command): void {
  const cmd = program.command('audit').description('reconstruct the intercepted sessions of the tasks: messages, chunks, hashes, files, anomalies');
  addCaptureOptions(cmd)
    .requiredOption('--tasks <file>', 'intercept tasks (JSON, ETSI TS 103 221-1 X1 vocabulary)')
    .option('--json <file>', 'write the audit JSON here (created 0600); "-" = standard output', '-')
    .option('--html <file>', 'also write the self-contained HTML audit report here (created 0600)')
    .option('--extract <dir>', 'write each complete transferred file as DIR/<sha256>-<name> (0600 in 0700)')
    .option('--all', 'lab use: also list sessions that match no task (never recorded)')
    .option('--overwrite', 'replace an existing --json / --html file, and delete the files a previous --extract left in DIR (never anything else)')
    .action(async (o: AuditOptions) => {
      checkCaptureSource(o);
      if (o.tasks === undefined) throw new ConfigError('--tasks is required');
      if (o.html === '-' || o.extract === '-') throw new ConfigError('--html and --extract need a path, not "-"');
      const tasks = loadTasks(o.tasks);
      // Before the capture is read: an unusable or occupied output fails now, not after an hour.
      const overwrite = o.overwrite === true;
      const jsonMode = o.json !== undefined && o.json !== '-' ? claimOutputFile(o.json, '--json', overwrite) : undefined;
      const htmlMode = o.html !== undefined ? claimOutputFile(o.html, '--html', overwrite) : undefined;
      if (o.extract !== undefined) claimOutputFolder(o.extract, { flag: '--extract', overwrite, isOwn: (e) => !e.isDir && e.names.length === 1 && isExtractFileName(e.names[0]!) });
      const wantContent = o.html !== undefined || o.extract !== undefined;
      const store = new ContentStore();
      const pipeline = new InterceptPipeline({ tasks, onRecord: wantContent ? (r) => collectContent(store, r) : () => {}, includeNonTargets: o.all === true });
      const src = await runPacketSource(o, (f) => pipeline.frame(f), pipeline.anomalies, o.json === '-');
      pipeline.finish();
      const { report, details } = pipeline.correlator.auditWithDetails();
      if (o.json === undefined || o.json === '-') process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        writeSecretJson(o.json, report, jsonMode);
        process.stderr.write(`msrptap: ${report.sessions.length} sessions, ${report.uncorrelated.length} uncorrelated, written to ${o.json}\n`);
      }
      if (wantContent) {
        const model = buildReportModel({
          toolVersion: VERSION,
          generatedAt: new Date().toISOString(),
          captures: o.read.length > 0 ? captureDigests(o.read) : [{ path: `live:${o.interface ?? ''}`, sha256: null, bytes: null }],
          tasks: tasks.tasks.map((t) => ({ xid: t.xid, liid: t.liid, deliveryType: t.deliveryType, targets: t.targetIdentifiers.map((i) => i.value) })),
          audit: report,
          details,
          anomalyExamples: (code) => pipeline.anomalies.examplesOf(code as Parameters<typeof pipeline.anomalies.examplesOf>[0]),
          contents: store,
        });
        if (store.droppedBodies > 0 || store.droppedEntries > 0) process.stderr.write(`msrptap: warning: ${store.droppedBodies + store.droppedEntries} message bodies not kept for the report (memory cap)\n`);
        if (o.html !== undefined) {
          const w = new SecureFileWriter(o.html, { existing: htmlMode ?? 'refuse' });
          w.write(Buffer.from(renderHtmlReport(model), 'utf8'));
          w.close();
          process.stderr.write(`msrptap: HTML report written to ${o.html}\n`);
        }
        if (o.extract !== undefined) extractFiles(o.extract, [...report.sessions, ...report.uncorrelated], [...details.sessions, ...details.uncorrelated], store);
      }
      const hidden = hiddenTrafficWarning(pipeline.anomalies.toJSON());
      if (hidden !== null) process.stderr.write(hidden);
      if (src.error !== undefined) throw src.error;
    });
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
function extractFiles(dir: string, sessions: readonly ExtractSession[], details: readonly ExtractDetail[], store: ContentStore): void {
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
        process.stderr.write(`msrptap: warning: file ${name} not extracted: ${body === null ? 'its bytes were not retained' : 'the bytes kept do not match its sha256'}\n`);
        continue;
      }
      const w = new SecureFileWriter(join(dir, name), { strictFrom: dir });
      w.write(body);
      w.close();
      done.add(name);
    }
  });
  process.stderr.write(`msrptap: ${done.size} files extracted to ${dir}${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
}
