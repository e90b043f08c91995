/**
 * The built command runs from bundles (scripts/bundle.mjs, run by `npm run build` and by
 * test/global-setup.ts): each thread of `run` loads one entry file and the shared chunks, not the
 * ~370 modules of tsc's dist/ and those of the dependencies (the start-up cost of every isolate,
 * docs/performance.md). Checked on the built files:
 * - the static import closure of each entry stays in the bundle (dist/chunks/), with no package
 *   imports left but Node's built-ins;
 * - `run` starts both worker threads from bundle entries and they load (a worker that cannot load
 *   falls back to the main thread silently, so only this sees a wrong module URL), and `decode`
 *   reads every record file it wrote (the protobuf reader finds schemas/ from the bundle).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run-cli.js';

const DIST = join(ROOT, 'dist');
const ENTRIES = ['cli/main.js', 'pipeline/file-output-thread-entry.js', 'pipeline/capture-digests.js'];

/** Static imports (`import … from "x"`, `import "x"`, `export … from "x"`) of an ES module's text. */
function staticImports(text: string): string[] {
  return [...text.matchAll(/^(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*["']([^"']+)["']/gm)].map((m) => m[1]!);
}

/** Files (relative to dist/) reached by static imports from `entry`, and the bare specifiers met. */
function closure(entry: string): { files: string[]; bare: string[] } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const todo = [join(DIST, entry)];
  while (todo.length > 0) {
    const f = todo.pop()!;
    const rel = relative(DIST, f);
    if (files.has(rel)) continue;
    files.add(rel);
    for (const s of staticImports(readFileSync(f, 'utf8'))) {
      if (s.startsWith('./') || s.startsWith('../')) todo.push(resolve(dirname(f), s));
      else bare.add(s);
    }
  }
  return { files: [...files], bare: [...bare] };
}

describe('bundled build (dist)', () => {
  it('each thread entry imports only the bundle and Node built-ins', () => {
    for (const entry of ENTRIES) {
      const { files, bare } = closure(entry);
      expect(
        files.filter((f) => f !== entry && !f.startsWith('chunks/')),
        entry,
      ).toEqual([]);
      expect(
        bare.filter((s) => !s.startsWith('node:')),
        entry,
      ).toEqual([]);
    }
  });

  it('run starts its worker threads from the bundle entries, they load, and decode reads what run wrote', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msrptap-bundle-'));
    // Sees each Worker the CLI starts (src/pipeline/module-worker.ts: an eval'd stub given the
    // module URL and entry in workerData) and whether it reported that its module failed to load.
    const preload = join(dir, 'watch-workers.cjs');
    writeFileSync(
      preload,
      `const wt = require('node:worker_threads');
const seen = [];
const Orig = wt.Worker;
wt.Worker = class extends Orig {
  constructor(code, options) {
    super(code, options);
    const w = { url: options && options.workerData && options.workerData.moduleUrl, entry: options && options.workerData && options.workerData.entry, loadFailed: false };
    seen.push(w);
    this.on('message', (m) => { if (m && m.type === 'load-failed') w.loadFailed = true; });
  }
};
require('node:module').syncBuiltinESMExports();
process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'workers.json'))}, JSON.stringify(seen)));
`,
    );
    const out = join(dir, 'out');
    const r = spawnSync(process.execPath, ['-r', preload, join(DIST, 'cli/main.js'), '--log-format', 'json', 'run', '-r', 'samples/pcap/chat-udp.pcap', '--tasks', 'samples/tasks/chat-udp.tasks.json', '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const workers = JSON.parse(readFileSync(join(dir, 'workers.json'), 'utf8')) as { url: string; entry: string; loadFailed: boolean }[];
    expect(workers.map((w) => w.entry).sort()).toEqual(['captureDigestsThreadEntry', 'fileOutputThreadEntry']);
    for (const w of workers) {
      expect(w.loadFailed, w.entry).toBe(false);
      expect(ENTRIES, w.entry).toContain(relative(DIST, fileURLToPath(w.url)));
      const { files } = closure(relative(DIST, fileURLToPath(w.url)));
      expect(files.every((f) => f.startsWith('chunks/') || ENTRIES.includes(f))).toBe(true);
    }
    const liid = readdirSync(out, { withFileTypes: true }).find((e) => e.isDirectory())!.name;
    const records = readdirSync(join(out, liid)).filter((f) => f !== 'manifest.json');
    expect(records.sort()).toEqual(['hi2.ber', 'hi3.ber', 'records.pb', 'x2x3.pdu']);
    for (const f of records) {
      const d = spawnSync(process.execPath, [join(DIST, 'cli/main.js'), 'decode', join(out, liid, f)], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(d.status, `${f}: ${d.stderr}`).toBe(0);
      expect(d.stdout.trim().split('\n').length, f).toBeGreaterThan(3);
    }
  });
});
