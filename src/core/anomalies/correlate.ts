/** Anomalies of the correlate layer (SIP dialogs, MSRP session binding, interception). See ../anomaly.ts for the rules. */
import type { AnomalyDef } from '../anomaly.js';

export const CORRELATE_ANOMALIES = {
  'correlate.sip_no_call_id': { severity: 'warning', mayHideTarget: true, description: 'a SIP message without Call-ID or CSeq cannot be put in a dialog; ignored' },
  'correlate.sip_retransmission': { severity: 'info', mayHideTarget: false, description: 'a SIP message seen again on the same hop (RFC 3261 17: same Via branch, CSeq and status); not re-emitted' },
  'correlate.sip_dialog_id_reused': {
    severity: 'warning',
    mayHideTarget: true,
    description: "an INVITE without To tag reused a live dialog's Call-ID and From tag with another CSeq and named none of its tasks (RFC 3261 12.1: a new dialog); ignored, so its media reaches none of the live session's records",
  },
  'correlate.sip_in_dialog_without_tag': {
    severity: 'warning',
    mayHideTarget: true,
    description:
      "a SIP request (or response) of a dialog's Call-ID and tag lacked the remote tag once the dialog had one (RFC 3261 12.2.1.1: its UA rejects it, 481); ignored, so it neither ends nor changes the dialog and reaches none of its records (nor would an out-of-dialog request reusing that Call-ID and tag)",
  },
  'correlate.sip_in_dialog_unknown_tag': {
    severity: 'warning',
    mayHideTarget: true,
    description:
      "a SIP request with a target dialog's Call-ID and caller tag named a remote tag that dialog never showed (RFC 3261 12.2.2: its UA rejects it, 481; or a fork whose answers were not seen); ignored, so the dialog goes on and the request is in no record",
  },
  'correlate.relay_target_leg_unseen': {
    severity: 'info',
    mayHideTarget: false,
    description:
      "a relayed message (RFC 4976) closed on a leg other than the target's own and its copy on the target's leg was not seen to end within a second of capture time (or before the session or input ended, or while the waiting table had room): its rCSMessage was made from the leg that closed it (other capture time and addresses)",
  },
  'correlate.sip_multiple_2xx': { severity: 'info', mayHideTarget: false, description: 'an INVITE got 2xx responses with different To tags (forking, RFC 3261 13.2.2.4); the first confirmed the session' },
  'correlate.dialog_timeout': { severity: 'info', mayHideTarget: false, description: 'a SIP dialog was idle longer than its timeout and was closed' },
  'correlate.dialog_evicted': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'the dialog table was full; the oldest non-target dialog was closed (its MSRP session-ids stay known as non-target; a task reload can no longer start on it)',
  },
  'correlate.target_dialog_evicted': { severity: 'error', mayHideTarget: true, description: 'the dialog table was full of target dialogs; the oldest target dialog was closed (its release was recorded)' },
  'correlate.tombstone_evicted': { severity: 'warning', mayHideTarget: false, description: 'the table of ended non-target MSRP session-ids was full; the oldest was forgotten (a late frame of that session may open a session without SIP)' },
  'correlate.msrp_session_id_conflict': {
    severity: 'warning',
    mayHideTarget: true,
    description:
      'an MSRP session-id of an SDP a=path is already bound to a dialog of another Call-ID; a frame goes to the sessions knowing most of its endpoint session-ids, on a tie the call that bound it first while that session is live (legs of one Call-ID share it: no conflict)',
  },
  'correlate.msrp_session_id_shared_evicted': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'more dialogs than the cap bound one MSRP session-id; a non-target one (else the oldest) lost it, never the first bound while live unless a leg of its Call-ID takes its place (else the newcomer is not bound)',
  },
  'correlate.msrp_frame_fanout_capped': { severity: 'warning', mayHideTarget: true, description: 'an MSRP frame named the session-ids of more sessions than the cap; target sessions first, the rest did not get it' },
  'correlate.msrp_unbound_response': { severity: 'info', mayHideTarget: true, description: 'an MSRP response matched no session by path or transaction; ignored' },
  'correlate.msrp_unbound_request': { severity: 'info', mayHideTarget: true, description: 'an MSRP request without usable To-Path/From-Path session-ids; ignored' },
  'correlate.transaction_map_full': { severity: 'info', mayHideTarget: true, description: 'the MSRP transaction map was full; the oldest entry was dropped (its response cannot be routed)' },
  'correlate.report_unknown_message': { severity: 'info', mayHideTarget: false, description: 'an MSRP REPORT names a Message-ID no SEND of the session carried' },
  'correlate.uncorrelated_evicted': { severity: 'warning', mayHideTarget: true, description: 'the table of MSRP sessions without SIP was full; the first created one was closed, even if it had frames since the others' },
  'correlate.uncorrelated_held_dropped': { severity: 'warning', mayHideTarget: true, description: 'bytes held for an MSRP session without SIP, before its target was known, exceeded the cap; the excess was dropped' },
  'correlate.uncorrelated_held_message_dropped': {
    severity: 'warning',
    mayHideTarget: true,
    description:
      "a message of an MSRP session without SIP finished before its target was known and fit the held cap neither as a copy nor as the bodies of its held frames; the session became a target's without that rCSMessage (its frames held are in the CC)",
  },
  'correlate.cc_unavailable_tls': { severity: 'info', mayHideTarget: false, description: 'a target session negotiated MSRP over TLS (TCP/TLS/MSRP or msrps:): no CC can be provided' },
  'correlate.cc_not_observed': { severity: 'warning', mayHideTarget: true, description: 'a target session ended without any of its MSRP traffic being observed' },
  'correlate.target_midstream': {
    severity: 'warning',
    mayHideTarget: true,
    description: "a target session's MSRP was first seen on a TCP connection joined mid-way (its handshake was not captured): the connection's first bytes may be lost",
  },
  'correlate.bypass_table_full': {
    severity: 'info',
    mayHideTarget: false,
    description: 'a table of the MSRP flow bypass (requested directions, or endpoints claimed by target sessions) was full; directions stay framed',
  },
  'correlate.bypass_gap': {
    severity: 'warning',
    mayHideTarget: true,
    description: "this session's frames resumed on a TCP direction that was bypassed while it carried non-target sessions only; the bypassed bytes were not framed",
  },
  'correlate.cc_frame_too_large': { severity: 'warning', mayHideTarget: true, description: 'an MSRP request of a target session exceeded the CC frame cap; its CC record was not emitted' },
  'correlate.content_truncated': { severity: 'warning', mayHideTarget: false, description: 'a target message was larger than the record content cap; the rCSMessage carries its first bytes only' },
  'correlate.cin_counter_evicted': {
    severity: 'warning',
    mayHideTarget: false,
    description: 'the table of per-LIID communication identity numbers was full; the least recently used LIID was forgotten (it numbers its sessions from 1 again)',
  },
  'correlate.trigger_refused': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'an LI_T3 trigger (issue 15) was refused: malformed, or its productID names no local task (the taps were not given the same tasks file); nothing of it is recorded',
  },
  'correlate.trigger_evicted': { severity: 'warning', mayHideTarget: true, description: 'the table of applied LI_T3 triggers was full; the oldest was forgotten (its later frames are not claimed)' },
  'correlate.trigger_expired': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'an LI_T3 trigger never withdrawn outlived the longest open window (triggerMaxOpenSec); it was forgotten (its later frames are not claimed)',
  },
  'correlate.trigger_index_evicted': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'the index of session ids named by MSRP sessions without SIP awaiting a trigger was full; the oldest was forgotten (a later trigger naming it does not claim the frames held for it)',
  },
  'correlate.trigger_foreign_frame': {
    severity: 'warning',
    mayHideTarget: true,
    description: "an MSRP frame named an LI_T3 trigger's session id as an endpoint but belonged to a session without SIP whose own ids (its first request's) are not the trigger's; that session was not claimed and the frame not recorded",
  },
  'correlate.trigger_local_nontarget_sip': {
    severity: 'info',
    mayHideTarget: false,
    description:
      'an LI_T3 trigger claimed an MSRP session whose SIP this tap saw without a target (e.g. caller anonymised on this hop): the trigger wins, its frames are recorded for the trigger and the local SIP stays a non-target (counted in triggerLocalNonTargetClaims)',
  },
  'correlate.trigger_shadow_superseded': {
    severity: 'info',
    mayHideTarget: false,
    description:
      "a session an LI_T3 trigger claimed on this tap (its local SIP had found no target) became a target's of this tap's own SIP later (the target seen on another hop, a task reload): its later frames are recorded under this tap's correlation ID and IRI, so its CC is complete but split across two correlation IDs",
  },
  'correlate.trigger_local_target_prior_frames': {
    severity: 'warning',
    mayHideTarget: true,
    description:
      "an LI_T3 trigger for a task names an MSRP session this tap's SIP already intercepts for another task and whose frames were already seen: the frames before the trigger were recorded for the other task only, not held for the trigger's; its frames from the trigger on are recorded for it (detail: task=<xid>)",
  },
  'correlate.trigger_frame_outside_window': {
    severity: 'warning',
    mayHideTarget: true,
    description: "an MSRP frame named an LI_T3 trigger's session id outside its window (before its start less the clock skew tolerance, or after its end); not recorded for the trigger",
  },
  'correlate.trigger_reopen_refused': { severity: 'warning', mayHideTarget: false, description: 'an LI_T3 trigger whose window had ended was activated again (a replay); its window stays closed' },
  'correlate.trigger_sdp_dropped': {
    severity: 'info',
    mayHideTarget: false,
    description: 'the byte budget of SDP answers kept by LI_T3 triggers was spent; the trigger was applied without its SDP (its CC records carry no sDPInfo)',
  },
  'correlate.audit_capped': { severity: 'warning', mayHideTarget: false, description: 'the audit reached its cap of sessions or messages per session; further entries were counted, not listed' },
} as const satisfies Record<string, AnomalyDef>;
