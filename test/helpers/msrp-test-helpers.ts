/**
 * Test helpers for the MSRP framer and assembler: a sink that records everything (copying the
 * views it gets), and byte builders for frames.
 */
import type { MsrpFrameEnd, MsrpFrameHead, MsrpFrameSink, MsrpResyncInfo } from '../../src/protocols/msrp/msrp-frame.js';
import { AnomalyCounter } from '../../src/core/anomaly.js';
import { concatBytes } from '../../src/util/bytes.js';

/** One frame as a recording sink saw it. */
export interface RecordedFrame {
  head: MsrpFrameHead;
  body: Uint8Array;
  raw: Uint8Array;
  end: MsrpFrameEnd | null;
  bodyPieces: number;
}

/** Records frames, copying every view; checks the start/end contract as it goes. */
export class RecordingSink implements MsrpFrameSink {
  readonly frames: RecordedFrame[] = [];
  readonly resyncs: MsrpResyncInfo[] = [];
  private bodyParts: Uint8Array[] = [];
  private rawParts: Uint8Array[] = [];
  private open = false;
  /** Largest single onBody piece, to check streaming. */
  maxPiece = 0;

  constructor(wantRaw = true) {
    if (!wantRaw) this.onRaw = undefined;
  }

  onFrameStart(head: MsrpFrameHead): void {
    if (this.open) throw new Error('onFrameStart while a frame is open');
    this.open = true;
    this.frames.push({ head, body: new Uint8Array(0), raw: new Uint8Array(0), end: null, bodyPieces: 0 });
    this.bodyParts = [];
    this.rawParts = [];
  }
  onBody(piece: Uint8Array): void {
    if (!this.open) throw new Error('onBody outside a frame');
    this.maxPiece = Math.max(this.maxPiece, piece.length);
    this.bodyParts.push(piece.slice());
    this.frames[this.frames.length - 1]!.bodyPieces++;
  }
  onRaw?: ((piece: Uint8Array) => void) | undefined = (piece: Uint8Array): void => {
    if (!this.open) throw new Error('onRaw outside a frame');
    this.rawParts.push(piece.slice());
  };
  onFrameEnd(end: MsrpFrameEnd): void {
    if (!this.open) throw new Error('onFrameEnd outside a frame');
    this.open = false;
    const f = this.frames[this.frames.length - 1]!;
    f.end = end;
    f.body = concatBytes(this.bodyParts);
    f.raw = concatBytes(this.rawParts);
  }
  onResync(info: MsrpResyncInfo): void {
    this.resyncs.push(info);
  }
}

export const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
export const dec = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** Joins lines with CRLF (each line gets its CRLF). */
export const crlf = (...lines: string[]): string => lines.map((l) => `${l}\r\n`).join('');

/** Builds a SEND frame. */
export function sendFrame(opts: { tid: string; messageId: string; range?: string; body: Uint8Array | string; flag?: '$' | '+' | '#'; contentType?: string; extra?: string[] }): Uint8Array {
  const head = crlf(
    `MSRP ${opts.tid} SEND`,
    'To-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp',
    'From-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp',
    `Message-ID: ${opts.messageId}`,
    ...(opts.range !== undefined ? [`Byte-Range: ${opts.range}`] : []),
    ...(opts.extra ?? []),
    `Content-Type: ${opts.contentType ?? 'text/plain'}`,
    '',
  );
  const body = typeof opts.body === 'string' ? enc(opts.body) : opts.body;
  return concatBytes([enc(head), body, enc(`\r\n-------${opts.tid}${opts.flag ?? '$'}\r\n`)]);
}

export function newCounter(): AnomalyCounter {
  return new AnomalyCounter(10);
}

export { mulberry32 as prng } from '../../samples/gen/lib/prng.js';
