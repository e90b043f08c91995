/**
 * Helpers for the capture tests: build pcap/pcapng bytes in memory with the project's writers,
 * read every frame of a reader into plain copies, and manage temp files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameReader } from '../../../src/capture/frame-reader.js';
import { PcapngWriter, PcapWriter, type PcapWriterOptions } from '../../../src/capture/pcap-writer.js';
import { concatBytes } from '../../../src/util/bytes.js';

/** A frame copied out of a reader (the reader's own object is reused). */
export interface FrameCopy {
  frameNo: number;
  tsSec: number;
  tsNsec: number;
  linkType: number;
  capLen: number;
  origLen: number;
  data: number[];
  interfaceId: number;
  source: number;
}

/** Drains a reader, copying every frame. */
export function readAll(r: FrameReader, limit = 1_000_000): FrameCopy[] {
  const out: FrameCopy[] = [];
  for (let f = r.next(); f !== null && out.length < limit; f = r.next()) {
    // The interface's fields only (the reader's frame object also holds its buffer and offset).
    out.push({ frameNo: f.frameNo, tsSec: f.tsSec, tsNsec: f.tsNsec, linkType: f.linkType, capLen: f.capLen, origLen: f.origLen, data: Array.from(f.data), interfaceId: f.interfaceId, source: f.source });
  }
  return out;
}

/** Builds a pcap file in memory. */
export function buildPcap(opts: PcapWriterOptions, fill: (w: PcapWriter) => void): Uint8Array {
  const parts: Uint8Array[] = [];
  fill(new PcapWriter((c) => parts.push(c), opts));
  return concatBytes(parts);
}

/** Builds a pcapng file in memory. The callback starts sections itself. */
export function buildPcapng(fill: (w: PcapngWriter, le: (littleEndian: boolean) => PcapngWriter) => void, littleEndian = true): Uint8Array {
  const parts: Uint8Array[] = [];
  const sink = (c: Uint8Array): void => {
    parts.push(c);
  };
  // A second writer on the same sink lets one file hold sections of both byte orders.
  fill(new PcapngWriter(sink, { littleEndian }), (le) => new PcapngWriter(sink, { littleEndian: le }));
  return concatBytes(parts);
}

/** Deterministic payload bytes of length n, seeded so frames differ. */
export function payload(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7) & 0xff;
  return b;
}

/** A temp directory, removed by the returned cleanup function. */
export function tempDir(prefix = 'msrptap-capture-'): { dir: string; file: (name: string, bytes?: Uint8Array) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file: (name, bytes) => {
      const p = join(dir, name);
      if (bytes !== undefined) writeFileSync(p, bytes);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
