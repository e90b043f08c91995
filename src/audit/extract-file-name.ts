/**
 * Names of the files `audit --extract DIR` writes: `<sha256>-<name>`, the name from the SDP
 * file-selector (RFC 5547 section 5, attacker controlled) reduced to a safe basename: no path
 * separators, no leading dot, printable ASCII letters, digits and `._-` only, at most 100
 * characters. The hash prefix makes names unique and self-verifying (`sha256sum` of the file
 * equals its prefix).
 */
export function extractFileName(sha256: string, name: string | null): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  let safe = base
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[.]+/, '')
    .slice(0, 100);
  if (safe === '' || /^_*$/.test(safe)) safe = 'file';
  return `${sha256}-${safe}`;
}

/** True for a name {@link extractFileName} produces (what `--overwrite` may delete in the folder). */
export function isExtractFileName(name: string): boolean {
  return /^[0-9a-f]{64}-[A-Za-z0-9._-]{1,100}$/.test(name);
}
