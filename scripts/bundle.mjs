// Bundles what `msrptap` runs, after `tsc` has built dist/ (npm run build, npm install's
// `prepare`, test/global-setup.ts): one CommonJS file per thread entry in dist/bundle/ (the CLI,
// the output worker, the digest worker), each with V8's code cache next to it, instead of the
// ~370 modules of dist/ and the ~200 of its dependencies that each isolate otherwise resolves,
// reads and compiles one by one. Measured (docs/performance.md, "Start-up: one bundle per
// thread" and "Round 22: fixed cost of a run").
//
// Why CommonJS: Node 20 has a code cache for `vm.Script` only, not for ES modules
// (src/pipeline/cached-bundle.ts runs a bundle with its cache). The caches are made here by a
// training run (`run` on a sample: each thread writes the bytecode of what it compiled, see
// cached-bundle.ts `train`) and are bound to their bundle by an id the bundle ends with. Without
// the sample (a package installed without samples/) there is no cache: everything still works,
// compiled at each start as before. The digest worker is not started on that small sample
// (src/pipeline/capture-digests.ts) and has no cache: it compiles its little code each time.
//
// Layout: tsc's entry files are replaced by small ES modules that run their bundle and re-export
// what the entry module exports (dist/cli/main.js: the `bin`; dist/pipeline/capture-digests.js
// and dist/pipeline/file-output-thread-entry.js: the worker modules, src/pipeline/module-worker.ts).
// The bundles are one level below dist/, as src/cli and src/pipeline are: code that names a
// module by `new URL('../pipeline/x.js', import.meta.url)` finds it from either. The dynamic
// imports that keep commands lazy stay lazy (esbuild evaluates such a module on first use). The
// rest of tsc's dist/ stays (bench and tests import single modules from it).
//
// The dependencies are bundled too. Not bundled: `cap` (optional native addon, required at run
// time by name, see capRequireForBundle).
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
// tsc has built it (this script runs after tsc): the one definition of the build-id line.
import { buildIdLine } from '../dist/pipeline/cached-bundle.js';

const root = resolve(import.meta.dirname, '..');
const dist = resolve(root, 'dist');
// The ES-module chunks of earlier builds.
rmSync(resolve(dist, 'chunks'), { recursive: true, force: true });
rmSync(resolve(dist, 'bundle'), { recursive: true, force: true });

/**
 * msrptap-proto.ts finds schemas/ from its own URL, three levels below the package root in src/
 * and in tsc's dist/; in the bundle its code sits one level below dist/, so the bundle gets the
 * path two levels up. Fails the build if the path is no longer written as expected (a changed
 * file must not bundle a wrong path silently).
 */
const protoPathForBundle = {
  name: 'proto-path-for-bundle',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]encode[\\/]protobuf[\\/]msrptap-proto\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const from = "new URL('../../../schemas/proto/msrptap.proto', import.meta.url)";
      if (!text.includes(from)) throw new Error(`${args.path}: expected ${from} (see scripts/bundle.mjs)`);
      return { contents: text.replace(from, "new URL('../../schemas/proto/msrptap.proto', import.meta.url)"), loader: 'ts' };
    });
  },
};

/**
 * Live capture loads the optional native `cap` module with `import()` of a computed name
 * (`mod = await import(specifier)`, src/capture), which a bundle run through `vm.Script` cannot
 * do on Node 20 (no import callback survives the code cache; Node's own loader for it is
 * experimental and warns): the bundle `require`s it instead (a CommonJS addon either way; the
 * loader accepts both shapes). The main bundle must have had it replaced once (checked below).
 */
let capRequires = 0;
const capRequireForBundle = {
  name: 'cap-require-for-bundle',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]capture[\\/][^\\/]+\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const from = 'mod = await import(specifier);';
      if (!text.includes(from)) return undefined;
      capRequires++;
      return { contents: text.replace(from, 'mod = require(specifier);'), loader: 'ts' };
    });
  },
};

