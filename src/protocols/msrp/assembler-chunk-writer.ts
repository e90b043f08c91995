/**
 * The chunk writer the MSRP message assembler (./msrp-message-assembler.ts) gives out per SEND
 * chunk: it digests the chunk, places its body in the message as it arrives, and reports the
 * chunk's end (RFC 4975 sections 7.1, 7.1.1).
 */
import { createHash, type Hash } from 'node:crypto';
import type { AssemblingMessage } from './assembling-message.js';
import type { MsrpFrameEnd, MsrpFrameHead } from './msrp-frame.js';
import type { MsrpChunkRecord, MsrpChunkWriter } from './msrp-message.js';

/** What a chunk writer calls back: the assembler. */
export interface ChunkTarget {
  /** Places `piece` at message offset `p`: the new bytes, and whether it conflicts with bytes seen before. */
  place(msg: AssemblingMessage, p: number, piece: Uint8Array, frameNo: number): { fresh: number; conflict: boolean };
  /** A chunk's Byte-Range length differs from its body (section 7.1.1). */
  reportRangeMismatch(frameNo: number, declared: number, body: number): void;
  /** The chunk ended: record it, and close the message if this completes or aborts it. */
  chunkEnded(msg: AssemblingMessage, rec: MsrpChunkRecord, digestKey: string, digest: string, conflict: boolean, end: MsrpFrameEnd): void;
}

/** Receives one chunk's body and places it in its message. */
export class AssemblerChunkWriter implements MsrpChunkWriter {
  private pos: number;
  private fresh = 0;
  private conflict = false;
  private readonly digest: Hash = createHash('sha256');

  constructor(
    private readonly asm: ChunkTarget,
    private readonly msg: AssemblingMessage,
    private readonly head: MsrpFrameHead,
    private readonly start0: number,
    private readonly declaredLength: number | null,
  ) {
    this.pos = start0;
  }

  write(piece: Uint8Array): void {
    if (piece.length === 0) return;
    this.digest.update(piece);
    if (!this.msg.closed) {
      const r = this.asm.place(this.msg, this.pos, piece, this.head.frameNo);
      this.fresh += r.fresh;
      if (r.conflict) this.conflict = true;
    }
    this.pos += piece.length;
  }

  end(end: MsrpFrameEnd): void {
    const received = this.pos - this.start0;
    // Section 7.1: a "+" chunk may be interrupted before its range end; anything else must match.
    if (end.flag !== null && this.declaredLength !== null && received !== this.declaredLength && !(end.flag === '+' && received < this.declaredLength)) {
      this.asm.reportRangeMismatch(this.head.frameNo, this.declaredLength, received);
    }
    const rec: MsrpChunkRecord = {
      frameNo: this.head.frameNo,
      lastFrameNo: end.lastFrameNo,
      tsSec: this.head.tsSec,
      tsNsec: this.head.tsNsec,
      start: this.start0 + 1,
      end: this.start0 + received,
      flag: end.flag,
      duplicate: received > 0 && this.fresh === 0,
    };
    this.asm.chunkEnded(this.msg, rec, `${this.start0}:${received}`, this.digest.digest('hex'), this.conflict, end);
  }
}
