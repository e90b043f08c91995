// Runs a Node entry point in this process and reports its wall time and peak RSS on stderr as
// one line `BENCH {"ms":…,"maxRssKiB":…}`, so the benchmark can measure child processes exactly.
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [entry, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], resolve(entry), ...args];
const t0 = process.hrtime.bigint();
process.on('exit', () => {
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  writeSync(2, `BENCH ${JSON.stringify({ ms, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
});
await import(pathToFileURL(resolve(entry)).href);
