/**
 * Golden tests of the audit report on every scenario sample:
 * - `audit/<name>.details.json`: the audit with its report details (Correlator.auditWithDetails:
 *   ladder, chunk frames, REPORTs, parties), as the HTML is built from it;
 * - `audit/<name>.html-structure.json`: the HTML's skeleton (sections, headings, SVGs, arrows,
 *   messages by status, chunk maps, file and anomaly rows) and its self-containment facts.
 * Files under test/golden/audit/ are generated: do not edit. Refresh after a reviewed change with
 *   UPDATE_GOLDEN=1 npx vitest run test/golden
 * and review the diff.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContentStore } from '../../src/audit/content-store.js';
import { buildReportModel } from '../../src/audit/report-model.js';
import { renderHtmlReport } from '../../src/audit/render-html-report.js';
import { parseTasksFile } from '../../src/correlate/tasks-file.js';
import { captureDigests } from '../../src/pipeline/capture-digests.js';
import { InterceptPipeline } from '../../src/pipeline/intercept-pipeline.js';
import { readCaptures } from '../../src/pipeline/read-captures.js';

const ROOT = resolve(import.meta.dirname, '../..');
const GOLDEN = join(import.meta.dirname, 'audit');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const names = readdirSync(join(ROOT, 'samples/pcap'))
  .filter((f) => f.endsWith('.truth.json'))
  .map((f) => f.slice(0, -'.truth.json'.length));

/** Renders one sample's report in-process (the same calls as `msrptap audit --html`). */
function renderSample(name: string): { details: unknown; html: string } {
  const tasks = parseTasksFile(JSON.parse(readFileSync(join(ROOT, 'samples/tasks', `${name}.tasks.json`), 'utf8')), `${name}.tasks.json`);
  const store = new ContentStore();
  const p = new InterceptPipeline({
    tasks,
    onRecord: (r) => {
      if (r.kind === 'iri' && r.event.kind === 'rCSMessage') store.add(r.task.liid, r.network.frameNo ?? -1, r.event.msrpMessageId, r.event.content, r.event.contentTruncated === true);
    },
  });
  const capture = `samples/pcap/${name}.pcap`;
  readCaptures([join(ROOT, capture)], (f) => p.frame(f), p.anomalies);
  p.finish();
  const { report, details } = p.correlator.auditWithDetails();
  const model = buildReportModel({
    toolVersion: 'golden',
    generatedAt: '2026-01-01T00:00:00.000Z',
    captures: captureDigests([join(ROOT, capture)]).map((c) => ({ ...c, path: capture })),
    tasks: tasks.tasks.map((t) => ({ xid: t.xid, liid: t.liid, deliveryType: t.deliveryType, targets: t.targetIdentifiers.map((i) => i.value) })),
    audit: report,
    details,
    anomalyExamples: (code) => p.anomalies.examplesOf(code as Parameters<typeof p.anomalies.examplesOf>[0]),
    contents: store,
  });
  return { details: { report, details }, html: renderHtmlReport(model) };
}

const count = (s: string, re: RegExp): number => s.match(re)?.length ?? 0;
const text = (s: string): string =>
  s
    .replace(/<[^>]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/** The HTML skeleton the golden files pin. */
function htmlStructure(html: string): unknown {
  const sections = html.split(/(?=<section )/).slice(1);
  return {
    selfContained: {
      csp: html.includes(`content="default-src 'none'; img-src data:`),
      scripts: count(html.toLowerCase(), /<script/g),
      externalRefs: count(html, /(?:src|href)="(?!#|data:)/g),
      svgBalanced: count(html, /<svg\b/g) === count(html, /<\/svg>/g),
    },
    sections: sections.map((s) => ({
      id: /id="([^"]*)"/.exec(s)?.[1] ?? null,
      liid: /data-liid="([^"]*)"/.exec(s)?.[1] ?? null,
      title: text(/<h2>(.*?)<\/h2>/s.exec(s)?.[1] ?? ''),
      headings: [...s.matchAll(/<h3>(.*?)<\/h3>/gs)].map((m) => text(m[1]!)),
      ladders: count(s, /<svg[^>]*class="ladder"/g),
      arrows: { sip: count(s, /<g class="arrow sip"/g), msrp: count(s, /<g class="arrow msrp"/g), report: count(s, /<g class="arrow report"/g) },
      messages: [...s.matchAll(/<div class="msg (\w+)"[^>]*data-frames="([^"]*)">\s*<h4>(.*?)<\/h4>/gs)].map((m) => `${m[1]} ${m[2]} ${text(m[3]!)}`),
      content: { text: count(s, /class="content text"/g), image: count(s, /class="thumb"/g), binary: count(s, /class="content binary"/g), none: count(s, /class="muted content-none"/g) },
      chunkMaps: count(s, /<svg[^>]*class="chunkmap"/g),
      chunkRows: count(s, /<table class="chunktable">/g) > 0 ? count(s.split('<table class="chunktable">').slice(1).join(''), /<tr><td>\d/g) : 0,
      fileRows: [...s.matchAll(/<table class="files">(.*?)<\/table>/gs)].flatMap((m) => [...m[1]!.matchAll(/<span class="badge (\w+)"/g)].map((b) => b[1])),
      anomalyRows: [...s.matchAll(/<table class="anomalies">(.*?)<\/table>/gs)].flatMap((m) => [...m[1]!.matchAll(/<tr><td><code>([^<]*)<\/code>/g)].map((b) => b[1])),
    })),
  };
}

function golden(file: string, value: unknown): void {
  const path = join(GOLDEN, file);
  const json = `${JSON.stringify(value, null, 2)}\n`;
  if (UPDATE || !existsSync(path)) {
    if (!UPDATE) throw new Error(`missing golden file ${path}: run UPDATE_GOLDEN=1 npx vitest run test/golden`);
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, json);
    return;
  }
  expect(JSON.parse(json)).toEqual(JSON.parse(readFileSync(path, 'utf8')));
}

describe('audit report golden files', () => {
  it('has scenario samples', () => expect(names.length).toBeGreaterThanOrEqual(10));
  for (const name of names) {
    it(name, () => {
      const { details, html } = renderSample(name);
      golden(`${name}.details.json`, details);
      const structure = htmlStructure(html) as { selfContained: { csp: boolean; scripts: number; externalRefs: number; svgBalanced: boolean }; sections: { headings: string[]; ladders: number }[] };
      // Invariants on top of the golden comparison (they hold for every sample).
      expect(structure.selfContained).toEqual({ csp: true, scripts: 0, externalRefs: 0, svgBalanced: true });
      for (const s of structure.sections.slice(1)) {
        expect(s.headings.slice(0, 2)).toEqual(['Ladder', expect.stringMatching(/^Messages \(\d+\)$/)]);
        expect(s.ladders).toBe(1);
      }
      golden(`${name}.html-structure.json`, structure);
    });
  }
});
