/**
 * SIP message text (RFC 3261 section 7) for sample payloads: start line, headers in the given
 * order, CRLF line ends, and a Content-Length computed from the body (section 20.14).
 */

/** Header list: [name, value] pairs, kept in order (repeat a name for repeated headers). */
export type SipHeaders = readonly (readonly [string, string])[];

/**
 * Builds a SIP request or response. Adds `Content-Length` unless `headers` already has one
 * (or its compact form `l`), so a deliberately wrong length can be given.
 */
export function sipMessage(startLine: string, headers: SipHeaders, body: string | Uint8Array = ''): Uint8Array {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  const lines = [startLine, ...headers.map(([n, v]) => `${n}: ${v}`)];
  if (!headers.some(([n]) => /^(content-length|l)$/i.test(n))) lines.push(`Content-Length: ${b.length}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'utf8'), b]);
}

/** SDP body text from lines (RFC 8866 section 5: CRLF after every line). */
export function sdpBody(lines: readonly string[]): string {
  return lines.map((l) => l + '\r\n').join('');
}
