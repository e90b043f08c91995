import { describe, expect, it } from 'vitest';
import { endpointHost } from '../../../src/audit/ladder-view.js';
import { buildReportModel } from '../../../src/audit/report-model.js';
import { renderHtmlReport } from '../../../src/audit/render-html-report.js';
import { EVIL, hostileInput } from './hostile-report-input.js';

describe('renderHtmlReport with hostile wire strings', () => {
  const model = buildReportModel(hostileInput());
  const html = renderHtmlReport(model);

  it('never emits the hostile markup raw: no script, no handler, no early </svg> or </style>', () => {
    expect(html).not.toContain(EVIL);
    expect(html.toLowerCase()).not.toContain('<script');
    expect(html).not.toMatch(/<img[^>]*onerror/i);
    expect(html.match(/<svg\b/g)?.length).toBe(html.match(/<\/svg>/g)?.length);
    expect(html.match(/<\/style>/g)?.length).toBe(1);
    expect(html).toContain('&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;&lt;/svg&gt;');
  });

  it('is self-contained: a CSP forbidding script and network, no external URL', () => {
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none'; img-src data:`);
    expect(html).not.toMatch(/(?:src|href)="(?!#|data:)/);
  });

  it('has the summary and one section per session, with a ladder SVG and a chunk map per MSRP message', () => {
    expect(html.match(/<section id="summary"/g)?.length).toBe(1);
    expect(html.match(/<section class="session"/g)?.length).toBe(1);
    expect(html.match(/<svg[^>]*class="ladder"/g)?.length).toBe(1);
    expect(html.match(/<svg[^>]*class="chunkmap"/g)?.length).toBe(2);
    expect(html.match(/<g class="arrow /g)?.length).toBe(4);
  });

  it('shows the CPIM inner text (escaped), the image as a data: thumbnail, frame numbers', () => {
    expect(html).toContain('hello &lt;script&gt;');
    expect(html).toContain('src="data:image/png;base64,');
    expect(html).toContain('#10–#20');
    expect(html).toContain('data-frame="25"');
  });

  it('attributes anomalies to the session by frame', () => {
    const s = model.sessions[0]!;
    expect(s.anomalies.map((a) => [a.code, a.frames])).toEqual([
      ['msrp.message_incomplete', [20]],
      ['tcp.gap', [30]],
    ]);
    expect(model.anomalies.find((a) => a.code === 'tcp.gap')).toMatchObject({ count: 2, frames: [30, 999] });
  });

  it('files: mismatch verdict, safe extract name', () => {
    const f = model.sessions[0]!.files[0]!;
    expect(f.verdict).toBe('mismatch');
    expect(f.extractName).toMatch(/^[0-9a-f]{64}-[A-Za-z0-9._-]+$/);
    expect(f.firstFrame).toBe(30);
  });

  it('ladder lanes are hosts; IPv6 endpoints parse', () => {
    expect(model.sessions[0]!.lanes.map((l) => l.address)).toEqual(['10.1.0.1', '10.1.0.2', '10.0.0.1', '10.0.0.2', '2001:db8::1']);
    expect(endpointHost('[::1]:80')).toBe('::1');
  });

  it('summary totals count what the sessions hold', () => {
    expect(model.totals).toMatchObject({ sessions: 1, messages: 2, messagesComplete: 1, files: 1, filesVerified: 0, anomalies: 3 });
    expect(model.tasks[0]).toMatchObject({ sessions: 1, messages: 2, files: 1 });
  });
});
