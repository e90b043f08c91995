/**
 * Runs a CommonJS bundle that scripts/bundle.mjs builds (one per thread entry: the CLI, the
 * output worker, the digest worker) with V8's code cache: the bytecode of the functions a
 * training run compiled, made at build time and stored next to the bundle. With it V8 neither
 * parses nor compiles those functions again in each isolate of every run (issue 13, fixed cost;
 * docs/performance.md "Round 22"). Node 20 has no code cache for ES modules, hence a CommonJS
 * bundle run through `vm.Script`.
 *
 * The cache is only a speed-up and is checked before use, because V8 checks little of it (on a
 * release build it compares its version, its flags and the source's LENGTH, and does not verify
 * a checksum: damaged bytecode with an intact V8 header is a fatal error, or runs):
 * - the bundle ends with its build id (`//# msrptap-build <id>`), the SHA-256 of the bundle's
 *   text before that line, and the id is checked against the text: a bundle edited in place
 *   (even keeping its length and its id line) is run without the cache;
 * - the cache must carry that build id, so a cache of another build is never used;
 * - the cache carries the SHA-256 of V8's data, checked before V8 sees it: a damaged, truncated
 *   or altered cache costs a compile, not the process;
 * - V8 rejects it when the Node/V8 version or V8's flags differ from the training run's
 *   (`cachedDataRejected`): the code is then compiled as without a cache.
 * A missing, foreign, damaged or rejected cache costs the normal compile, never a different
 * behaviour (~3 ms of hashing per run, against ~0.1 s of compiling saved). The cache is code:
 * install it with the same write protection as the bundle (the build writes both 0644).
 *
 * A bundle must not `import()` a computed name: on Node 20 no import callback survives the code
 * cache (scripts/bundle.mjs turns the one such import, of the optional `cap` module, into a
 * `require`; test/integration/bundle.test.ts checks that none is left).
 *
 * `MSRPTAP_CODE_CACHE_TRAIN=1` (scripts/bundle.mjs only) writes the caches (see {@link train}).
 */
import { createHash } from 'node:crypto';
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

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The line a bundle ends with: `\n//# msrptap-build <SHA-256 of the text before it>\n`. */
const BUILD_LINE = /\n\/\/# msrptap-build ([0-9a-f]{64})\n$/;

/** The build-id line scripts/bundle.mjs appends to a bundle's text `body`. */
export function buildIdLine(body: Uint8Array): string {
  return `\n//# msrptap-build ${sha256(body)}\n`;
}

/**
 * The build id a bundle's bytes end with, if it is the SHA-256 of the bytes before its line;
 * undefined otherwise (no id, or a bundle changed since it was built: run without a cache).
 */
export function bundleBuildId(file: Uint8Array): string | undefined {
  const tail = Buffer.from(file.buffer, file.byteOffset, file.byteLength).toString('latin1', Math.max(0, file.byteLength - 100));
  const m = BUILD_LINE.exec(tail);
  if (m === null) return undefined;
  const id = m[1] as string;
  return sha256(file.subarray(0, file.byteLength - m[0].length)) === id ? id : undefined;
}

/** The cache file's layout: a header line `msrptap-code-cache <build id> <SHA-256 of V8's data>\n`, then V8's data. */
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
  if (nl < 0) return undefined;
  const [head, id, digest] = file.toString('latin1', 0, nl).split(' ');
  if (`${head} ` !== HEADER || id !== buildId) return undefined;
  const data = file.subarray(nl + 1);
  return sha256(data) === digest ? data : undefined;
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
    const data = script.createCachedData();
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${HEADER}${buildId} ${sha256(data)}\n`, 'latin1'), data]));
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
  const file = readFileSync(path);
  const buildId = bundleBuildId(file);
  const text = file.toString('utf8');
  // A hashbang line (esbuild keeps the entry's) is valid only at the very start of a file.
  const source = text.startsWith('#!') ? `//${text.slice(2)}` : text;
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
