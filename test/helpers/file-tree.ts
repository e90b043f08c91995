/** Every file under a folder → the sha256 of its bytes (to compare output folders). */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export function fileTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** Files of each LIID folder of a `run --out` folder: folder name → file name → bytes. */
export function liidOutputs(out: string): Map<string, Map<string, Buffer>> {
  const m = new Map<string, Map<string, Buffer>>();
  for (const d of readdirSync(out)) {
    const p = join(out, d);
    if (!statSync(p).isDirectory()) continue;
    const files = new Map<string, Buffer>();
    for (const f of readdirSync(p).sort()) files.set(f, readFileSync(join(p, f)));
    m.set(d, files);
  }
  return m;
}
