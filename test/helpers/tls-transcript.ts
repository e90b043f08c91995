/**
 * Real TLS transcripts for the decryption tests: a node:tls server and client talk through a
 * tiny TCP proxy on loopback that records every chunk of each direction in arrival order (as
 * a tap would see them), while the client's `keylog` event collects the NSS key log.
 * Certificates are made by openssl in a temp folder (RSA, so RSA and ECDHE_RSA suites work).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';

export interface TlsCert {
  readonly key: string;
  readonly cert: string;
  readonly dir: string;
}

/** A self-signed RSA-2048 certificate for CN localhost (openssl, temp folder). */
export function makeRsaCert(): TlsCert {
  const dir = mkdtempSync(join(tmpdir(), 'msrptap-tls-'));
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-keyout', 'k.pem', '-out', 'c.pem'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
  return { dir, key: readFileSync(join(dir, 'k.pem'), 'utf8'), cert: readFileSync(join(dir, 'c.pem'), 'utf8') };
}

export function removeCert(c: TlsCert): void {
  rmSync(c.dir, { recursive: true, force: true });
}

/** One captured chunk: direction 0 client to server, 1 server to client. */
export interface Chunk {
  readonly dir: 0 | 1;
  readonly bytes: Uint8Array;
}

export interface Transcript {
  readonly chunks: Chunk[];
  readonly keylog: string;
  readonly clientSent: Uint8Array;
  readonly serverSent: Uint8Array;
  /** What the client negotiated (to check the test forced what it meant to). */
  readonly protocol: string | null;
  readonly cipher: string;
  /** The last session the client got (TLS 1.2 session or TLS 1.3 ticket), to resume with `client: { session }`. */
  readonly session: Buffer | undefined;
  readonly reused: boolean;
}

export interface TranscriptOptions {
  readonly cert: TlsCert;
  readonly server?: tls.TlsOptions | undefined;
  readonly client?: tls.ConnectionOptions | undefined;
  /** Pieces each side writes, in turn (client piece i, then server piece i). */
  readonly clientWrites: Uint8Array[];
  readonly serverWrites: Uint8Array[];
  /** TLS 1.2: the client renegotiates (RFC 5746) once all the data arrived, before closing. */
  readonly renegotiateAtEnd?: boolean;
}

export interface RecordingProxy {
  readonly port: number;
  /** Waits until every proxied connection closed, then stops listening. */
  close(): Promise<void>;
}

