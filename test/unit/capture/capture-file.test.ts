import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHUNK_SIZE } from '../../../src/capture/byte-source.js';
import { detectCaptureFormat, openCaptureBytes, openCaptureFile } from '../../../src/capture/capture-file.js';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { isCaptureFormatError, isIoError } from '../../../src/core/errors.js';
import { fromHex } from '../../../src/util/bytes.js';
import { buildPcap, buildPcapng, payload, readAll, tempDir } from './capture-fixtures.js';

const REPO = resolve(import.meta.dirname, '../../..');

function errorOf(fn: () => unknown): Error & { path?: string; offset?: number } {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('detectCaptureFormat', () => {
  it.each([
    ['d4c3b2a1', 'pcap'],
    ['a1b2c3d4', 'pcap'],
    ['4d3cb2a1', 'pcap'],
    ['a1b23c4d', 'pcap'],
    ['0a0d0d0a', 'pcapng'],
    ['7f454c46', undefined], // ELF
    ['0a0d0d', undefined], // too short
  ])('%s → %s', (hex, fmt) => {
    expect(detectCaptureFormat(fromHex(hex))).toBe(fmt);
  });
});

describe('openCaptureFile', () => {
  it('picks the reader from the magic, whatever the extension', () => {
    const t = tempDir();
    try {
      const ng = buildPcapng((w) => {
        w.section();
        w.addInterface({ linkType: 1 });
        w.packet(0, 5, 6000, payload(10, 1));
      });
      const p = t.file('really-pcapng.pcap', ng);
      const r = openCaptureFile(p, 4, new AnomalyCounter());
      expect(r.format).toBe('pcapng');
      expect(r.path).toBe(p);
      expect(r.totalBytes).toBe(ng.length);
      expect(readAll(r).map((f) => [f.frameNo, f.source, f.tsSec, f.tsNsec])).toEqual([[1, 4, 5, 6000]]);
      expect(r.bytesRead).toBe(ng.length);
      r.close();
    } finally {
      t.cleanup();
    }
  });

  it('rejects a file that is not a capture, naming it and its magic', () => {
    const t = tempDir();
    try {
      const p = t.file('notes.txt', new TextEncoder().encode('hello world\n'));
      const e = errorOf(() => openCaptureFile(p, 0, new AnomalyCounter()));
      expect(isCaptureFormatError(e)).toBe(true);
      expect(e.message).toBe(`${p} is not a pcap or pcapng file (magic 0x68656c6c)`);
      expect([e.path, e.offset]).toEqual([p, 0]);
      const empty = t.file('empty.pcap', new Uint8Array(0));
      expect(errorOf(() => openCaptureFile(empty, 0, new AnomalyCounter())).message).toBe(`${empty} is not a pcap or pcapng file (it is empty)`);
    } finally {
      t.cleanup();
    }
  });

  it('throws IoError for a missing file', () => {
    const e = errorOf(() => openCaptureFile('/nonexistent/x.pcap', 0, new AnomalyCounter()));
    expect(isIoError(e)).toBe(true);
    expect(isCaptureFormatError(e)).toBe(false);
    expect(e.message).toMatch(/^cannot open capture file \/nonexistent\/x\.pcap: no such file/);
  });

  it('reads a record straddling the 4 MiB chunk boundary', () => {
    const t = tempDir();
    try {
      const size = 65_536;
      const count = 70; // 24 + k*(16+65536) crosses 4 MiB at record 63
      const bytes = buildPcap({ linkType: 1 }, (w) => {
        for (let i = 0; i < count; i++) w.packet(1_000 + i, i, payload(size, i));
      });
      const straddler = Math.floor((DEFAULT_CHUNK_SIZE - 24) / (size + 16));
      const start = 24 + straddler * (size + 16);
      expect(start).toBeLessThan(DEFAULT_CHUNK_SIZE);
      expect(start + size + 16).toBeGreaterThan(DEFAULT_CHUNK_SIZE);
      const r = openCaptureFile(t.file('straddle.pcap', bytes), 0, new AnomalyCounter());
      let n = 0;
      for (let f = r.next(); f !== null; f = r.next()) {
        expect(f.tsSec).toBe(1_000 + n);
        expect(f.capLen).toBe(size);
        const want = payload(size, n);
        // Compare head, tail and a sample in between rather than 4 MiB element by element.
        for (const i of [0, 1, size >> 1, size - 2, size - 1, 12_345]) expect(f.data[i], `frame ${n} byte ${i}`).toBe(want[i]);
        n++;
      }
      expect(n).toBe(count);
      expect(r.bufferSize).toBe(DEFAULT_CHUNK_SIZE);
    } finally {
      t.cleanup();
    }
  });

  it.each(['pcap', 'pcapng'] as const)('reads a single %s record bigger than the read buffer, then shrinks back', (fmt) => {
    const t = tempDir();
    try {
      const big = payload(DEFAULT_CHUNK_SIZE + 1_000_001, 7);
      const bytes =
        fmt === 'pcap'
          ? buildPcap({ linkType: 1, snaplen: 16 * 1024 * 1024 }, (w) => {
              w.packet(1, 0, payload(100, 1));
              w.packet(2, 0, big);
              w.packet(3, 0, payload(100, 3));
            })
          : buildPcapng((w) => {
              w.section();
              w.addInterface({ linkType: 1 });
              w.packet(0, 1, 0, payload(100, 1));
              w.packet(0, 2, 0, big);
              w.packet(0, 3, 0, payload(100, 3));
            });
      const r = openCaptureFile(t.file(`big.${fmt}`, bytes), 0, new AnomalyCounter());
      expect(r.next()!.capLen).toBe(100);
      const f = r.next()!;
      expect(f.capLen).toBe(big.length);
      expect(Buffer.from(f.data).equals(Buffer.from(big))).toBe(true);
      expect(r.bufferSize).toBeGreaterThan(DEFAULT_CHUNK_SIZE);
      const last = r.next()!;
      expect([last.tsSec, last.capLen]).toEqual([3, 100]);
      expect(Array.from(last.data)).toEqual(Array.from(payload(100, 3)));
      expect(r.next()).toBeNull();
      // The next refill after the big record returns to the chunk size.
      expect(r.bufferSize).toBe(DEFAULT_CHUNK_SIZE);
    } finally {
      t.cleanup();
    }
  });

  it('keeps the buffer at the chunk size over many records (memory does not grow with file size)', () => {
    const bytes = buildPcap({ linkType: 1 }, (w) => {
      for (let i = 0; i < 5000; i++) w.packet(i, 0, payload(50 + (i % 200), i));
    });
    const r = openCaptureBytes(bytes, 'm', 0, new AnomalyCounter(), { chunkSize: 1024, maxReadSize: 333 });
    let n = 0;
    for (let f = r.next(); f !== null; f = r.next()) {
      expect(f.tsSec).toBe(n);
      expect(f.data[f.capLen - 1]).toBe(payload(f.capLen, n)[f.capLen - 1]);
      expect(r.bufferSize).toBe(1024);
      n++;
    }
    expect(n).toBe(5000);
  });

  it('reads from a FIFO (no known size)', () => {
    const t = tempDir();
    try {
      const bytes = buildPcap({ linkType: 1, nanosecond: true }, (w) => {
        for (let i = 0; i < 300; i++) w.packet(i, i, payload(1000, i));
      });
      const src = t.file('src.pcap', bytes);
      const fifo = t.file('cap.fifo');
      execFileSync('mkfifo', [fifo]);
      const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', src, fifo], { stdio: 'ignore' });
      const r = openCaptureFile(fifo, 0, new AnomalyCounter());
      expect(r.totalBytes).toBeUndefined();
      const frames = readAll(r);
      r.close();
      writer.kill();
      expect(frames.length).toBe(300);
      expect(frames.map((f) => f.tsNsec)).toEqual(Array.from({ length: 300 }, (_, i) => i));
      expect(r.bytesRead).toBe(bytes.length);
    } finally {
      t.cleanup();
    }
  });

  describe('standard input (-)', () => {
    /** A child that reads `-` and prints what it saw as JSON. */
    const CHILD = `
      const [captureFile, anomaly, byteSource] = process.argv.slice(2);
      const { openCaptureFile } = await import(captureFile);
      const { AnomalyCounter } = await import(anomaly);
      const { ByteSource } = await import(byteSource);
      // Touching process.stdin makes libuv switch fd 0 to non-blocking mode (without reading),
      // which is the situation where readSync(0) fails with EAGAIN while the pipe is empty.
      if (process.env.NONBLOCK === '1') void process.stdin;
      // Tell the parent we are about to read, so its slow writes really find us waiting.
      (await import('node:fs')).writeSync(1, 'ready\\n');
      if (process.env.MODE === 'raw') {
        const src = ByteSource.open('-', { chunkSize: 4096 });
        let n = 0;
        while (src.ensure(1)) { n += src.available; src.skip(src.available); }
        console.log(JSON.stringify({ bytes: n, eagain: src.eagainRetries }));
      } else {
        const r = openCaptureFile('-', 0, new AnomalyCounter());
        let n = 0, last = 0;
        for (let f = r.next(); f !== null; f = r.next()) { n++; last = f.tsSec; }
        console.log(JSON.stringify({ frames: n, last, total: r.totalBytes ?? null, bytes: r.bytesRead, path: r.path }));
      }
    `;

    function runChild(env: Record<string, string>, chunks: Uint8Array[], gapMs: number): Promise<Record<string, unknown>> {
      const t = tempDir();
      const script = join(t.dir, 'child.mts');
      writeFileSync(script, CHILD);
      const child = spawn(process.execPath, ['--import', 'tsx', script, join(REPO, 'src/capture/capture-file.ts'), join(REPO, 'src/core/anomaly.ts'), join(REPO, 'src/capture/byte-source.ts')], {
        cwd: REPO,
        env: { ...process.env, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      let started = false;
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (!started && out.startsWith('ready\n')) {
          started = true;
          write().catch(() => child.kill());
        }
      });
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const write = async (): Promise<void> => {
        for (const c of chunks) {
          child.stdin.write(c);
          await new Promise((r) => setTimeout(r, gapMs));
        }
        child.stdin.end();
      };
      return new Promise((res, rej) => {
        child.on('close', (code) => {
          t.cleanup();
          if (code !== 0) rej(new Error(`child exited ${code}: ${err}`));
          else res(JSON.parse(out.slice('ready\n'.length)) as Record<string, unknown>);
        });
      });
    }

    const capture = buildPcap({ linkType: 1 }, (w) => {
      for (let i = 0; i < 2000; i++) w.packet(1_700_000_000 + i, 0, payload(200, i));
    });
    const pieces = [capture.subarray(0, 100_000), capture.subarray(100_000, 300_000), capture.subarray(300_000)];

    it('reads a capture piped into standard input', async () => {
      const res = await runChild({}, pieces, 50);
      expect(res).toEqual({ frames: 2000, last: 1_700_001_999, total: null, bytes: capture.length, path: '-' });
    });

    it('waits and retries when a non-blocking stdin pipe is empty (EAGAIN)', async () => {
      const res = await runChild({ NONBLOCK: '1', MODE: 'raw' }, pieces, 150);
      expect(res.bytes).toBe(capture.length);
      expect(res.eagain as number).toBeGreaterThan(0);
      const frames = await runChild({ NONBLOCK: '1' }, pieces, 100);
      expect(frames.frames).toBe(2000);
    });
  });
});
