/**
 * MsrpFramer.atFrameBoundary: true only between frames with nothing of the next one seen. The
 * flow bypass is honoured only there (src/analyzers/app-stream-consumer.ts): a bypass that begins
 * after a partial start line, head or body would cut that frame (review finding F10).
 */
import { describe, expect, it } from 'vitest';
import { MsrpFramer } from '../../../../src/protocols/msrp/msrp-framer.js';
import { enc, newCounter, RecordingSink, sendFrame } from '../../../helpers/msrp-test-helpers.js';

const ONE = sendFrame({ tid: 'a1', messageId: 'm1', range: '1-5/5', body: 'hello' });
const TWO = sendFrame({ tid: 'b2', messageId: 'm2', range: '1-5/5', body: 'world' });

/** A framer fed `pieces` in order; returns it and the frames it ended. */
function fed(...pieces: Uint8Array[]): { framer: MsrpFramer; sink: RecordingSink } {
  const sink = new RecordingSink();
  const framer = new MsrpFramer(sink, newCounter());
  let no = 1;
  for (const p of pieces) framer.push(p, no++, 1_700_000_000, 0);
  return { framer, sink };
}

describe('MsrpFramer.atFrameBoundary', () => {
  it('is true after a frame that ends exactly at the end of the bytes pushed', () => {
    const { framer, sink } = fed(ONE);
    expect(sink.frames).toHaveLength(1);
    expect(framer.atFrameBoundary).toBe(true);
    expect(fed(ONE, TWO).framer.atFrameBoundary).toBe(true);
  });

  it('is false when anything of the next frame was pushed after the end, however little', () => {
    const both = new Uint8Array([...ONE, ...TWO]);
    // 1 byte ("M"), 5 ("MSRP "), inside the head, at the blank line, inside the body and just
    // before the end-line's last LF.
    for (const extra of [1, 5, 20, TWO.length - 22, TWO.length - 10, TWO.length - 1]) {
      const { framer, sink } = fed(both.subarray(0, ONE.length + extra));
      expect(sink.frames.length, `extra=${extra}`).toBeGreaterThanOrEqual(1);
      expect(framer.atFrameBoundary, `extra=${extra}`).toBe(false);
    }
  });

  it('is false while a frame is in progress, on garbage after a frame, and after a gap until a frame ends', () => {
    expect(fed(ONE.subarray(0, ONE.length - 1)).framer.atFrameBoundary).toBe(false);
    expect(fed(ONE, enc('\r\n')).framer.atFrameBoundary).toBe(false);
    const { framer } = fed(ONE);
    framer.gap(10, 2, 1_700_000_000, 0);
    expect(framer.atFrameBoundary).toBe(false);
    framer.push(TWO, 3, 1_700_000_000, 0);
    expect(framer.atFrameBoundary).toBe(true);
  });
});
