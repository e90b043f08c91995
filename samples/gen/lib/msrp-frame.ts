/**
 * MSRP frame text (RFC 4975 section 7.1): start line `MSRP <transaction-id> <method | status>`,
 * headers, optional body, and the end-line `-------<transaction-id><flag>`.
 */

export interface MsrpFrameOptions {
  transactionId: string;
  /** Method for requests (`SEND`, `REPORT`, `AUTH`) or `<code> <phrase>` for responses. */
  startLine: string;
  /** Headers in order, e.g. [['To-Path', ...], ['From-Path', ...], ['Message-ID', ...]]. */
  headers: readonly (readonly [string, string])[];
  /** Content; when present a blank line separates it from the headers (RFC 4975 section 7.1). */
  body?: string | Uint8Array;
  /** Continuation flag: '$' complete (default), '+' more chunks follow, '#' aborted. */
  flag?: '$' | '+' | '#';
}

/** Builds one MSRP frame. */
export function msrpFrame(o: MsrpFrameOptions): Uint8Array {
  const head = [`MSRP ${o.transactionId} ${o.startLine}`, ...o.headers.map(([n, v]) => `${n}: ${v}`)].join('\r\n') + '\r\n';
  const end = `-------${o.transactionId}${o.flag ?? '$'}\r\n`;
  if (o.body === undefined) return Buffer.from(head + end, 'utf8');
  const body = typeof o.body === 'string' ? Buffer.from(o.body, 'utf8') : Buffer.from(o.body);
  // The body is followed by CRLF before the end-line (RFC 4975 section 7.1, "data" ABNF).
  return Buffer.concat([Buffer.from(head + '\r\n', 'utf8'), body, Buffer.from('\r\n' + end, 'utf8')]);
}
