/**
 * Merges several frame readers into one stream in capture-time order, as mergecap does for
 * several `-r` files: a k-way merge over each reader's current frame, with a binary min-heap.
 *
 * Order: earlier time first; equal times by `source` index, then by position in the `readers`
 * array; frames of one reader keep their file order (a reader's next frame enters the heap only
 * after its previous one left it), so the merge is stable even for files that are not sorted.
 *
 * Buffer lifetime: each reader owns its buffer, so the frame a reader returned stays valid while
 * the others are read; it is invalidated only when that same reader is advanced, which happens
 * at the start of the following `next()` call, matching the FrameReader contract.
 */
import type { CapturedFrame } from '../core/frame.js';
import type { FrameReader } from './frame-reader.js';
import { createFrame, type ReaderFrame } from './frame-reader.js';

/**
 * Merges `readers` in timestamp order, renumbering `frameNo` 1..N across the merge.
 * With one reader, returns that reader itself (its numbering is already 1..N): no overhead.
 * The merged reader's `close()` closes every input.
 */
export function mergeReaders(readers: readonly FrameReader[]): FrameReader {
  if (readers.length === 1) return readers[0]!;
  return new MergedReader(readers);
}

class MergedReader implements FrameReader {
  readonly path: string;
  /** Current frame of each reader (the reader's own reused object), null when ended. */
  private readonly cur: (CapturedFrame | null)[];
  /** Min-heap of reader indices whose current frame is pending. */
  private readonly heap: number[] = [];
  private started = false;
  /** Reader whose frame was returned last: it is advanced at the next call. */
  private last = -1;
  private count = 0;
  private readonly out: ReaderFrame = createFrame(0);

  constructor(private readonly readers: readonly FrameReader[]) {
    this.path = readers.map((r) => r.path).join(',');
    this.cur = readers.map(() => null);
  }

  get bytesRead(): number {
    let n = 0;
    for (const r of this.readers) n += r.bytesRead;
    return n;
  }

  get totalBytes(): number | undefined {
    let n = 0;
    for (const r of this.readers) {
      const t = r.totalBytes;
      if (t === undefined) return undefined;
      n += t;
    }
    return n;
  }

  next(): CapturedFrame | null {
    const heap = this.heap;
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.readers.length; i++) {
        const f = this.readers[i]!.next();
        this.cur[i] = f;
        if (f !== null) this.push(i);
      }
    } else if (this.last >= 0) {
      // Advance the reader whose frame the caller has finished with; it stays at the heap top.
      // If it throws, `last` stays set: a retry asks the same reader again (a failed reader then
      // reports its end), so the other inputs can still be drained.
      const i = this.last;
      const f = this.readers[i]!.next();
      this.last = -1;
      this.cur[i] = f;
      if (f === null) {
        const tail = heap.pop()!;
        if (heap.length > 0) {
          heap[0] = tail;
          this.siftDown(0);
        }
      } else {
        this.siftDown(0);
      }
    }
    if (heap.length === 0) return null;
    const top = heap[0]!;
    this.last = top;
    const f = this.cur[top]!;
    const o = this.out;
    o.frameNo = ++this.count;
    o.tsSec = f.tsSec;
    o.tsNsec = f.tsNsec;
    o.linkType = f.linkType;
    o.capLen = f.capLen;
    o.origLen = f.origLen;
    if (f.buf !== undefined) o.setBytes(f.buf, f.offset ?? 0);
    else o.data = f.data;
    o.interfaceId = f.interfaceId;
    o.source = f.source;
    return o;
  }

  /** Only the readers the next call advances: the others' pending frames alias their buffers. */
  async waitReadable(): Promise<void> {
    if (!this.started) {
      for (const r of this.readers) await r.waitReadable?.();
    } else if (this.last >= 0) {
      await this.readers[this.last]!.waitReadable?.();
    }
  }

  readable(): boolean {
    if (!this.started) return this.readers.every((r) => r.readable?.() ?? true);
    return this.last < 0 || (this.readers[this.last]!.readable?.() ?? true);
  }

  /** True when reader a's current frame goes before reader b's. */
  private before(a: number, b: number): boolean {
    const fa = this.cur[a]!;
    const fb = this.cur[b]!;
    if (fa.tsSec !== fb.tsSec) return fa.tsSec < fb.tsSec;
    if (fa.tsNsec !== fb.tsNsec) return fa.tsNsec < fb.tsNsec;
    if (fa.source !== fb.source) return fa.source < fb.source;
    return a < b;
  }

  private push(i: number): void {
    const heap = this.heap;
    let k = heap.length;
    heap.push(i);
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!this.before(heap[k]!, heap[parent]!)) break;
      heap[k] = heap[parent]!;
      heap[parent] = i;
      k = parent;
    }
  }

  private siftDown(k: number): void {
    const heap = this.heap;
    const n = heap.length;
    for (;;) {
      const l = 2 * k + 1;
      if (l >= n) return;
      const r = l + 1;
      const c = r < n && this.before(heap[r]!, heap[l]!) ? r : l;
      if (!this.before(heap[c]!, heap[k]!)) return;
      const t = heap[k]!;
      heap[k] = heap[c]!;
      heap[c] = t;
      k = c;
    }
  }

  close(): void {
    let first: unknown;
    for (const r of this.readers) {
      try {
        r.close();
      } catch (e) {
        first ??= e;
      }
    }
    if (first !== undefined) throw first;
  }
}