/** A loopback TCP proxy to `targetPort` that appends every chunk it forwards to `chunks`, in arrival order. */
export async function recordingProxy(targetPort: number, chunks: Chunk[]): Promise<RecordingProxy> {
  const closed: Promise<void>[] = [];
  const proxy = createServer((down: Socket) => {
    const up = netConnect(targetPort, '127.0.0.1');
    down.on('data', (b: Buffer) => {
      chunks.push({ dir: 0, bytes: new Uint8Array(b) });
      up.write(b);
    });
    up.on('data', (b: Buffer) => {
      chunks.push({ dir: 1, bytes: new Uint8Array(b) });
      down.write(b);
    });
    down.on('end', () => up.end());
    up.on('end', () => down.end());
    down.on('error', () => up.destroy());
    up.on('error', () => down.destroy());
    closed.push(new Promise((r) => down.on('close', () => r())));
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  return {
    port: (proxy.address() as { port: number }).port,
    close: async () => {
      await Promise.all(closed);
      await new Promise<void>((r) => proxy.close(() => r()));
    },
  };
}

function total(parts: Uint8Array[]): number {
  return parts.reduce((n, p) => n + p.length, 0);
}

/** Runs one connection through the recording proxy; resolves when both sides got everything and the connection closed. */
export async function tlsTranscript(o: TranscriptOptions): Promise<Transcript> {
  const chunks: Chunk[] = [];
  const keylog: string[] = [];
  const serverGot: Buffer[] = [];
  const clientGot: Buffer[] = [];
  const wantServer = total(o.clientWrites);
  const wantClient = total(o.serverWrites);
  const server = tls.createServer({ key: o.cert.key, cert: o.cert.cert, ...o.server });
  let serverSock: tls.TLSSocket | null = null;
  let serverReady: () => void = () => {};
  const serverUp = new Promise<void>((r) => {
    serverReady = r;
  });
  const serverDone = new Promise<void>((resolve) => {
    server.on('secureConnection', (s) => {
      serverSock = s;
      serverReady();
      let n = 0;
      s.on('data', (b: Buffer) => {
        serverGot.push(b);
        n += b.length;
        if (n >= wantServer) resolve();
      });
      s.on('error', () => {});
      if (wantServer === 0) resolve();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const tlsPort = (server.address() as { port: number }).port;
  const proxy = await recordingProxy(tlsPort, chunks);
  const proxyPort = proxy.port;
  const client = tls.connect({ port: proxyPort, host: '127.0.0.1', servername: 'localhost', rejectUnauthorized: false, ...o.client });
  let session: Buffer | undefined;
  client.on('session', (b: Buffer) => {
    session = b;
  });
  client.on('keylog', (line: Buffer) => keylog.push(line.toString('latin1').replace(/\n?$/, '\n')));
  const clientDone = new Promise<void>((resolve) => {
    let n = 0;
    client.on('data', (b: Buffer) => {
      clientGot.push(b);
      n += b.length;
      if (n >= wantClient) resolve();
    });
    if (wantClient === 0) resolve();
  });
  await new Promise<void>((r, j) => {
    client.once('secureConnect', () => r());
    client.once('error', j);
  });
  await serverUp;
  const rounds = Math.max(o.clientWrites.length, o.serverWrites.length);
  for (let i = 0; i < rounds; i++) {
    if (i < o.clientWrites.length) client.write(o.clientWrites[i]!);
    if (i < o.serverWrites.length) (serverSock as tls.TLSSocket | null)?.write(o.serverWrites[i]!);
    if (i % 8 === 7) await new Promise<void>((r) => setTimeout(r, 1));
  }
  await Promise.all([serverDone, clientDone]);
  if (o.renegotiateAtEnd === true) await new Promise<void>((r, j) => client.renegotiate({ rejectUnauthorized: false }, (e) => (e ? j(e) : r())));
  const protocol = client.getProtocol();
  const cipher = client.getCipher().standardName;
  const reused = client.isSessionReused();
  client.end();
  await proxy.close();
  await new Promise<void>((r) => server.close(() => r()));
  return { chunks, keylog: keylog.join(''), clientSent: Buffer.concat(o.clientWrites), serverSent: Buffer.concat(o.serverWrites), protocol, cipher, session, reused };
}

/**
 * The chunks with the first ClientHello's random (record header 5 + handshake header 4 + version
 * 2 bytes in, RFC 8446 4.1.2) replaced by `randomHex`: two connections that share a client random,
 * as forked peers with one RNG state produce. Only TLS 1.3 still decrypts with its own logged
 * traffic secrets (TLS 1.2 mixes client_random into the key block).
 */
export function withClientRandom(chunks: readonly Chunk[], randomHex: string): Chunk[] {
  const first = chunks.findIndex((c) => c.dir === 0);
  const b = Uint8Array.from(chunks[first]!.bytes);
  if (b[0] !== 22 || b[5] !== 1 || b.length < 43) throw new Error('withClientRandom: the first client chunk does not start with a ClientHello');
  b.set(Buffer.from(randomHex, 'hex'), 11);
  return chunks.map((c, i) => (i === first ? { dir: 0, bytes: b } : c));
}

/** Key log lines with their client_random field replaced by `randomHex`. */
export function keyLogUnderRandom(keylog: string, randomHex: string): string {
  return keylog.replace(/^(\S+) [0-9a-fA-F]{64} /gm, `$1 ${randomHex} `);
}

/** The client_random (lower-case hex) of the first line of a key log. */
export function keyLogRandom(keylog: string): string {
  return keylog.trim().split(/\s+/)[1]!.toLowerCase();
}
