/**
 * Message bodies for the HTML report and `--extract`, taken from the rCSMessage records the
 * pipeline emits (the audit itself keeps metadata only). Bounded: a body is kept only while the
 * store stays under its total cap; beyond it only the size and SHA-256 remain (the report then
 * shows "not retained" and `--extract` skips the file, both saying why).
 */
import { createHash } from 'node:crypto';
import type { ContentLookup, StoredContent } from './report-input.js';

export interface ContentStoreOptions {
  /** Bytes kept over all bodies (default 256 MiB). */
  readonly maxTotalBytes?: number;
  /** Entries remembered (default 100 000); further bodies are not listed at all. */
  readonly maxEntries?: number;
}

interface Entry extends StoredContent {
  readonly messageId: string | null;
}

export class ContentStore implements ContentLookup {
  private readonly byKey = new Map<string, Entry[]>();
  /**
   * By task and Message-ID, for a relayed message (RFC 4976) whose record comes from the copy on
   * the target's own leg, not from the frame the audit saw it end in (src/correlate/relay-leg-hold.ts);
   * null when two bodies share it (then no guess is made).
   */
  private readonly byMid = new Map<string, Entry | null>();
  private readonly maxTotal: number;
  private readonly maxEntries: number;
  private entries = 0;
  /** Bytes currently kept. */
  keptBytes = 0;
  /** Bodies whose bytes were not kept (cap), and bodies not listed at all (entry cap). */
  droppedBodies = 0;
  droppedEntries = 0;

  constructor(o: ContentStoreOptions = {}) {
    this.maxTotal = o.maxTotalBytes ?? 256 * 1024 * 1024;
    this.maxEntries = o.maxEntries ?? 100_000;
  }

  /** One rCSMessage body: task LIID, the frame the message ended in (the record's frame), its Message-ID. */
  add(liid: string, lastFrame: number, messageId: string | null, body: Uint8Array, truncated: boolean): void {
    if (this.entries >= this.maxEntries) {
      this.droppedEntries++;
      return;
    }
    const key = `${liid}\u0000${lastFrame}`;
    const list = this.byKey.get(key) ?? [];
    if (list.some((e) => e.messageId === messageId)) return;
    const keep = this.keptBytes + body.length <= this.maxTotal;
    if (keep) this.keptBytes += body.length;
    else this.droppedBodies++;
    const e: Entry = { messageId, bytes: keep ? body : null, size: body.length, sha256: createHash('sha256').update(body).digest('hex'), truncated };
    list.push(e);
    this.byKey.set(key, list);
    if (messageId !== null) {
      const k = `${liid}\u0000${messageId}`;
      this.byMid.set(k, this.byMid.has(k) ? null : e);
    }
    this.entries++;
  }

  get(liid: string, lastFrame: number, messageId: string | null): StoredContent | undefined {
    const list = this.byKey.get(`${liid}\u0000${lastFrame}`);
    // A pager MESSAGE without CPIM has no Message-ID in the audit; its record names one anyway.
    const hit = list === undefined ? undefined : messageId === null ? list[0] : list.find((e) => e.messageId === messageId);
    return hit ?? (messageId === null ? undefined : (this.byMid.get(`${liid}\u0000${messageId}`) ?? undefined));
  }
}
