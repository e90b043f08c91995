/**
 * The built command runs from bundles (scripts/bundle.mjs, run by `npm run build` and by
 * test/global-setup.ts): each thread of `run` runs one CommonJS bundle with V8's code cache
 * (src/pipeline/cached-bundle.ts), not the ~370 modules of tsc's dist/ and those of the
 * dependencies (the start-up cost of every isolate, docs/performance.md). Checked on the built files:
 * - each entry module only runs its bundle, and the bundle requires nothing but Node's built-ins;
 * - no keepNames wrappers, and errors still told apart by name;
 * - the code caches are made by the build, used by the threads, and never used with another
 *   build's bundle; a cache V8 rejects (other flags) costs a compile, not a failure;
 * - `run` starts both worker threads from the entry modules and they load (a worker that cannot
 *   load falls back to the main thread, so only this sees a wrong module URL), and `decode`
 *   reads every record file it wrote (the protobuf reader finds schemas/ from the bundle).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IN_THREAD_MAX_BYTES } from '../../src/pipeline/capture-digests.js';
import { ROOT } from '../helpers/run-cli.js';

const DIST = join(ROOT, 'dist');
const ENTRIES = ['cli/main.js', 'pipeline/file-output-thread-entry.js', 'pipeline/capture-digests.js'];

/** Static imports (`import … from "x"`, `import "x"`, `export … from "x"`) of an ES module's text. */
function staticImports(text: string): string[] {
  return [...text.matchAll(/^(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*["']([^"']+)["']/gm)].map((m) => m[1]!);
}

/** The bundle (relative to dist/) an entry module runs. */
function bundleOf(entry: string): string {
  const m = /runCachedBundle\(new URL\('([^']+)', import\.meta\.url\)\)/.exec(readFileSync(join(DIST, entry), 'utf8'));
  expect(m, entry).not.toBeNull();
  return relative(DIST, resolve(dirname(join(DIST, entry)), m![1]!));
}

/** Runs `code` (an ES module) in a fresh Node process; its stdout. */
function nodeModule(code: string, flags: string[] = []): string {
  const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}

const loader = pathToFileURL(join(DIST, 'pipeline/cached-bundle.js')).href;
const heapPolicy = pathToFileURL(join(DIST, 'cli/heap-policy.js')).href;

describe('bundled build (dist)', () => {
  it('each thread entry runs its bundle, which requires only Node built-ins', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    for (const entry of ENTRIES) {
      expect(
        staticImports(readFileSync(join(DIST, entry), 'utf8')).filter((s) => s !== '../pipeline/cached-bundle.js' && s !== './heap-policy.js'),
        entry,
      ).toEqual([]);
      const bundle = readFileSync(join(DIST, bundleOf(entry)), 'utf8');
      const required = [...bundle.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!);
      expect(required.length, entry).toBeGreaterThan(0);
      expect(
        required.filter((s) => !builtins.has(s)),
        entry,
      ).toEqual([]);
      // Every import() was resolved into the bundle: on Node 20 none survives the code cache
      // (src/pipeline/cached-bundle.ts); the optional `cap` addon is required by name instead.
      // (The worker stub's text, src/pipeline/module-worker.ts, is code of another script.)
      expect(bundle.replace(/\bSTUB\s*=\s*`[^`]*`/, '').match(/\bimport\(/g), entry).toBeNull();
      if (entry === 'cli/main.js') expect(bundle).toContain('require(specifier)');
    }
  });

  it('no keepNames wrappers (a `__name` call per closure made), and errors are still told apart by name', () => {
    // scripts/bundle.mjs: esbuild's keepNames re-named every function as it was created, per
    // packet for closures. msrptap's error classes set `name` themselves (src/core/errors.ts):
    // the CLI still maps them to their exit codes.
    expect(ENTRIES.map(bundleOf).filter((f) => readFileSync(join(DIST, f), 'utf8').includes('__name('))).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'msrptap-bundle-'));
    const cli = (args: string[]) => spawnSync(process.execPath, [join(DIST, 'cli/main.js'), '--log-format', 'json', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    const noTasks = cli(['run', '-r', 'samples/pcap/chat-udp.pcap', '--tasks', join(dir, 'missing.json'), '--out', join(dir, 'a')]);
    expect([noTasks.status, noTasks.stderr]).toEqual([2, expect.stringContaining('"event":"exit.config_error"')]);
    const noCapture = cli(['run', '-r', join(dir, 'missing.pcap'), '--tasks', 'samples/tasks/chat-udp.tasks.json', '--out', join(dir, 'b')]);
    expect([noCapture.status, noCapture.stderr]).toEqual([1, expect.stringContaining('"event":"exit.io_error"')]);
  });

  it('the build trains a code cache that the threads use; never with another build, and a rejected one only compiles', () => {
    const use = (bundle: string, flags: string[] = []) =>
      nodeModule(
        `import ${JSON.stringify(heapPolicy)}; const { runCachedBundle } = await import(${JSON.stringify(loader)}); const r = runCachedBundle(new URL(${JSON.stringify(pathToFileURL(bundle).href)})); console.log(r.cache + ' ' + typeof r.exports.fileOutputThreadEntry);`,
        flags,
      );
    // The CLI's: `run` without options fails (exit 2) in its action, after the bundle has run.
    const main = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import ${JSON.stringify(heapPolicy)}; const { runCachedBundle } = await import(${JSON.stringify(loader)}); process.argv = [process.argv[0], 'msrptap', 'run']; console.log(runCachedBundle(new URL(${JSON.stringify(pathToFileURL(join(DIST, bundleOf('cli/main.js'))).href)})).cache);`,
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect([main.status, main.stdout.trim()]).toEqual([2, 'used']);
    const output = join(DIST, bundleOf('pipeline/file-output-thread-entry.js'));
    expect(use(output)).toBe('used function');
    // Other V8 flags: V8 rejects the cache, the bundle still runs.
    expect(use(output, ['--max-semi-space-size=8'])).toBe('rejected function');
    // The same bundle with another build id (a later build): the cache is not even offered.
    const dir = mkdtempSync(join(tmpdir(), 'msrptap-cache-'));
    mkdirSync(join(dir, 'bundle'));
    const copy = join(dir, 'bundle', 'b.cjs');
    writeFileSync(
      copy,
      readFileSync(output, 'utf8').replace(/msrptap-build ([0-9a-f])/, (_m, c: string) => `msrptap-build ${c === '0' ? '1' : '0'}`),
    );
    copyFileSync(`${output}.v8cache`, `${copy}.v8cache`);
    expect(use(copy)).toBe('absent function');
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
    // Captures of up to one read block are hashed without a worker (src/pipeline/capture-digests.ts):
    // the sample, then non-IP frames (EtherType 0x88b5, local experimental) past that size.
    const capture = join(dir, 'chat-udp-padded.pcap');
    const sample = readFileSync(join(ROOT, 'samples/pcap/chat-udp.pcap'));
    const frame = Buffer.alloc(14 + 60_000);
    frame.writeUInt16BE(0x88b5, 12);
    const header = Buffer.alloc(16);
    header.writeUInt32LE(sample.readUInt32LE(24) + 60, 0);
    header.writeUInt32LE(frame.length, 8);
    header.writeUInt32LE(frame.length, 12);
    const padding = Math.ceil((IN_THREAD_MAX_BYTES + 1 - sample.length) / (header.length + frame.length));
    writeFileSync(capture, Buffer.concat([sample, ...Array.from({ length: padding }, () => [header, frame]).flat()]));
    const r = spawnSync(process.execPath, ['-r', preload, join(DIST, 'cli/main.js'), '--log-format', 'json', 'run', '-r', capture, '--tasks', 'samples/tasks/chat-udp.tasks.json', '--out', out], {
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
