/**
 * UTF-8 checks for ASN.1 UTF8String (X.690 8.23.10: the content is the UTF-8 encoding, so it must
 * be well-formed UTF-8, RFC 3629) and for showing SIP/MSRP bytes as text in the decode output.
 */
import { isUtf8 } from 'node:buffer';

const FATAL = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * True when the bytes are well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
 * Node's validator: no string is decoded just to test (the same verdict as a fatal TextDecoder,
 * checked by test/fuzz/encode-utf8.test.ts), once per CC frame on the encode path.
 */
export function isValidUtf8(b: Uint8Array): boolean {
  return isUtf8(b);
}

/** Decodes well-formed UTF-8; undefined when the bytes are not. */
export function decodeUtf8(b: Uint8Array): string | undefined {
  try {
    return FATAL.decode(b);
  } catch {
    return undefined;
  }
}

/**
 * True when the bytes are UTF-8 text suitable to print: valid UTF-8 without control characters
 * other than TAB, CR and LF.
 */
export function isPrintableText(b: Uint8Array): boolean {
  const s = decodeUtf8(b);
  if (s === undefined) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point (they make the bytes non-printable)
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s);
}

/** True when a JS string can be encoded as UTF-8 losslessly (no lone surrogates). */
export function isWellFormedString(s: string): boolean {
  // String.prototype.isWellFormed is ES2024; check surrogates by hand for the ES2023 lib.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}
