/** Anomalies of the sdp layer. See ../anomaly.ts for the rules. */
import type { AnomalyDef } from '../anomaly.js';

export const SDP_ANOMALIES = {
} as const satisfies Record<string, AnomalyDef>;
