/**
 * The masking key of the current WebSocket frame (RFC 6455 5.3: client frames carry a 32-bit key,
 * payload byte i is XORed with key[i mod 4]) and how far into the payload it has been applied, so
 * a payload cut across segments unmasks as one.
 */
export class WebSocketMask {
  /** The current frame carries a key. */
  masked = false;
  private readonly key = new Uint8Array(4);
  /** Payload offset of the next byte to unmask. */
  private pos = 0;
  /** Scratch for the 32-bit form of the rotated key. */
  private readonly word = new Uint8Array(4);

  /** A new frame: its key is `head[at, at + 4)` when `masked`. */
  start(masked: boolean, head: Uint8Array, at: number): void {
    this.masked = masked;
    if (masked) this.key.set(head.subarray(at, at + 4));
    this.pos = 0;
  }

  /** `n` payload bytes passed without being unmasked. */
  skip(n: number): void {
    this.pos += n;
  }

  /**
   * Unmasks the next `n` payload bytes, b[at, at + n), in place (nothing when the frame is not
   * masked). Four bytes at a time where b is aligned: `b` must start at an aligned offset of its
   * buffer (the decoder's own buffers do).
   */
  apply(b: Uint8Array, at: number, n: number): void {
    if (!this.masked) return;
    const key = this.key;
    const end = at + n;
    let j = at;
    let m = this.pos;
    while (j < end && ((b.byteOffset + j) & 3) !== 0) b[j++]! ^= key[m++ & 3]!;
    const words = (end - j) >> 2;
    if (words > 0) {
      // The key rotated to this position, read in the platform's byte order like the data.
      for (let q = 0; q < 4; q++) this.word[q] = key[(m + q) & 3]!;
      const w = new Uint32Array(this.word.buffer, this.word.byteOffset, 1)[0]!;
      const u = new Uint32Array(b.buffer, b.byteOffset + j, words);
      for (let q = 0; q < words; q++) u[q]! ^= w;
      j += words * 4;
      m += words * 4;
    }
    while (j < end) b[j++]! ^= key[m++ & 3]!;
    this.pos += n;
  }
}
