import { mayHideTargetCounts } from '../core/anomaly.js';
import type { Logger } from '../core/log.js';

/**
 * The one event that says a run's result may be partial: the anomalies whose declaration says
 * `mayHideTarget` (src/core/anomalies), counted by code. Counts and codes only.
 */
export function logHiddenTraffic(log: Logger, counts: Readonly<Record<string, number>>): void {
  const { total, codes } = mayHideTargetCounts(counts);
  if (total === 0) return;
  log.log('warn', 'anomalies.may_hide_target', { total, codes: Object.fromEntries(codes) }, `${total} ${total === 1 ? 'event' : 'events'} may have hidden traffic from interception`);
}
