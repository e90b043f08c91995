/** Issue 15: the checks a trigger from the bus must pass before ./trigger-claims.ts applies it. */
import type { MediaTrigger } from './media-trigger.js';

const SID_RE = /^[\x21-\x7e]{1,256}$/;

/** Why a trigger cannot be applied (detail of `correlate.trigger_refused`: field names only), or null. */
export function triggerMalformed(t: MediaTrigger): string | null {
  if (typeof t.xId !== 'string' || t.xId.length === 0 || t.xId.length > 64) return 'xId';
  if (typeof t.productId !== 'string') return 'productId';
  if (typeof t.correlationId !== 'string' || !/^[0-9a-fA-F]{16}$/.test(t.correlationId)) return 'correlationId';
  if (!Array.isArray(t.sessionIds) || t.sessionIds.length === 0 || t.sessionIds.length > 16 || !t.sessionIds.every((x) => typeof x === 'string' && SID_RE.test(x))) return 'sessionIds';
  if (t.targetSessionIds !== undefined && (!Array.isArray(t.targetSessionIds) || !t.targetSessionIds.every((x) => typeof x === 'string'))) return 'targetSessionIds';
  if (!instant(t.windowStart)) return 'windowStart';
  if (t.windowEnd !== null && !instant(t.windowEnd)) return 'windowEnd';
  if (typeof t.sdpAnswer !== 'string' || typeof t.originTap !== 'string') return 'sdp';
  return null;
}

function instant(x: unknown): boolean {
  const i = x as { sec?: unknown; nsec?: unknown } | null;
  return i !== null && typeof i === 'object' && Number.isFinite(i.sec) && Number.isInteger(i.nsec) && (i.nsec as number) >= 0 && (i.nsec as number) < 1e9;
}
