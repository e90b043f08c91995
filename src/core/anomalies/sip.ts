/** Anomalies of the sip layer. See ../anomaly.ts for the rules. */
import type { AnomalyDef } from '../anomaly.js';

export const SIP_ANOMALIES = {
} as const satisfies Record<string, AnomalyDef>;
