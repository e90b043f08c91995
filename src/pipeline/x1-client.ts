/**
 * HTTPS client for X1 with mutual TLS (ETSI TS 103 221-1 clause 5): the lab ADMF's requests to a
 * tap (`msrptap x1`) and the tests'. Certificates are pinned to `ca` (no system roots).
 */
import { request } from 'node:https';
import { IoError } from '../core/errors.js';
import { MIN_TLS_VERSION, type TlsMaterial } from '../deliver/tls-material.js';

export interface X1Reply {
  readonly status: number;
  readonly body: Buffer;
}

/** Largest response body read (an X1 GetAllDetails of the handler's caps fits). */
const MAX_REPLY_BYTES = 64 << 20;

/**
 * POSTs `xml` to `url` (e.g. https://127.0.0.1:8443/X1/NE) and resolves with the HTTP status and
 * body. `servername` overrides the name the server certificate is checked against.
 * @throws IoError when the connection or TLS handshake fails or times out.
 */
export function postX1(url: string, xml: string | Uint8Array, tls: TlsMaterial, o: { timeoutMs?: number; servername?: string } = {}): Promise<X1Reply> {
  const body = typeof xml === 'string' ? Buffer.from(xml, 'utf8') : Buffer.from(xml);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        cert: tls.cert,
        key: tls.key,
        ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
        minVersion: MIN_TLS_VERSION,
        ...(o.servername !== undefined ? { servername: o.servername, checkServerIdentity: () => undefined } : {}),
        headers: { 'Content-Type': 'application/xml; charset=utf-8', 'Content-Length': body.length },
        timeout: o.timeoutMs ?? 30_000,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let n = 0;
        res.on('data', (c: Buffer) => {
          n += c.length;
          if (n > MAX_REPLY_BYTES) req.destroy(new Error('response larger than 64 MiB'));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', (e) => reject(new IoError(`X1 ${url}: ${e.message}`, url, undefined, { cause: e })));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => reject(new IoError(`X1 ${url}: ${(e as NodeJS.ErrnoException).code ?? e.message}`, url, undefined, { cause: e })));
    req.end(body);
  });
}
