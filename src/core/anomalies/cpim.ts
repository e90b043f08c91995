/** Anomalies of the cpim layer. See ../anomaly.ts for the rules. */
import type { AnomalyDef } from '../anomaly.js';

export const CPIM_ANOMALIES = {
} as const satisfies Record<string, AnomalyDef>;
