/**
 * Locates the SDP of a SIP message: the body itself when it is application/sdp (RFC 3264),
 * or the first application/sdp part of a multipart body (RFC 5621), searching nested
 * multiparts a few levels deep.
 */
import type { AnomalySink } from '../../core/anomaly.js';
import type { ContentType } from './content-type.js';
import { parseMultipart } from './parse-multipart.js';
import type { SipMessage } from './sip-message.js';

/** Nesting depth searched; deeper multiparts are not SIP practice and are ignored. */
const MAX_DEPTH = 4;

function search(body: Uint8Array, ct: ContentType, depth: number, sink?: AnomalySink, frameNo?: number): Uint8Array | null {
  if (ct.mediaType === 'application/sdp') return body;
  if (ct.type !== 'multipart' || depth >= MAX_DEPTH) return null;
  const parts = parseMultipart(body, ct, sink, frameNo);
  if (parts === null) return null;
  for (const p of parts) {
    if (p.contentType === null) continue;
    const r = search(p.body, p.contentType, depth + 1, sink, frameNo);
    if (r !== null) return r;
  }
  return null;
}

/**
 * The SDP bytes of `msg`, or null when it carries none (no body, no Content-Type, or no
 * application/sdp part). Multipart damage is reported to `sink` when given.
 *
 * @remarks The result is a view into `msg.raw`.
 */
export function findSdp(msg: SipMessage, sink?: AnomalySink): Uint8Array | null {
  if (msg.body.length === 0 || msg.contentType === null) return null;
  return search(msg.body, msg.contentType, 0, sink, msg.frameNo);
}
