/**
 * ContentStore lookups: by the frame the audit saw a message end in, and, for a relayed message
 * whose record comes from the target's own leg (another frame, src/correlate/relay-leg-hold.ts),
 * by its task and Message-ID when that names one body only.
 */
import { describe, expect, it } from 'vitest';
import { ContentStore } from '../../../src/audit/content-store.js';

const body = (s: string) => new TextEncoder().encode(s);

describe('ContentStore', () => {
  it('finds a body by frame, else by a Message-ID unique in its task (no guess when two share it)', () => {
    const st = new ContentStore();
    st.add('L1', 22, 'mid-a', body('hello'), false);
    expect(st.get('L1', 22, 'mid-a')?.size).toBe(5);
    // The audit saw the message end at frame 20 (the relay's leg); the record is from frame 22.
    expect(st.get('L1', 20, 'mid-a')?.size).toBe(5);
    expect(st.get('L2', 20, 'mid-a')).toBeUndefined();
    expect(st.get('L1', 20, 'mid-b')).toBeUndefined();
    expect(st.get('L1', 20, null)).toBeUndefined();
    // No guess when two bodies of a task share the Message-ID.
    st.add('L1', 40, 'mid-a', body('three'), false);
    expect(st.get('L1', 40, 'mid-a')?.size).toBe(5);
    expect(st.get('L1', 20, 'mid-a')).toBeUndefined();
  });
});
