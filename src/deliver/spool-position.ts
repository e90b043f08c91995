/**
 * A place in a destination's spool (./pdu-spool.ts): segment number and byte offset in it. Its
 * schema is the one definition of `released.json`, which the spool writes and reads back.
 */
import { z } from 'zod';

export const spoolPositionSchema = z
  .strictObject({
    /** Segment files are named by 12 digits. */
    seg: z.number().int().min(1).max(999_999_999_999),
    off: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  })
  .readonly();

export type SpoolPosition = z.infer<typeof spoolPositionSchema>;

/** Positional comparison. */
export function comparePositions(a: SpoolPosition, b: SpoolPosition): number {
  return a.seg !== b.seg ? a.seg - b.seg : a.off - b.off;
}
