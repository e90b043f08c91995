/**
 * Bypass of one TCP direction (issue 13, direction 3): its consumer said that everything it
 * carries belongs to sessions it does not want (TcpConnectionInfo.bypass), so the direction drops
 * to sequence tracking only: no delivery, no history copy, no framing. Suricata calls this flow
 * bypass; unlike Suricata and Zeek, MSRP needs resumption (RFC 4975 section 8.1: a later session
 * may reuse the connection), so a bypass always ends one of these ways:
 *
 * - the consumer asks (TcpConnectionInfo.resume: an SDP named an endpoint, the tasks changed);
 * - a re-probe: after `bypassReprobeSec` of capture time the direction is delivered again, and
 *   bypass is refused for `bypassProbeSec`; the consumer asks again at the end of its next
 *   uninteresting frame that ends a delivery once the window is over, so a frame that starts in
 *   the window is seen whole, and so is every frame up to that end;
 * - the direction ends (FIN, RST, timeout, eviction, end of input);
 * - the consumer's watch (BypassWatch, given with the request) refuses the next bytes: for MSRP
 *   they hold a frame start of a session not let go, so they are framed (no re-probe needed).
 *
 * The bytes that passed are handed to the consumer as one gap (flagged as bypassed, not lost) just
 * before the next bytes it gets, so its framer resynchronises at the next start line.
 *
 * A request takes effect at the next delivery, so the consumer asks only where the bytes it was
 * given end exactly at a frame's end (the MSRP analyzer checks its framer after each delivery):
 * a frame that began in the same delivery would otherwise be cut (review finding F10).
 *
 * Counted in the tracker's stats (not as anomalies: a bypass is the tap working as designed, and
 * the audit of every capture must stay what the traffic alone makes it).
 *
 * ```
 *  framed ... | request (delivery ends at a frame end) | bypassed (counted) ... | resume | gap(n) | framed ...
 * ```
 */
/**
 * Looks at the bytes a bypass would pass over (the consumer's; for MSRP the start-line watch,
 * src/protocols/msrp/msrp-start-watch.ts): `passes` false ends the bypass at those bytes, which
 * are then delivered (after the gap of what was passed before them). Flow never parses them.
 */
export interface BypassWatch {
  passes(bytes: Uint8Array): boolean;
  /** The next bytes do not follow the last ones looked at (a gap while bypassed). */
  reset(): void;
}

/** Bypass counters shared by every direction of a tracker (mutated in place). */
export interface BypassCounters {
  bypassed: number;
  bypassResumed: number;
  bypassReprobes: number;
  bypassedBytes: number;
  bypassActive: number;
}

/** The timing of re-probes (TcpTrackerOptions). */
export interface BypassLimits {
  readonly bypass: boolean;
  readonly bypassReprobeSec: number;
  readonly bypassProbeSec: number;
}

/** Bypass state of one direction, made at its first request (most directions never have one). */
export class StreamBypass {
  /** The consumer asked for bypass; it takes effect at the next delivery. */
  private wanted = false;
  /** Bytes are being passed over now. */
  private active = false;
  /** Capture time the current bypass began. */
  private since = 0;
  /** No bypass before this capture time (re-probe window). */
  private probeUntil = -Infinity;
  /** Capture time of the last delivery seen. */
  private lastNow = -Infinity;
  /** Bytes passed over and not yet handed to the consumer as a gap. */
  skipped = 0;
  /** Set with the request (TcpConnectionInfo.bypass): every passed segment is shown to it first. */
  watch: BypassWatch | null = null;

  constructor(
    private readonly limits: BypassLimits,
    private readonly counters: BypassCounters,
  ) {}

  /** True while bytes are passed over. */
  get isActive(): boolean {
    return this.active;
  }

  /** The consumer asks for bypass. Ignored inside a re-probe window (see the file comment). */
  request(): void {
    if (this.lastNow < this.probeUntil) return;
    this.wanted = true;
  }

  /** The consumer wants the bytes again (e.g. an SDP named an endpoint): framed from the next byte. */
  cancel(): void {
    this.wanted = false;
    if (this.active) this.stop();
  }

  /**
   * `n` in-order bytes at capture time `now`: true when they are passed over (bypass active,
   * counted), false when they go to the consumer (after the gap of what was passed, see
   * takeGap).
   */
  pass(n: number, now: number, bytes: Uint8Array): boolean {
    this.lastNow = now;
    if ((this.active || (this.wanted && now >= this.probeUntil)) && this.watch !== null && !this.watch.passes(bytes)) {
      // The watch saw a frame start it was not told to let pass: framed from these bytes on;
      // the consumer asks again at the end of a frame it lets go.
      this.wanted = false;
      if (this.active) this.stop();
      return false;
    }
    if (!this.active) {
      if (!this.wanted || now < this.probeUntil) return false;
      this.active = true;
      this.since = now;
      this.counters.bypassed++;
      this.counters.bypassActive++;
    } else if (now - this.since >= this.limits.bypassReprobeSec) {
      this.counters.bypassReprobes++;
      this.stop();
      this.wanted = false;
      this.probeUntil = now + this.limits.bypassProbeSec;
      return false;
    }
    this.skipped += n;
    this.counters.bypassedBytes += n;
    return true;
  }

  /** A gap while bypassed: its bytes join what was passed over (reported as `tcp.gap` already). */
  absorb(length: number): boolean {
    if (!this.active) return false;
    this.watch?.reset();
    this.skipped += length;
    return true;
  }

  /** Bytes to hand to the consumer as one gap before its next bytes (0: none). */
  takeGap(): number {
    const n = this.skipped;
    this.skipped = 0;
    return n;
  }

  /** The direction ended while bypassed: the bypass ends with it. */
  end(): void {
    if (!this.active) return;
    this.active = false;
    this.counters.bypassActive--;
  }

  private stop(): void {
    this.active = false;
    this.counters.bypassActive--;
    this.counters.bypassResumed++;
  }
}
