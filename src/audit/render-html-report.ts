/**
 * The audit report as one self-contained HTML document (issue 6): inline CSS, inline SVG, images
 * as data: URIs, no script and no external reference, so it opens offline and prints. A
 * Content-Security-Policy meta element forbids scripts, network fetches and frames as a second
 * line of defence: everything from the wire is escaped by ./html-escape.ts already.
 *
 * Layout: a summary (captures with sha256, tasks, sessions per task, totals, anomalies), then
 * one <section class="session"> per session entry: parties, ladder, messages (metadata,
 * content, chunk map), files, anomalies; every item names its capture frames.
 */
import { renderChunkMapSvg } from './chunk-map-svg.js';
import { esc } from './html-escape.js';
import { renderLadderSvg, timeOfDay } from './ladder-svg.js';
import type { AnomalyView } from './anomaly-view.js';
import type { FileView } from './file-view.js';
import type { MessageView } from './message-view.js';
import type { ReportModel } from './report-model.js';
import type { SessionView } from './session-view.js';

const CSS = `
:root{--b:#1f2933;--m:#52606d;--l:#e4e7eb;--ok:#2f855a;--bad:#c53030;--warn:#b7791f}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--b);margin:0;background:#f5f7fa}
header{background:#243b53;color:#fff;padding:16px 24px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:#d9e2ec}
main{padding:16px 24px;max-width:1500px}section{background:#fff;border:1px solid var(--l);border-radius:6px;padding:12px 16px;margin:0 0 18px}
h2{font-size:18px;margin:4px 0 10px}h3{font-size:15px;margin:16px 0 6px;color:#243b53}h4{font-size:14px;margin:8px 0 4px}
table{border-collapse:collapse;margin:4px 0 8px;font-size:13px}th,td{border:1px solid var(--l);padding:3px 7px;text-align:left;vertical-align:top}th{background:#f0f4f8;font-weight:600}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;font-size:13px}.kv dt{color:var(--m)}.kv dd{margin:0}
.badge{display:inline-block;padding:0 6px;border-radius:9px;font-size:12px;border:1px solid currentColor}
.complete,.verified,.valid{color:var(--ok)}.aborted,.mismatch,.error{color:var(--bad)}.incomplete,.warning,.not_advertised{color:var(--warn)}
.msg{border:1px solid var(--l);border-left:4px solid #829ab1;border-radius:4px;padding:8px 10px;margin:8px 0}.msg.fromTarget{border-left-color:#d64545}
.content{background:#f8fafc;border:1px dashed #bcccdc;padding:6px 8px;margin:6px 0;white-space:pre-wrap;word-break:break-word;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;max-height:320px;overflow:auto}
.thumb{max-width:240px;max-height:240px;border:1px solid var(--l);display:block;margin:6px 0}
.ladderwrap{overflow-x:auto;border:1px solid var(--l);background:#fcfcfd}
svg text{font-family:system-ui,sans-serif;font-size:11px;fill:#1f2933}svg .lane{font-weight:600;font-size:12px}svg .lh{fill:#52606d;font-weight:600}
svg .fr,svg .tm{font-family:ui-monospace,Menlo,monospace;font-size:10.5px;fill:#52606d}
svg .lifeline{stroke:#9fb3c8;stroke-dasharray:4 3}svg .ln{stroke-width:1.6}svg .ln.sip{stroke:#2b6cb0}svg .ln.msrp{stroke:#2f855a}svg .ln.report{stroke:#b7791f}
svg .ah-sip{fill:#2b6cb0}svg .ah-msrp{fill:#2f855a}svg .ah-report{fill:#b7791f}
svg .cm-bg{fill:#edf2f7;stroke:#9fb3c8}svg .cm-received{fill:#38a169}svg .cm-duplicate{fill:#9ae6b4}svg .cm-missing{fill:#e53e3e}svg .cm-t{font-size:10px;fill:#52606d}
nav ul{margin:4px 0;padding-left:18px}.muted{color:var(--m)}
@media print{body{background:#fff}section{break-inside:avoid-page}}
`;

function badge(cls: string, text: string): string {
  return `<span class="badge ${esc(cls)}">${esc(text)}</span>`;
}

