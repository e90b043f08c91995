/**
 * Anomalies of the trigger bus (issue 15: LI_T3 triggers between taps over NATS JetStream KV,
 * TS 33.128 clause 5.2.5). See ../anomaly.ts for the rules.
 */
import type { AnomalyDef } from '../anomaly.js';

export const BUS_ANOMALIES = {
  'bus.trigger_refused': {
    severity: 'error',
    mayHideTarget: true,
    description: 'a trigger read from the bus was malformed (X1 schema, field or range rule) and was refused, not applied: the media it names is not intercepted here',
  },
  'bus.publish_failed': {
    severity: 'warning',
    mayHideTarget: false,
    description: 'putting a trigger into the bus failed (NATS down or refused); it is retried',
  },
  'bus.publish_dropped': {
    severity: 'error',
    mayHideTarget: true,
    description: 'a trigger could not be put into the bus before the retry queue cap or the end of the run: taps that see only the media do not intercept it',
  },
  'bus.watch_restarted': {
    severity: 'info',
    mayHideTarget: false,
    description: 'the watch of the trigger bucket ended (NATS restart) and was started again; the current triggers were reloaded',
  },
} as const satisfies Record<string, AnomalyDef>;
