/** What {@link SipStreamFramer} emits: one message cut out of a SIP stream (RFC 3261 18.3). */
import type { SipMessage } from './sip-message.js';

/** A message cut out of the stream, with the frames it came from. */
export interface FramedSipMessage {
  /** The message; its `raw` is a private copy (an excerpt when `message.excerpt`), safe to keep. `message.frameNo` = `frameNo`. */
  readonly message: SipMessage;
  /** Frame (and time) of the segment holding the message's first byte. */
  readonly firstFrameNo: number;
  readonly firstTsSec: number;
  readonly firstTsNsec: number;
  /** Frame (and time) of the segment that completed the message. */
  readonly frameNo: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  /** Stream offset of the message's first byte (bytes pushed and gaps before it). */
  readonly streamOffset: number;
}
