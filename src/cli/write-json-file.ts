/** Writes a JSON document that may hold intercepted metadata: 0600 in a 0700 folder. */
import { SecureFileWriter } from '../deliver/secure-file.js';

export function writeSecretJson(path: string, value: unknown): void {
  const w = new SecureFileWriter(path);
  w.write(Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8'));
  w.close();
}
