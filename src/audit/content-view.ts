/**
 * How a message body is shown in the report (issue 6: text shown, binaries as size and hash,
 * small images as thumbnails). The decision trusts the bytes, not the claimed Content-Type: an
 * image is inlined only when its magic number matches a raster format a browser renders without
 * script (PNG, JPEG, GIF, WebP); SVG is never inlined as an image (it can carry script and
 * links) but shown as text like any XML.
 */
import { createHash } from 'node:crypto';

export type ContentView =
  | { readonly kind: 'text'; readonly mediaType: string | null; readonly text: string; readonly size: number; readonly sha256: string; readonly shownBytes: number }
  | { readonly kind: 'image'; readonly mediaType: string; readonly dataUri: string; readonly size: number; readonly sha256: string }
  | { readonly kind: 'binary'; readonly mediaType: string | null; readonly size: number; readonly sha256: string }
  | { readonly kind: 'none'; readonly reason: string; readonly size: number | null; readonly sha256: string | null };

export interface ContentViewOptions {
  /** Largest image inlined as a data: URI thumbnail (default 256 KiB). */
  readonly maxImageBytes?: number;
  /** Text bytes shown (default 16 KiB); the rest is summarised. */
  readonly maxTextBytes?: number;
}

const TEXTUAL = /^(text\/|application\/(?:xml|json|sdp|javascript|x-www-form-urlencoded)$|[^/]+\/[^;]*\+(?:xml|json)$|message\/(?:imdn|cpim))/;

/** The raster format of an image by its magic number, or null. */
export function sniffImage(b: Uint8Array): string | null {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38 && (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61) return 'image/gif';
  if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'image/webp';
  return null;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text without control characters other than TAB/CR/LF, or null. */
function asText(b: Uint8Array): string | null {
  let s: string;
  try {
    s = UTF8.decode(b);
  } catch {
    return null;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point (text with them is shown as hex)
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s) ? null : s;
}

/** Chooses the view of a body (`bytes` = the user content: CPIM already unwrapped). */
export function contentView(bytes: Uint8Array, mediaType: string | null, o: ContentViewOptions = {}): ContentView {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const size = bytes.length;
  const img = sniffImage(bytes);
  if (img !== null) {
    if (size <= (o.maxImageBytes ?? 256 * 1024)) return { kind: 'image', mediaType: img, dataUri: `data:${img};base64,${Buffer.from(bytes).toString('base64')}`, size, sha256 };
    return { kind: 'binary', mediaType: mediaType ?? img, size, sha256 };
  }
  const maxText = o.maxTextBytes ?? 16 * 1024;
  const textual = mediaType === null || TEXTUAL.test(mediaType);
  if (textual) {
    // Cut on a UTF-8 character boundary (never inside a multi-byte sequence).
    let n = Math.min(size, maxText);
    while (n < size && n > 0 && (bytes[n]! & 0xc0) === 0x80) n--;
    const text = asText(bytes.subarray(0, n));
    if (text !== null) return { kind: 'text', mediaType, text, size, sha256, shownBytes: n };
  }
  return { kind: 'binary', mediaType, size, sha256 };
}
