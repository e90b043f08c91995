/** Anomalies of the delivery layer (spool, links to mediation functions). See ../anomaly.ts for the rules. */
import type { AnomalyDef } from '../anomaly.js';

export const DELIVER_ANOMALIES = {
  'deliver.spool_full': {
    severity: 'error',
    mayHideTarget: true,
    description: 'a destination spool reached its size cap: the PDU was NOT delivered to that destination (gap in its sequence numbers)',
  },
  'deliver.spool_torn_tail': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'a spool segment ended in a partly written entry (crash while appending); the partial entry was cut off',
  },
  'deliver.spool_corrupt': {
    severity: 'error',
    mayHideTarget: true,
    description: 'a spool entry failed its length or CRC check; the rest of that segment could not be replayed',
  },
} as const satisfies Record<string, AnomalyDef>;