/** The thread entries: tsc's file in dist/ (replaced by a module that runs the bundle), the source, the bundle. */
const ENTRIES = [
  { dist: 'cli/main.js', src: 'src/cli/main.ts', bundle: 'bundle/main.cjs' },
  { dist: 'pipeline/file-output-thread-entry.js', src: 'src/pipeline/file-output-thread-entry.ts', bundle: 'bundle/file-output-thread.cjs' },
  { dist: 'pipeline/capture-digests.js', src: 'src/pipeline/capture-digests.ts', bundle: 'bundle/capture-digests-thread.cjs' },
];

/** The names `src` exports (its ES module output says). */
async function exportNames(src) {
  const r = await build({ absWorkingDir: root, entryPoints: [src], write: false, bundle: false, format: 'esm', metafile: true, logLevel: 'error', outdir: 'out' });
  return Object.values(r.metafile.outputs).flatMap((o) => o.exports ?? []);
}

const meta = {};
for (const e of ENTRIES) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [e.src],
    outfile: resolve(dist, e.bundle),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // No keepNames: it wraps every function and class definition in a `__name(...)` call, closures
    // made per packet included (37 ms of the main thread on the 200 MB bench mix). Nothing reads a
    // bundled name: error classes set `name` explicitly (src/core/errors.ts and the dependencies'
    // errors; test/integration/bundle.test.ts checks ours); only colliding names esbuild renames
    // (`indexOfBytes2`) differ in stack traces.
    sourcemap: true,
    // Whitespace and comments only (names and code as written): the source V8 keeps in each
    // isolate is a third smaller, and the RSS of a small `run` 13 MiB lower (docs/performance.md,
    // "Round 22"). Stack positions map back through the .map file (node --enable-source-maps).
    minifyWhitespace: true,
    external: ['cap'],
    plugins: [protoPathForBundle, capRequireForBundle],
    // CommonJS has no import.meta: the bundle's own URL stands in for every module's (see Layout).
    define: { 'import.meta.url': '__msrptapBundleUrl' },
    banner: { js: "var __msrptapBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'warning',
    metafile: process.env.BUNDLE_META !== undefined,
  });
  if (process.env.BUNDLE_META !== undefined) meta[e.bundle] = result.metafile;
  if (e.dist === 'cli/main.js' && capRequires !== 1) throw new Error(`scripts/bundle.mjs: expected one \`mod = await import(specifier)\` in src/capture to turn into a require, found ${capRequires}`);
  // The build id binds the code cache to this very bundle (src/pipeline/cached-bundle.ts).
  // Its SHA-256: a bundle changed after the build is run without the cache.
  appendFileSync(resolve(dist, e.bundle), buildIdLine(readFileSync(resolve(dist, e.bundle))));
  const names = e.dist === 'cli/main.js' ? [] : await exportNames(e.src);
  const lines = [
    ...(e.dist === 'cli/main.js' ? ['#!/usr/bin/env node', "// First: V8's flags are part of the code cache's key (the training run had them too).", "import './heap-policy.js';"] : []),
    '// Generated by scripts/bundle.mjs: runs this module from its bundle (with its code cache).',
    "import { runCachedBundle } from '../pipeline/cached-bundle.js';",
    `${names.length > 0 ? 'const m = ' : ''}runCachedBundle(new URL('../${e.bundle}', import.meta.url)).exports;`,
    ...(names.length > 0 ? [`export const { ${names.join(', ')} } = m;`] : []),
  ];
  writeFileSync(resolve(dist, e.dist), `${lines.join('\n')}\n`);
}
// BUNDLE_META=file: esbuild's metafiles (what each bundle holds).
if (process.env.BUNDLE_META !== undefined) writeFileSync(process.env.BUNDLE_META, JSON.stringify(meta));

// The training run: the cache of what a `run` compiles. Its outputs are thrown away.
const sample = { capture: join(root, 'samples/pcap/chat-udp.pcap'), tasks: join(root, 'samples/tasks/chat-udp.tasks.json') };
if (existsSync(sample.capture) && existsSync(sample.tasks)) {
  const out = mkdtempSync(join(tmpdir(), 'msrptap-train-'));
  try {
    execFileSync(process.execPath, [resolve(dist, 'cli/main.js'), '--log-level', 'warn', 'run', '-r', sample.capture, '--tasks', sample.tasks, '--out', join(out, 'o')], {
      env: { ...process.env, MSRPTAP_CODE_CACHE_TRAIN: '1' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
