/**
 * The one line that says a run's result may be partial: the anomalies whose declaration says
 * `mayHideTarget` (src/core/anomalies), counted by code. Counts and codes only: the line may
 * leave the LI domain, so it carries no content, identity or frame detail.
 */
import { mayHideTargetCounts } from '../core/anomaly.js';

/**
 * `msrptap: warning: 3 events may have hidden traffic from interception: sip.too_many_headers=1 tcp.gap=2`
 * (with a trailing newline), or null when no such event was counted.
 *
 * @param counts anomaly counts by code (AnomalyCounter.toJSON()).
 */
export function hiddenTrafficWarning(counts: Readonly<Record<string, number>>): string | null {
  const { total, codes } = mayHideTargetCounts(counts);
  if (total === 0) return null;
  const list = codes.map(([code, n]) => `${code}=${n}`).join(' ');
  return `msrptap: warning: ${total} ${total === 1 ? 'event' : 'events'} may have hidden traffic from interception: ${list}\n`;
}
