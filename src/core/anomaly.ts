/**
 * Anomalies are data, not exceptions (Zeek "weirds", Suricata events): every stage reports
 * protocol violations and damaged input as stable, named codes and keeps going. The codes are
 * declared once, per layer, in `./anomalies/*.ts`, and merged in `./anomalies/index.ts`.
 *
 * Code format: `<layer>.<what>` in snake_case, never renamed once released (operators alert on
 * them). Details must never carry message content or identities of non-targets: only numbers,
 * protocol field names and task identifiers.
 */
import { ANOMALIES, type AnomalyCode } from './anomalies/index.js';

export type { AnomalyCode } from './anomalies/index.js';
export { ANOMALIES } from './anomalies/index.js';

export type Severity = 'info' | 'warning' | 'error';

/** Declaration of one anomaly code. */
export interface AnomalyDef {
  readonly severity: Severity;
  /**
   * The event may have hidden traffic from interception: bytes or messages that could belong to
   * a target were not looked at, or not attributed to their session (skipped or cut SIP
   * messages, stream gaps, table evictions, frames lost in capture). Such codes are summed in
   * the one warning line `run` and `audit` print at the end, so a partial result never looks
   * complete. False for deviations that were understood, and for caps on what is kept of an
   * already intercepted session (the records say those).
   */
  readonly mayHideTarget: boolean;
  /** One line, for `--help`-style listings and the audit report. */
  readonly description: string;
}

/**
 * Where anomalies go. `frame` is the 1-based capture frame number when known. `conn`: the TCP
 * connection the anomaly concerns, by its id (tshark's tcp.stream numbering, the `connId` of
 * flow and analyzer events), when the reporter knows it, as Zeek's connection weirds carry
 * their connection: the correlator attributes such anomalies to the sessions that had MSRP
 * frames on that connection, so the audit can show them where they happened. A number, so a
 * report with or without it allocates nothing more.
 */
export interface AnomalySink {
  /** `conn`: the TCP connection concerned; `dir`: its direction (0 client to server), when known. */
  report(code: AnomalyCode, frame?: number, detail?: string, conn?: number, dir?: 0 | 1): void;
}

/** Hears the anomalies reported with a connection (see {@link AnomalyCounter.observeConnections}). */
export type ConnectionAnomalyListener = (code: AnomalyCode, frame: number | undefined, detail: string | undefined, conn: number, dir: 0 | 1 | undefined) => void;

/** One remembered occurrence (first few per code), for the audit report. */
export interface AnomalyExample {
  readonly frame: number | undefined;
  readonly detail: string | undefined;
}

/**
 * Counts anomalies by code and keeps the first `examplesPerCode` occurrences of each, so the
 * report can point an analyst at frames without holding unbounded state.
 */
export class AnomalyCounter implements AnomalySink {
  private readonly counts = new Map<AnomalyCode, number>();
  private readonly examples = new Map<AnomalyCode, AnomalyExample[]>();

  private connListener: ConnectionAnomalyListener | null = null;

  constructor(private readonly examplesPerCode = 5) {}

  /**
   * Also hands every anomaly reported with a connection to `listener` (the composition root
   * wires the correlator's, which knows the sessions on each connection). One listener.
   */
  observeConnections(listener: ConnectionAnomalyListener): void {
    this.connListener = listener;
  }

  report(code: AnomalyCode, frame?: number, detail?: string, conn?: number, dir?: 0 | 1): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
    if (conn !== undefined && this.connListener !== null) this.connListener(code, frame, detail, conn, dir);
    if (this.examplesPerCode > 0) {
      let list = this.examples.get(code);
      if (list === undefined) {
        list = [];
        this.examples.set(code, list);
      }
      if (list.length < this.examplesPerCode) list.push({ frame, detail });
    }
  }

  count(code: AnomalyCode): number {
    return this.counts.get(code) ?? 0;
  }

  total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }

  /** Counts keyed by code, codes sorted, for stable JSON output. */
  toJSON(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const code of [...this.counts.keys()].sort()) out[code] = this.counts.get(code)!;
    return out;
  }

  examplesOf(code: AnomalyCode): readonly AnomalyExample[] {
    return this.examples.get(code) ?? [];
  }
}

/** A sink that forwards to several sinks (e.g. the global counter and a per-session one). */
export class AnomalyFanout implements AnomalySink {
  constructor(private readonly sinks: readonly AnomalySink[]) {}
  report(code: AnomalyCode, frame?: number, detail?: string, conn?: number, dir?: 0 | 1): void {
    for (const s of this.sinks) s.report(code, frame, detail, conn, dir);
  }
}

/**
 * A sink for a reporter that knows nothing of connections (a parser such as the MSRP framer)
 * but serves one: its reports carry that connection. One per stream, not per report.
 */
export class ConnectionAnomalySink implements AnomalySink {
  constructor(
    private readonly sink: AnomalySink,
    private readonly conn: number,
    /** The direction served (a per-direction parser), so its reports reach that direction's frame. */
    private readonly dir?: 0 | 1,
  ) {}
  report(code: AnomalyCode, frame?: number, detail?: string): void {
    this.sink.report(code, frame, detail, this.conn, this.dir);
  }
}

/** Looks up a code's declaration; undefined for unknown strings (e.g. from a golden file). */
export function anomalyDef(code: string): AnomalyDef | undefined {
  return (ANOMALIES as Record<string, AnomalyDef>)[code];
}

/**
 * The codes among `counts` (a counter's {@link AnomalyCounter.toJSON}) whose declaration says
 * `mayHideTarget`, in code order, with the total of their counts.
 */
export function mayHideTargetCounts(counts: Readonly<Record<string, number>>): { total: number; codes: [string, number][] } {
  const codes: [string, number][] = [];
  let total = 0;
  for (const code of Object.keys(counts).sort()) {
    const n = counts[code]!;
    if (n > 0 && anomalyDef(code)?.mayHideTarget === true) {
      codes.push([code, n]);
      total += n;
    }
  }
  return { total, codes };
}

/** Type guard for strings read back from files. */
export function isAnomalyCode(code: string): code is AnomalyCode {
  return Object.hasOwn(ANOMALIES, code);
}
