/** Writes a JSON document that may hold intercepted metadata: 0600 in a 0700 folder, never through a symlink. */
import { SecureFileWriter } from '../deliver/secure-file.js';
import type { ExistingFile } from '../deliver/safe-fs.js';

export function writeSecretJson(path: string, value: unknown, existing: ExistingFile = 'refuse'): void {
  const w = new SecureFileWriter(path, { existing });
  w.write(Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8'));
  w.close();
}
