/**
 * Builds dist/ once before the tests, as `npm run build` does (tsc, then the bundles of
 * scripts/bundle.mjs): the worker threads of `run` (src/pipeline/module-worker.ts) only load
 * from the built JavaScript, so the tests of the threaded paths run `dist/cli/main.js` (the
 * bundle a user runs) and import dist modules. Once here, not per test file (files run in parallel).
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function setup(): void {
  const root = resolve(import.meta.dirname, '..');
  execFileSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [resolve(root, 'scripts/bundle.mjs')], { cwd: root, stdio: 'inherit' });
}
