// Bundles what `msrptap` runs, after `tsc` has built dist/ (npm run build, npm install's
// `prepare`, test/global-setup.ts): one ESM file per thread entry plus shared chunks, instead
// of the ~370 modules of dist/ and the ~200 of its dependencies that each isolate (main thread,
// output worker, digest worker) otherwise resolves, reads and compiles one by one. Measured
// (docs/performance.md, "Start-up: one bundle per thread"): `run` on a small sample 1.03 →
// 0.60 s CPU, on the 200 MB bench mix ~ −9 %.
//
// Layout: the entries overwrite tsc's files of the same name (dist/cli/main.js: the `bin`;
// dist/pipeline/file-output-thread-entry.js and dist/pipeline/capture-digests.js: the worker
// modules, src/pipeline/module-worker.ts), the chunks go to dist/chunks/. Every bundle file is
// thus one level below dist/, as src/cli and src/pipeline are: a module that names a sibling
// module by `new URL('../pipeline/x.js', import.meta.url)` finds it in either layout. The rest of
// tsc's dist/ stays (bench and tests import single modules from it).
//
// The dependencies are bundled too (CommonJS ones wrapped by esbuild, run on first require: the
// `require` below serves their own requires of Node built-ins). Not bundled: `cap` (optional
// native addon, imported by a computed name).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const dist = resolve(root, 'dist');
rmSync(resolve(dist, 'chunks'), { recursive: true, force: true });

/**
 * msrptap-proto.ts finds schemas/ from its own URL, three levels below the package root in src/
 * and in tsc's dist/; in the bundle its code sits one level below dist/ (cli/, pipeline/,
 * chunks/), so the bundle gets the path two levels up. Fails the build if the path is no
 * longer written as expected (a changed file must not bundle a wrong path silently).
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

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts', 'src/pipeline/file-output-thread-entry.ts', 'src/pipeline/capture-digests.ts'],
  outbase: 'src',
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Class and function names as written (esbuild renames colliding ones when it merges modules).
  keepNames: true,
  sourcemap: true,
  external: ['cap'],
  plugins: [protoPathForBundle],
  banner: { js: "import { createRequire as __msrptapCreateRequire } from 'node:module'; const require = __msrptapCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  metafile: process.env.BUNDLE_META !== undefined,
});
// BUNDLE_META=file: esbuild's metafile (what each output holds), to inspect what a thread loads.
if (process.env.BUNDLE_META !== undefined) writeFileSync(process.env.BUNDLE_META, JSON.stringify(result.metafile));
