/**
 * A captured frame as the capture layer hands it on: time, link type, lengths and bytes.
 *
 * @remarks `data` is a view into the reader's buffer. It is valid only until the reader that
 * produced it is asked for its next frame; anything that outlives that (reassembly, correlation,
 * records) must copy the bytes it keeps.
 */
export interface CapturedFrame {
  /** 1-based frame number in the merged input, as tshark numbers frames for a single file. */
  frameNo: number;
  /** Capture time: whole seconds since the Unix epoch. */
  tsSec: number;
  /** Capture time: nanoseconds within the second (0..999 999 999). */
  tsNsec: number;
  /** LINKTYPE_* value of the interface (see ./link-type.ts). */
  linkType: number;
  /** Bytes captured (`data.length`). */
  capLen: number;
  /** Length of the packet on the wire; larger than capLen when the snaplen cut it. */
  origLen: number;
  data: Uint8Array;
  /**
   * Optional, set by the file readers: `data` is `buf[offset, offset + capLen)`. Decoding reads
   * through these (src/decode/decode-frame.ts), so a frame whose `data` nobody asks for never
   * gets a view object of its own: one allocation less per frame, most of what `stats` allocated.
   */
  readonly buf?: Uint8Array;
  readonly offset?: number;
  /** pcapng interface id (0 for classic pcap and live capture). */
  interfaceId: number;
  /** Index of the input (the n-th `-r` file) this frame came from. */
  source: number;
}

/** Compares two capture times; negative when a is earlier. */
export function compareTime(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return aSec !== bSec ? aSec - bSec : aNsec - bNsec;
}
