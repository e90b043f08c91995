/** Anomalies of the correlate layer. See ../anomaly.ts for the rules. */
import type { AnomalyDef } from '../anomaly.js';

export const CORRELATE_ANOMALIES = {
} as const satisfies Record<string, AnomalyDef>;
