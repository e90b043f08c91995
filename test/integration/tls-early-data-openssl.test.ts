/**
 * TLS 1.3 0-RTT (RFC 8446 4.2.10) from real stacks: `openssl s_server -early_data` and a resumed
 * `openssl s_client -early_data` through the recording proxy. The early data is not decrypted
 * (msrptap keeps no CLIENT_EARLY_TRAFFIC_SECRET): it is skipped and reported once as
 * tls.early_data_skipped, and the rest of the connection decrypts.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../src/core/anomaly.js';
import { TlsDecryptor, TlsKeyLog } from '../../src/protocols/tls/index.js';
import { type Chunk, makeRsaCert, recordingProxy, removeCert, type TlsCert } from '../helpers/tls-transcript.js';

let cert: TlsCert;
beforeAll(() => {
  cert = makeRsaCert();
  writeFileSync(join(cert.dir, 'k.pem'), cert.key);
  writeFileSync(join(cert.dir, 'c.pem'), cert.cert);
});
afterAll(() => removeCert(cert));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Runs s_client with `lines` written on stdin after the handshake, until it exits. */
async function sClient(args: string[], lines: string[]): Promise<string> {
  const c = spawn('openssl', ['s_client', '-tls1_3', ...args], { cwd: cert.dir });
  let out = '';
  c.stdout.on('data', (b: Buffer) => {
    out += b.toString('latin1');
  });
  c.stderr.resume();
  const exited = new Promise<void>((r) => c.on('exit', () => r()));
  await sleep(400);
  for (const l of lines) c.stdin.write(l);
  await sleep(400);
  c.stdin.end();
  await exited;
  return out;
}

describe('TLS 1.3 early data from openssl', () => {
  it('skips 0-RTT records (reported once) and decrypts the rest of the resumed connection', async () => {
    const port = await freePort();
    const server: ChildProcessWithoutNullStreams = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', 'c.pem', '-key', 'k.pem', '-tls1_3', '-early_data'], { cwd: cert.dir });
    let serverOut = '';
    server.stdout.on('data', (b: Buffer) => {
      serverOut += b.toString('latin1');
    });
    server.stderr.resume();
    try {
      for (let i = 0; i < 100 && !serverOut.includes('ACCEPT'); i++) await sleep(20);
      // A first connection gets a session ticket; the second resumes with early data, through the proxy.
      await sClient(['-connect', `127.0.0.1:${port}`, '-sess_out', 'sess.pem'], ['first\n']);
      writeFileSync(join(cert.dir, 'early.txt'), 'EARLY DATA\n');
      const chunks: Chunk[] = [];
      const proxy = await recordingProxy(port, chunks);
      const out = await sClient(['-connect', `127.0.0.1:${proxy.port}`, '-sess_in', 'sess.pem', '-early_data', 'early.txt', '-keylogfile', 'kl.txt'], ['after the handshake\n']);
      await proxy.close();
      expect(out).toContain('Early data was accepted');
      expect(serverOut).toContain('EARLY DATA');

      const keys = new TlsKeyLog();
      keys.ingest(readFileSync(join(cert.dir, 'kl.txt'), 'latin1'));
      const anomalies = new AnomalyCounter();
      const dec = new TlsDecryptor(keys, anomalies);
      const plain: [Uint8Array[], Uint8Array[]] = [[], []];
      for (const [i, c] of chunks.entries()) plain[c.dir].push(...dec.push(c.dir, c.bytes, i + 1));
      expect(anomalies.toJSON()).toEqual({ 'tls.early_data_skipped': 1 });
      expect(Buffer.concat(plain[0]).toString('latin1')).toBe('after the handshake\n');
      expect(dec.failReason).toBeNull();
    } finally {
      server.kill();
    }
  });
});
