/**
 * The registry: every anomaly code of every layer. Each layer owns one file here so codes are
 * declared exactly once; a duplicate code across layers fails the unit test of this registry.
 */
import { CAPTURE_ANOMALIES } from './capture.js';
import { DECODE_ANOMALIES } from './decode.js';
import { FLOW_ANOMALIES } from './flow.js';
import { SIP_ANOMALIES } from './sip.js';
import { SDP_ANOMALIES } from './sdp.js';
import { MSRP_ANOMALIES } from './msrp.js';
import { CPIM_ANOMALIES } from './cpim.js';
import { CORRELATE_ANOMALIES } from './correlate.js';
import { DELIVER_ANOMALIES } from './deliver.js';
import { WEBSOCKET_ANOMALIES } from './websocket.js';
import { TLS_ANOMALIES } from './tls.js';

/** Per-layer tables, exported so a test can check that no code is declared twice. */
export const ANOMALY_LAYERS = {
  capture: CAPTURE_ANOMALIES,
  decode: DECODE_ANOMALIES,
  flow: FLOW_ANOMALIES,
  sip: SIP_ANOMALIES,
  sdp: SDP_ANOMALIES,
  msrp: MSRP_ANOMALIES,
  cpim: CPIM_ANOMALIES,
  correlate: CORRELATE_ANOMALIES,
  deliver: DELIVER_ANOMALIES,
  websocket: WEBSOCKET_ANOMALIES,
  tls: TLS_ANOMALIES,
} as const;

export const ANOMALIES = {
  ...CAPTURE_ANOMALIES,
  ...DECODE_ANOMALIES,
  ...FLOW_ANOMALIES,
  ...SIP_ANOMALIES,
  ...SDP_ANOMALIES,
  ...MSRP_ANOMALIES,
  ...CPIM_ANOMALIES,
  ...CORRELATE_ANOMALIES,
  ...DELIVER_ANOMALIES,
  ...WEBSOCKET_ANOMALIES,
  ...TLS_ANOMALIES,
} as const;

export type AnomalyCode = keyof typeof ANOMALIES;
