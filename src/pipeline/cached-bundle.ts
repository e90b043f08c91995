/**
 * Runs a CommonJS bundle that scripts/bundle.mjs builds (one per thread entry: the CLI, the
 * output worker, the digest worker) with V8's code cache: the bytecode of the functions a
 * training run compiled, made at build time and stored next to the bundle. With it V8 neither
 * parses nor compiles those functions again in each isolate of every run (issue 13, fixed cost;
 * docs/performance.md "Round 22"). Node 20 has no code cache for ES modules, hence a CommonJS
 * bundle run through `vm.Script`.
 *
 * The cache is only a speed-up and is checked before use:
 * - it must carry the build id the bundle ends with (`//# msrptap-build <id>`): a cache of an
 *   older build is never used with a newer bundle (V8 itself only compares the source's length);
 * - V8 rejects it when the Node/V8 version or V8's flags differ from the training run's
 *   (`cachedDataRejected`): the code is then compiled as without a cache.
 * A missing, foreign or rejected cache costs the normal compile, never a different behaviour.
 *
 * A bundle must not `import()` a computed name: on Node 20 no import callback survives the code
 * cache (scripts/bundle.mjs turns the one such import, of the optional `cap` module, into a
 * `require`; test/integration/bundle.test.ts checks that none is left).
 *
 * `MSRPTAP_CODE_CACHE_TRAIN=1` (scripts/bundle.mjs only) writes the caches (see {@link train}).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { isMainThread, MessagePort, threadId } from 'node:worker_threads';

/** The cache file of a bundle. */
export function codeCachePath(bundlePath: string): string {
  return `${bundlePath}.v8cache`;
}

/** The build id a bundle ends with, or undefined. */
export function bundleBuildId(source: string): string | undefined {
  return /\/\/# msrptap-build ([0-9a-f]+)\s*$/.exec(source.slice(-100))?.[1];
}

/** The cache file's layout: a header line `msrptap-code-cache <build id>\n`, then V8's data. */
const HEADER = 'msrptap-code-cache ';

function readCache(path: string, buildId: string | undefined): Buffer | undefined {
  if (buildId === undefined) return undefined;
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return undefined;
  }
  const nl = file.indexOf(10);
  if (nl < 0 || file.toString('latin1', 0, nl) !== HEADER + buildId) return undefined;
  return file.subarray(nl + 1);
}

/** What {@link runCachedBundle} saw of the cache (for tests). */
export type CacheUse = 'used' | 'rejected' | 'absent';

/**
 * Training (scripts/bundle.mjs): the cache is written late, so that it holds every function the
 * run compiled, not only the top level: the main thread's when the process exits successfully;
 * a worker's before each message it posts (its last one says it is done, and the parent may end
 * the thread as soon as it arrives, so there is no later moment).
 */
function train(script: Script, path: string, buildId: string): void {
  const write = (): void => {
    const tmp = `${codeCachePath(path)}.${process.pid}.${threadId}.tmp`;
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${HEADER}${buildId}\n`, 'latin1'), script.createCachedData()]));
    renameSync(tmp, codeCachePath(path));
  };
  if (isMainThread) {
    process.once('exit', (code) => {
      if (code === 0) write();
    });
    return;
  }
  const post = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (this: MessagePort, ...args: Parameters<MessagePort['postMessage']>): void {
    write();
    post.apply(this, args);
  };
}

/** Bundles already run in this thread (several entry modules may ask for the same). */
const loaded = new Map<string, { exports: Record<string, unknown>; cache: CacheUse }>();

/**
 * Evaluates the CommonJS bundle at `bundleUrl` (once per thread) and returns its exports.
 * @throws what reading or running the bundle throws (a broken install).
 */
export function runCachedBundle(bundleUrl: URL): { exports: Record<string, unknown>; cache: CacheUse } {
  const path = fileURLToPath(bundleUrl);
  const done = loaded.get(path);
  if (done !== undefined) return done;
  const text = readFileSync(path, 'utf8');
  // A hashbang line (esbuild keeps the entry's) is valid only at the very start of a file.
  const source = text.startsWith('#!') ? `//${text.slice(2)}` : text;
  const buildId = bundleBuildId(source);
  const cachedData = readCache(codeCachePath(path), buildId);
  // CommonJS's function wrapper (Node's Module.wrap), on the same line: stack lines stay right.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n});`, {
    filename: path,
    ...(cachedData !== undefined ? { cachedData } : {}),
  });
  const cache: CacheUse = cachedData === undefined ? 'absent' : script.cachedDataRejected === true ? 'rejected' : 'used';
  if (process.env.MSRPTAP_CODE_CACHE_TRAIN === '1' && buildId !== undefined) train(script, path, buildId);
  const module = { exports: {} as Record<string, unknown> };
  const fn = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  fn.call(module.exports, module.exports, createRequire(path), module, path, dirname(path));
  // The bundle replaces module.exports (esbuild's CommonJS output).
  const result = { exports: module.exports, cache };
  loaded.set(path, result);
  return result;
}
