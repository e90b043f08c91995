/**
 * A tap's name on the trigger bus (`--tap-id`, issue 15): the admfIdentifier of the triggers it
 * publishes (an X1 xs:token, TS 103 221-1 clause 6.1) and what it recognises its own triggers
 * by. Restricted to a safe token so it can appear in logs and NATS connection names as is.
 */
export const TAP_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
