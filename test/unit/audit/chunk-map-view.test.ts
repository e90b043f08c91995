import { describe, expect, it } from 'vitest';
import { buildChunkMap } from '../../../src/audit/chunk-map-view.js';

describe('buildChunkMap', () => {
  it('orders received, duplicate and missing ranges; total from the declared size', () => {
    const m = buildChunkMap(
      {
        messageId: 'x',
        direction: 'toTarget',
        contentType: null,
        innerContentType: null,
        size: 20,
        sha256: null,
        innerSha256: null,
        chunks: 3,
        status: 'incomplete',
        reportStatuses: [],
        firstFrame: 1,
        lastFrame: 3,
        missing: [
          { start: 11, end: 20 },
          { start: 31, end: '*' },
        ],
        imdn: null,
        isComposing: false,
        carriedBy: 'msrp',
      },
      {
        firstTime: '',
        lastTime: '',
        totalSize: 40,
        senderSide: null,
        cpimFrom: null,
        cpimTo: [],
        contentOffset: null,
        contentLength: null,
        chunkList: [
          { start: 21, end: 30, frame: 3, lastFrame: 3, time: '', flag: null, duplicate: false },
          { start: 1, end: 10, frame: 1, lastFrame: 2, time: '', flag: '+', duplicate: false },
          { start: 1, end: 10, frame: 5, lastFrame: 5, time: '', flag: '+', duplicate: true },
        ],
        chunkListOmitted: 0,
        reports: [],
      },
    )!;
    expect(m.total).toBe(40);
    expect(m.segments.map((s) => `${s.start}-${s.end ?? '*'}:${s.kind}`)).toEqual(['1-10:received', '1-10:duplicate', '11-20:missing', '21-30:received', '31-*:missing']);
  });
});
