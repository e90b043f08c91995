/** The counters of the LI_T3 triggers applied on this tap (issue 15, ./trigger-claims.ts), part of `Correlator.stats()`. */
import type { Percentiles } from './latency-samples.js';

/** The counters of {@link TriggerClaims} (in `Correlator.stats()`). */
export interface TriggerClaimStats {
  /** Triggers applied and not yet forgotten. */
  readonly triggersActive: number;
  readonly triggersApplied: number;
  /** Malformed, or naming no local task. */
  readonly triggersRefused: number;
  /** This tap's own (originTap = tapId). */
  readonly triggersIgnoredOwn: number;
  /** Its session ids bound to a local SIP session of the same task. */
  readonly triggersIgnoredDuplicate: number;
  readonly triggersWithdrawn: number;
  readonly triggersEvicted: number;
  readonly triggersExpired: number;
  /** MSRP sessions (without SIP) claimed by a trigger, and those of them claimed with held frames. */
  readonly triggerClaimedSessions: number;
  readonly triggerClaimedHeldSessions: number;
  /**
   * Sessions a trigger found already intercepted for its task by this tap's own CPIM match
   * (./msrp-messages.ts): their records keep this tap's correlation id (the MDF cannot join them
   * to the triggering tap's IRI by it); not claimed twice. With a bus the CPIM match waits for a
   * trigger (./cpim-deferral.ts), so this counts only triggers later than that wait.
   */
  readonly triggerClaimsPreempted: number;
  /** Frames naming a trigger's id that it did not claim: the id was not one of their session's own (correlate.trigger_foreign_frame). */
  readonly triggerForeignFrames: number;
  /** Frames of a trigger's ids before its window (less the clock skew tolerance) or after its end. */
  readonly triggerFramesOutsideWindow: number;
  /** Re-activations of a withdrawn trigger refused (correlate.trigger_reopen_refused). */
  readonly triggerReopensRefused: number;
  /** Triggers kept without their SDP answer: the SDP byte budget was spent (correlate.trigger_sdp_dropped). */
  readonly triggerSdpsDropped: number;
  /**
   * Sessions claimed whose MSRP this tap bound to a local SIP dialog it found no target in
   * (correlate.trigger_local_nontarget_sip, ./trigger-shadows.ts): recorded for the trigger.
   */
  readonly triggerLocalNonTargetClaims: number;
  /** Trigger latency of the held sessions claimed (first frame held → trigger applied), in capture time and wall time. */
  readonly triggerLatencyCaptureMs: Percentiles | null;
  readonly triggerLatencyWallMs: Percentiles | null;
}
