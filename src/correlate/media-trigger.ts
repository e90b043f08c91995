/**
 * The content of an LI_T3 trigger (TS 33.128 clause 5.2.5, TS 33.127 clause 5.3.3) for the MSRP
 * media of one intercepted session: what a tap that saw the SIP (the CC-TF) tells the tap that
 * sees the MSRP connections (the triggered CC-POI). It is an ordinary X1 ActivateTask (TS 103
 * 221-1) on the wire; this is the decoded form both the correlator and the bus work with.
 *
 * A trigger names the MSRP session ids (RFC 4975 section 9, the last URI of each `a=path`) of
 * the session: those, not the addresses, decide which frames it claims, so a shared relay
 * connection never gives the triggered tap another party's frames. The endpoints narrow the
 * connections worth holding before the frames are framed.
 */

/** One MSRP endpoint (address and port of an `a=path` URI or the SDP c=/m= line). */
export interface MediaEndpoint {
  /** Textual IPv4 or IPv6 address, as `formatIp` writes it. */
  readonly addr: string;
  readonly port: number;
}

/** A capture-time instant (seconds and nanoseconds since the epoch, as in CapturedFrame). */
export interface CaptureInstant {
  readonly sec: number;
  readonly nsec: number;
}

export interface MediaTrigger {
  /** The trigger task's XID, chosen by the triggering tap (a UUID, TS 103 221-1 clause 6.2.1). */
  readonly xId: string;
  /** The tap that published it (`--tap-id`): a tap ignores the triggers it published itself. */
  readonly originTap: string;
  /** ProductID: the warrant task's XID at the triggering tap; the X3 PDUs carry it as XID. */
  readonly productId: string;
  /** CorrelationID: the 8-octet value (hex) the triggering tap's X2 PDUs carry for this session. */
  readonly correlationId: string;
  /** The warrant task's destinations (ListOfDIDs). */
  readonly dids: readonly string[];
  /**
   * MSRP session ids this trigger claims (both parties): the session-id of the LAST URI of each
   * party's `a=path` (its own endpoint, RFC 4975 section 9 / RFC 4976 section 7.1; never a relay
   * hop). Never empty.
   */
  readonly sessionIds: readonly string[];
  /**
   * Which of {@link sessionIds} are the target's party (the side the warrant names), so the
   * triggered tap gives its CC records the same direction (fromTarget / toTarget) as the
   * triggering tap would (the 3GPP direction extension of the target identifier, TS 33.128
   * clause 5.2.5). Absent: the direction is `unknown`.
   */
  readonly targetSessionIds?: readonly string[];
  /** MSRP endpoints from the SDP offer and answer (both directions). */
  readonly endpoints: readonly MediaEndpoint[];
  /**
   * The SDP offer and answer as seen (TaskDetailsExtensions LocalSDP / RemoteSDP), each the SDP
   * body's bytes as latin1 text (one character per octet): the triggered tap turns the answer
   * back into the exact bytes its CC records carry as sDPInfo (TS 33.128 IMSCCPDU). Empty when the
   * triggering tap did not keep that SDP.
   */
  readonly sdpOffer: string;
  readonly sdpAnswer: string;
  /**
   * The parties of the session as the triggering tap's records name them (its SIP From/PAI/To,
   * at most 8 each, as URI text): the target's side and the other side. The triggered tap's
   * rCSMessage records then name the parties a single tap names, whether the trigger came before
   * its frames or after them (without it, it knew only what CPIM of the messages seen while the
   * session was unclaimed named, and a file or an isComposing has no CPIM). Absent: the triggered
   * tap keeps what CPIM taught it.
   */
  readonly parties?: { readonly target: readonly string[]; readonly other: readonly string[] };
  /** The capture-time window the trigger covers: from the SDP answer to the release (null: open). */
  readonly windowStart: CaptureInstant;
  readonly windowEnd: CaptureInstant | null;
}

/** Where the correlator publishes the triggers of the sessions it correlated itself. */
export interface MediaTriggerSink {
  /** A target's dialog completed an MSRP offer/answer. */
  activate(t: MediaTrigger): void;
  /** A re-INVITE changed the session's path (same xId, new content). */
  modify(t: MediaTrigger): void;
  /** The session ended at `end` (capture time); the trigger stays for the retention time. */
  deactivate(xId: string, end: CaptureInstant): void;
}