function frames(a: number | null, b: number | null): string {
  if (a === null) return '—';
  return b !== null && b !== a ? `#${a}–#${b}` : `#${a}`;
}

function anomalyTable(list: readonly AnomalyView[], countLabel: string): string {
  if (list.length === 0) return `<p class="muted">none</p>`;
  const rows = list
    .map((a) => `<tr><td><code>${esc(a.code)}</code></td><td>${badge(a.severity, a.severity)}</td><td>${esc(a.count)}</td><td>${esc(a.description)}</td><td class="mono">${esc(a.frames.map((f) => `#${f}`).join(' ') || '—')}</td></tr>`)
    .join('');
  return `<table class="anomalies"><tr><th>code</th><th>severity</th><th>${esc(countLabel)}</th><th>meaning</th><th>frames</th></tr>${rows}</table>`;
}

function summary(m: ReportModel): string {
  const caps = m.captures.map((c) => `<tr><td class="mono">${esc(c.path)}</td><td>${esc(c.bytes ?? '—')}</td><td class="mono">${esc(c.sha256 ?? 'not hashable (stdin / live)')}</td></tr>`).join('');
  const tasks = m.tasks
    .map(
      (t) =>
        `<tr><td class="mono">${esc(t.liid)}</td><td class="mono">${esc(t.xid)}</td><td>${esc(t.deliveryType)}</td><td class="mono">${esc(t.targets.join(', '))}</td><td>${esc(t.sessions)}</td><td>${esc(t.messages)}</td><td>${esc(t.files)}</td></tr>`,
    )
    .join('');
  const t = m.totals;
  const toc = m.sessions
    .map(
      (s) =>
        `<li><a href="#${esc(s.anchor)}">${esc(sessionTitle(s))}</a> <span class="muted">${esc(s.liid ?? 'non-target')} · ${esc(s.messages.length)} messages · frames ${esc(s.frameSpan === null ? '—' : `#${s.frameSpan[0]}–#${s.frameSpan[1]}`)}</span></li>`,
    )
    .join('');
  return `<section id="summary" class="summary"><h2>Summary</h2>
<h3>Captures</h3><table class="captures"><tr><th>file</th><th>bytes</th><th>sha256</th></tr>${caps}</table>
<h3>Tasks</h3><table class="tasks"><tr><th>LIID</th><th>XID</th><th>delivery</th><th>targets</th><th>sessions</th><th>messages</th><th>files</th></tr>${tasks}</table>
<h3>Totals</h3><dl class="kv totals"><dt>sessions (SIP)</dt><dd>${esc(t.sessions)}</dd><dt>sessions without SIP</dt><dd>${esc(t.uncorrelated)}</dd><dt>messages</dt><dd>${esc(t.messages)} (${esc(t.messagesComplete)} complete)</dd><dt>body bytes</dt><dd>${esc(t.bytes)}</dd><dt>files</dt><dd>${esc(t.files)} (${esc(t.filesVerified)} hash verified)</dd><dt>anomalies</dt><dd>${esc(t.anomalies)}</dd></dl>
<h3>Anomalies</h3>${anomalyTable(m.anomalies, 'count')}
<h3>Sessions</h3><nav><ul>${toc}</ul></nav></section>`;
}

function sessionTitle(s: SessionView): string {
  return s.callId !== null ? `Call-ID ${s.callId}` : `MSRP session ${s.msrpSessionIds.join(' ↔ ')}`;
}

function contentBlock(m: MessageView): string {
  const c = m.content;
  switch (c.kind) {
    case 'text': {
      const more = c.shownBytes < c.size ? `<p class="muted">first ${esc(c.shownBytes)} of ${esc(c.size)} bytes shown; sha256 <code>${esc(c.sha256)}</code></p>` : '';
      return `<div class="content text">${esc(c.text)}</div>${more}`;
    }
    case 'image':
      return `<img class="thumb" alt="${esc(`image ${c.mediaType}, ${c.size} bytes`)}" src="${esc(c.dataUri)}"><p class="muted">${esc(c.mediaType)}, ${esc(c.size)} bytes, sha256 <code>${esc(c.sha256)}</code></p>`;
    case 'binary':
      return `<p class="content binary">binary ${esc(c.mediaType ?? 'content')}: ${esc(c.size)} bytes, sha256 <code>${esc(c.sha256)}</code></p>`;
    case 'none':
      return `<p class="muted content-none">content not shown: ${esc(c.reason)}${c.sha256 !== null ? `; sha256 <code>${esc(c.sha256)}</code>` : ''}</p>`;
  }
}

function chunkBlock(m: MessageView): string {
  const map = m.chunkMap;
  if (map === null) return '';
  const rows = map.chunks
    .map(
      (c) =>
        `<tr><td>${esc(c.start)}–${esc(c.end)}</td><td>${esc(c.end - c.start + 1)}</td><td class="mono">${esc(frames(c.frame, c.lastFrame))}</td><td class="mono">${esc(timeOfDay(c.time))}</td><td><code>${esc(c.flag ?? 'cut')}</code></td><td>${c.duplicate ? 'copy' : ''}</td></tr>`,
    )
    .join('');
  const gaps = map.segments
    .filter((s) => s.kind === 'missing')
    .map((s) => `${s.start}–${s.end ?? '*'}`)
    .join(', ');
  return `<div class="chunks"><h4>Chunk map</h4>${renderChunkMapSvg(map)}
<table class="chunktable"><tr><th>bytes</th><th>length</th><th>frames</th><th>time</th><th>end flag</th><th></th></tr>${rows}</table>${map.chunksOmitted > 0 ? `<p class="muted">${esc(map.chunksOmitted)} more chunks not listed</p>` : ''}
<p class="${gaps === '' ? 'muted' : 'gaps error'}">${gaps === '' ? 'no gaps' : `missing bytes: ${esc(gaps)}`}</p></div>`;
}

function messageBlock(m: MessageView): string {
  const reports = m.reports.length === 0 ? '—' : m.reports.map((r) => `${esc(r.status)} ${esc(r.byteRange)} (#${esc(r.frame)})`).join('; ');
  const imdn = m.imdn === null ? '' : `<dt>IMDN</dt><dd>${esc(m.imdn.notification)} ${esc(m.imdn.status ?? '')} for <code>${esc(m.imdn.messageId)}</code></dd>`;
  return `<div class="msg ${esc(m.direction)}" id="m-${esc(m.index)}" data-frames="${esc(m.firstFrame)}-${esc(m.lastFrame)}">
<h4>#${esc(m.index)} ${esc(m.kindLabel)} ${badge(m.status, m.status)} <span class="muted">${esc(m.direction === 'fromTarget' ? 'from target' : 'to target')}</span></h4>
<dl class="kv"><dt>from → to</dt><dd>${esc(m.sender)} → ${esc(m.receiver)}</dd><dt>time</dt><dd>${esc(m.firstTime)}${m.lastTime !== m.firstTime ? ` … ${esc(m.lastTime)}` : ''}</dd><dt>frames</dt><dd class="mono">${esc(frames(m.firstFrame, m.lastFrame))}</dd>
<dt>Message-ID</dt><dd class="mono">${esc(m.messageId ?? '—')}</dd><dt>content type</dt><dd>${esc(m.contentType ?? '—')}${m.innerContentType !== null ? ` / ${esc(m.innerContentType)}` : ''}</dd>
<dt>size</dt><dd>${esc(m.size)} bytes${m.carriedBy === 'msrp' ? `, ${esc(m.chunks)} chunks` : ' (SIP MESSAGE)'}</dd><dt>sha256</dt><dd class="mono">${esc(m.sha256 ?? '— (not complete)')}</dd>${m.innerSha256 !== null ? `<dt>inner sha256</dt><dd class="mono">${esc(m.innerSha256)}</dd>` : ''}
<dt>REPORTs</dt><dd>${reports}</dd>${imdn}</dl>
${contentBlock(m)}${chunkBlock(m)}</div>`;
}

function fileTable(files: readonly FileView[]): string {
  if (files.length === 0) return '';
  const rows = files
    .map(
      (f) =>
        `<tr><td>${esc(f.name ?? '—')}</td><td>${esc(f.size)}${f.advertisedSize !== null && f.advertisedSize !== f.size ? ` (SDP: ${esc(f.advertisedSize)})` : ''}</td><td>${esc(f.advertisedType ?? '—')}</td><td class="mono">${esc(f.advertisedSha1 ?? '—')}</td><td class="mono">${esc(f.sha1 ?? '—')}</td><td>${badge(f.verdict, f.verdict.replace('_', ' '))}</td><td class="mono">${esc(f.sha256 ?? '—')}</td><td class="mono">${esc(frames(f.firstFrame, f.lastFrame))}</td><td class="mono">${esc(f.extractName ?? '—')}</td></tr>`,
    )
    .join('');
  return `<h3>Files</h3><table class="files"><tr><th>name</th><th>size</th><th>type</th><th>sha-1 (SDP)</th><th>sha-1 (computed)</th><th>hash</th><th>sha256</th><th>frames</th><th>--extract name</th></tr>${rows}</table>`;
}

function sessionBlock(s: SessionView): string {
  const parties = s.parties.map((p) => `<dt>side ${p.side}${p.side === 0 ? ' (caller)' : ' (callee)'}${p.isTarget ? ' · target' : ''}</dt><dd>${esc(p.identities.join(', ') || '—')}</dd>`).join('');
  const ladder = s.arrows.length === 0 ? '<p class="muted">no SIP or MSRP frames kept for this session</p>' : `<div class="ladderwrap">${renderLadderSvg(s.anchor, s.lanes, s.arrows)}</div>`;
  const omitted = s.arrowsOmitted > 0 || s.arrows.length > 1500 ? `<p class="muted">ladder capped: ${esc(s.arrowsOmitted + Math.max(0, s.arrows.length - 1500))} more frames not drawn</p>` : '';
  return `<section class="session" id="${esc(s.anchor)}" data-liid="${esc(s.liid ?? '')}" data-kind="${esc(s.kind)}">
<h2>${esc(sessionTitle(s))}</h2>
<dl class="kv"><dt>LIID / XID</dt><dd class="mono">${esc(s.liid ?? 'non-target (lab --all)')} / ${esc(s.xid ?? '—')}</dd><dt>matched identity</dt><dd>${esc(s.matchedIdentity ?? '—')} ${s.targetRole !== null ? `<span class="muted">(${esc(s.targetRole)})</span>` : ''}</dd>
<dt>start … end</dt><dd>${esc(s.startTime)} … ${esc(s.endTime)}</dd><dt>frames</dt><dd class="mono">${esc(s.frameSpan === null ? '—' : `#${s.frameSpan[0]}–#${s.frameSpan[1]}`)}</dd>${parties}
<dt>MSRP session-ids</dt><dd class="mono">${esc(s.msrpSessionIds.join(', ') || '—')}</dd><dt>MSRP connections</dt><dd class="mono">${esc(s.connections.join(', ') || '—')}</dd>${s.transports !== null ? `<dt>transports</dt><dd class="mono">${esc(s.transports.join(', '))}</dd>` : ''}${s.tls !== null ? `<dt>TLS</dt><dd class="mono">${esc(s.tls.join(', '))}</dd>` : ''}${s.ccUnavailable !== null ? `<dt>content (CC)</dt><dd class="warning">unavailable: ${esc(s.ccUnavailable)}</dd>` : ''}</dl>
<h3>Ladder</h3>${ladder}${omitted}
<h3>Messages (${esc(s.messages.length)})</h3>${s.messages.map(messageBlock).join('\n') || '<p class="muted">none</p>'}${s.messagesOmitted > 0 ? `<p class="muted">${esc(s.messagesOmitted)} more messages not listed (cap)</p>` : ''}
${fileTable(s.files)}
<h3>Anomalies in this session</h3>${anomalyTable(s.anomalies, 'seen at')}
</section>`;
}

/** Renders the whole document. */
export function renderHtmlReport(m: ReportModel): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>msrptap audit report</title><style>${CSS}</style></head>
<body><header><h1>msrptap audit report</h1><p>msrptap ${esc(m.toolVersion)} · generated ${esc(m.generatedAt)} · ${esc(m.sessions.length)} session entries · times are capture times (UTC); #N = capture frame number (Wireshark <code>frame.number == N</code>)</p></header>
<main>
${summary(m)}
${m.sessions.map(sessionBlock).join('\n')}
</main></body></html>
`;
}
