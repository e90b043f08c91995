/**
 * TLS 1.3 KeyUpdate (RFC 8446 4.6.3) from a real stack: `openssl s_client` sends KeyUpdate on its
 * interactive `k` (update_requested: the node:tls server answers with its own KeyUpdate) and
 * `K` (not requested) commands, through the recording proxy to a node:tls server that
 * acknowledges every read. Both directions must decrypt across the key changes.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../src/core/anomaly.js';
import { TlsDecryptor, TlsKeyLog } from '../../src/protocols/tls/index.js';
import { type Chunk, makeRsaCert, recordingProxy, removeCert, type TlsCert } from '../helpers/tls-transcript.js';

let cert: TlsCert;
beforeAll(() => {
  cert = makeRsaCert();
});
afterAll(() => removeCert(cert));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await sleep(10);
  if (!cond()) throw new Error('timed out');
}

describe('TLS 1.3 KeyUpdate from openssl s_client', () => {
  for (const suite of ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
    it(`${suite}: both directions decrypt across requested and unrequested key updates`, async () => {
      const received: Buffer[] = [];
      const sent: Buffer[] = [];
      const server = tls.createServer({ key: cert.key, cert: cert.cert, minVersion: 'TLSv1.3', ciphers: suite }, (s) => {
        s.on('data', (b: Buffer) => {
          received.push(b);
          const ack = Buffer.from(`ack ${b.length}\n`);
          sent.push(ack);
          s.write(ack);
        });
        s.on('error', () => {});
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const chunks: Chunk[] = [];
      const proxy = await recordingProxy((server.address() as { port: number }).port, chunks);
      const keylogFile = join(cert.dir, `keylog-${suite}.txt`);
      const client = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${proxy.port}`, '-tls1_3', '-ciphersuites', suite, '-servername', 'localhost', '-keylogfile', keylogFile], { stdio: ['pipe', 'pipe', 'pipe'] });
      client.stdout.resume();
      client.stderr.resume();
      const exited = new Promise<void>((r) => client.on('exit', () => r()));
      const got = (): number => received.reduce((n, b) => n + b.length, 0);
      const lines = ['first line before any update\n', 'k\n', 'after a requested update\n', 'K\n', 'after an unrequested update\n', 'k\n', 'last line\n'];
      let want = 0;
      for (const line of lines) {
        const before = sent.length;
        client.stdin.write(line);
        if (line.length > 2) {
          want += line.length;
          await until(() => got() >= want && sent.length > before);
        } else await sleep(150);
      }
      client.stdin.end();
      await exited;
      await proxy.close();
      await new Promise<void>((r) => server.close(() => r()));

      const keys = new TlsKeyLog();
      keys.ingest(readFileSync(keylogFile, 'latin1'));
      const anomalies = new AnomalyCounter();
      const dec = new TlsDecryptor(keys, anomalies);
      const plain: [Uint8Array[], Uint8Array[]] = [[], []];
      for (const [i, c] of chunks.entries()) plain[c.dir].push(...dec.push(c.dir, c.bytes, i + 1));
      expect(anomalies.toJSON()).toEqual({});
      expect(dec.version).toBe('TLS1.3');
      // Three updates from the client, two answers from the server (update_requested).
      expect(dec.keyUpdates).toBeGreaterThanOrEqual(4);
      expect(Buffer.concat(plain[0]).toString('latin1')).toBe(Buffer.concat(received).toString('latin1'));
      expect(Buffer.concat(plain[1]).toString('latin1')).toBe(Buffer.concat(sent).toString('latin1'));
      expect(Buffer.concat(received).toString('latin1')).toContain('last line');
    });
  }
});
