/**
 * A message that finished while its session was held (./held-budget.ts) has its content twice:
 * once as the bodies of its held request frames (the X3), once as the content the message tracker
 * kept (the rCSMessage). Held twice, a file near the per-session budget cannot be kept beside its
 * own frames, and its rCSMessage was lost when the trigger came after it closed (issue 15,
 * docs/scaling-out.md). So the content is kept as views of the held frames' bodies instead, when
 * they make it up exactly: RFC 4975 section 7.1.1, a chunk's body is the bytes of the message from
 * its Byte-Range start, and the tracker's content is the in-order body bytes from the first
 * (./message-tracker.ts). The views are checked byte for byte against that content when the
 * message is held, so what goes out is the content the tracker kept, whatever the frames were
 * (retransmitted, overlapping, interleaved with another message's chunks).
 */
import { bytesEqual } from '../util/bytes.js';
import type { HeldFrame } from './session.js';

/**
 * Views of `frames`' bodies that, in order, are exactly `content` (the content of message `mid`
 * as the tracker kept it); null when the held frames do not cover it (a frame not held, cut, or
 * with other bytes). The views alias the frames' bytes.
 */
export function heldMessageParts(frames: readonly HeldFrame[], mid: string, content: Uint8Array): Uint8Array[] | null {
  const chunks: { at: number; body: Uint8Array }[] = [];
  for (const f of frames) {
    if (f.method !== 'SEND' || f.truncated || f.messageId !== mid || f.rangeStart === undefined || f.bodyAt === undefined || f.bodyLength === undefined) continue;
    const at = f.rangeStart - 1;
    if (at < 0 || at >= content.length || f.bodyAt + f.bodyLength > f.bytes.length) continue;
    chunks.push({ at, body: f.bytes.subarray(f.bodyAt, f.bodyAt + Math.min(f.bodyLength, content.length - at)) });
  }
  // Stable: of two chunks at one position (a retransmission) the first held is used.
  chunks.sort((a, b) => a.at - b.at);
  const parts: Uint8Array[] = [];
  let covered = 0;
  for (const c of chunks) {
    if (covered >= content.length) break;
    if (c.at > covered) return null;
    const end = c.at + c.body.length;
    if (end <= covered) continue;
    const view = c.body.subarray(covered - c.at);
    if (!bytesEqual(view, content.subarray(covered, end))) return null;
    parts.push(view);
    covered = end;
  }
  return covered === content.length ? parts : null;
}
