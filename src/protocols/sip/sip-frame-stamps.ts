/**
 * The frames (and capture times) a {@link SipStreamFramer} message came from: the segment now
 * being framed, and the one that held the pending message's (or kept line's) first byte.
 */
import type { FramedSipMessage } from './framed-sip-message.js';
import type { SipMessage } from './sip-message.js';

export class SipFrameStamps {
  /** The pending message (or a line kept while resynchronising) has its first byte's stamp. */
  hasFirst = false;
  firstFrameNo = 0;
  firstTsSec = 0;
  firstTsNsec = 0;
  curFrameNo = 0;
  curTsSec = 0;
  curTsNsec = 0;

  /** The segment being framed now. */
  current(frameNo: number, tsSec: number, tsNsec: number): void {
    this.curFrameNo = frameNo;
    this.curTsSec = tsSec;
    this.curTsNsec = tsNsec;
  }

  /** The pending message's first byte came with the current segment, unless already stamped. */
  markFirst(): void {
    if (!this.hasFirst) {
      this.hasFirst = true;
      this.firstFrameNo = this.curFrameNo;
      this.firstTsSec = this.curTsSec;
      this.firstTsNsec = this.curTsNsec;
    }
  }

  /** `message`, completed by frame `frameNo`, with the frames it came from. */
  framed(message: SipMessage, frameNo: number, streamOffset: number): FramedSipMessage {
    const first = this.hasFirst;
    return {
      message,
      firstFrameNo: first ? this.firstFrameNo : frameNo,
      firstTsSec: first ? this.firstTsSec : this.curTsSec,
      firstTsNsec: first ? this.firstTsNsec : this.curTsNsec,
      frameNo,
      tsSec: this.curTsSec,
      tsNsec: this.curTsNsec,
      streamOffset,
    };
  }
}
