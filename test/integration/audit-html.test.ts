/**
 * `msrptap audit --html / --extract` end to end, and the report in a real browser: headless
 * Chromium (Debian package `chromium`) loads it from a file with networking disabled, takes a
 * screenshot, and dumps the DOM after load so the test sees what a reader sees: every session
 * section, its ladder SVG, and hostile message text shown as text (no script ran).
 * Skips with a message when chromium is not installed (CI installs it: .ci/run).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../src/audit/report-model.js';
import { renderHtmlReport } from '../../src/audit/render-html-report.js';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { hostileInput } from '../unit/audit/hostile-report-input.js';

const CHROMIUM = ['chromium', 'chromium-browser', 'google-chrome'].find((c) => {
  try {
    execFileSync(c, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});
if (CHROMIUM === undefined) console.warn('audit-html.test: chromium not installed (apt-get install chromium): browser checks skipped');

const tmp = mkdtempSync(join(tmpdir(), 'msrptap-html-'));

function chromium(args: string[], url: string): string {
  const r = spawnSync(
    CHROMIUM!,
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${mkdtempSync(join(tmp, 'profile-'))}`, ...args, url],
    { encoding: 'utf8', timeout: 90_000, maxBuffer: 64 << 20 },
  );
  if (r.error !== undefined) throw r.error;
  return r.stdout;
}

/** Width and height from a PNG's IHDR. */
function pngSize(path: string): { w: number; h: number } {
  const b = readFileSync(path);
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { w: b.readUInt32BE(16), h: b.readUInt32BE(20) };
}

function audit(name: string): { html: string; extract: string } {
  const html = join(tmp, `${name}.html`);
  const extract = join(tmp, `x-${name}`);
  // --overwrite: a sample is audited again (into the same files) by the browser tests.
  const r = runCli(['audit', '-r', join(ROOT, 'samples/pcap', `${name}.pcap`), '--tasks', join(ROOT, 'samples/tasks', `${name}.tasks.json`), '--json', join(tmp, `${name}.json`), '--html', html, '--extract', extract, '--overwrite']);
  expect(r.status, r.stderr).toBe(0);
  expect(statSync(html).mode & 0o777).toBe(0o600);
  return { html, extract };
}

describe('msrptap audit --html / --extract', () => {
  it('file-transfer: --extract writes each complete file as <sha256>-<name>, its hash equal to its name', () => {
    const { extract } = audit('file-transfer');
    const files = readdirSync(extract).sort();
    expect(files).toHaveLength(2);
    for (const f of files) {
      const bytes = readFileSync(join(extract, f));
      expect(f.slice(0, 64)).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(statSync(join(extract, f)).mode & 0o777).toBe(0o600);
    }
    const audited = JSON.parse(readFileSync(join(tmp, 'file-transfer.json'), 'utf8')) as { sessions: { files: { sha256: string; size: number }[] }[] };
    expect(files.map((f) => f.slice(0, 64)).sort()).toEqual(audited.sessions.flatMap((s) => s.files.map((x) => x.sha256)).sort());
  });

  it('the HTML names every session of the audit, with frame numbers', () => {
    const { html } = audit('chunked');
    const text = readFileSync(html, 'utf8');
    const a = JSON.parse(readFileSync(join(tmp, 'chunked.json'), 'utf8')) as { sessions: { callId: string; messages: { firstFrame: number; lastFrame: number }[] }[] };
    for (const s of a.sessions) {
      expect(text).toContain(s.callId);
      for (const m of s.messages) expect(text).toContain(`data-frames="${m.firstFrame}-${m.lastFrame}"`);
    }
    expect(text).toContain('missing bytes');
  });
});

describe.skipIf(CHROMIUM === undefined)('the report in headless Chromium', () => {
  it.each(['chat-udp', 'file-transfer', 'relay-two-legs'])('%s renders: screenshot, every section and ladder in the DOM', (name) => {
    const { html } = audit(name);
    const png = join(tmp, `${name}.png`);
    chromium([`--screenshot=${png}`, '--window-size=1200,2000'], `file://${html}`);
    expect(pngSize(png)).toEqual({ w: 1200, h: 2000 });
    expect(statSync(png).size).toBeGreaterThan(20_000); // a blank page compresses to a few KB
    const dom = chromium(['--dump-dom'], `file://${html}`);
    const a = JSON.parse(readFileSync(join(tmp, `${name}.json`), 'utf8')) as { sessions: unknown[]; uncorrelated: unknown[] };
    const n = a.sessions.length + a.uncorrelated.length;
    expect(dom.match(/<section class="session"/g)?.length).toBe(n);
    expect(dom.match(/<svg[^>]*class="ladder"/g)?.length).toBe(n);
    expect(dom).toContain('<title>msrptap audit report</title>');
  });

  it('hostile message content stays text: no script runs, nothing breaks out of the SVG', () => {
    const path = join(tmp, 'hostile.html');
    writeFileSync(path, renderHtmlReport(buildReportModel(hostileInput())));
    const dom = chromium(['--dump-dom', '--virtual-time-budget=2000'], `file://${path}`);
    expect(dom).toContain('<title>msrptap audit report</title>');
    expect(dom).not.toContain('PWNED</title>');
    expect(dom.toLowerCase()).not.toContain('<script');
    expect(dom).toMatch(/hello &lt;script&gt;document\.title='PWNED'&lt;\/script&gt;&lt;\/svg&gt;/);
    // The ladder's SVG still holds all its arrows (a stray </svg> would have cut it short).
    expect(dom.match(/<g class="arrow /g)?.length).toBe(4);
    const png = join(tmp, 'hostile.png');
    chromium([`--screenshot=${png}`, '--window-size=1200,1600'], `file://${path}`);
    expect(pngSize(png).w).toBe(1200);
  });
});
