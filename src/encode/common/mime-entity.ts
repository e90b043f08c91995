/**
 * The RFC 2045 MIME entity carried in 33.128 EncapsulatedMIMEEntity (rCSMessage fullPayload.mIME,
 * li-standards 6.5), built as bytes in one buffer: a Content-Type header, then the content
 * verbatim when it is valid UTF-8 (the UTF8String stays valid), else base64 with
 * "Content-Transfer-Encoding: base64" in 76-character lines (RFC 2045 6.8) written straight into
 * the output, with no base64 string, no line array and no UTF-8 re-encoding of the result.
 */
import { isValidUtf8 } from './utf8.js';

const ALPHABET = new TextEncoder().encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
/** RFC 2045 6.8: encoded lines are at most 76 characters (57 input octets). */
const LINE_INPUT = 57;

/** Length of base64 of `n` octets in 76-character lines joined by CRLF (no final CRLF). */
function base64LinesLength(n: number): number {
  const chars = Math.ceil(n / 3) * 4;
  const lines = Math.ceil(n / LINE_INPUT);
  return chars + (lines > 1 ? (lines - 1) * 2 : 0);
}

/** Writes base64 of `src` (RFC 4648 4, padded) at `p` in 76-character CRLF-separated lines; returns the end offset. */
function writeBase64Lines(src: Uint8Array, out: Uint8Array, p: number): number {
  const n = src.length;
  const a = ALPHABET;
  for (let line = 0; line < n; line += LINE_INPUT) {
    if (line > 0) {
      out[p++] = 0x0d;
      out[p++] = 0x0a;
    }
    const end = Math.min(n, line + LINE_INPUT);
    let i = line;
    for (; i + 3 <= end; i += 3) {
      const v = (src[i]! << 16) | (src[i + 1]! << 8) | src[i + 2]!;
      out[p++] = a[v >>> 18]!;
      out[p++] = a[(v >>> 12) & 63]!;
      out[p++] = a[(v >>> 6) & 63]!;
      out[p++] = a[v & 63]!;
    }
    // Only the last line can end with 1 or 2 octets (57 is a multiple of 3).
    if (i < end) {
      const b0 = src[i]!;
      const b1 = i + 1 < end ? src[i + 1]! : 0;
      out[p++] = a[b0 >>> 2]!;
      out[p++] = a[((b0 & 3) << 4) | (b1 >>> 4)]!;
      out[p++] = i + 1 < end ? a[(b1 & 15) << 2]! : 0x3d;
      out[p++] = 0x3d;
    }
  }
  return p;
}

const ENC = new TextEncoder();
const BASE64_HEADER = ENC.encode('\r\nContent-Transfer-Encoding: base64\r\n\r\n');
const CRLF2 = ENC.encode('\r\n\r\n');

/**
 * The complete MIME entity bytes: `Content-Type: CT` CRLF CRLF content, or for content that is
 * not valid UTF-8 `Content-Type: CT` CRLF `Content-Transfer-Encoding: base64` CRLF CRLF base64
 * lines CRLF. Always valid UTF-8 when `contentType` is a well-formed string.
 */
export function mimeEntityBytes(contentType: string, content: Uint8Array): Uint8Array {
  // A header value must stay on one line (RFC 5322 2.2); CR/LF cannot come from a parsed header.
  const head = ENC.encode(`Content-Type: ${contentType.replace(/[\r\n]/g, ' ')}`);
  if (isValidUtf8(content)) {
    const out = new Uint8Array(head.length + CRLF2.length + content.length);
    out.set(head, 0);
    out.set(CRLF2, head.length);
    out.set(content, head.length + CRLF2.length);
    return out;
  }
  const out = new Uint8Array(head.length + BASE64_HEADER.length + base64LinesLength(content.length) + 2);
  out.set(head, 0);
  let p = writeBase64Lines(content, out, head.length + BASE64_HEADER.length);
  out.set(BASE64_HEADER, head.length);
  out[p++] = 0x0d;
  out[p++] = 0x0a;
  return out;
}
