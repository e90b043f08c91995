/** Anomalies of the msrp layer. See ../anomaly.ts for the rules. */
import type { AnomalyDef } from '../anomaly.js';

export const MSRP_ANOMALIES = {
} as const satisfies Record<string, AnomalyDef>;
