/**
 * Anomalies as the report shows them: code, severity and description from the registry, count,
 * and the frames of the first occurrences, for the whole run or for one session. Pure.
 */
import { anomalyDef } from '../core/anomaly.js';
import type { AuditSession, AuditSessionDetail } from '../records/audit-report-schema.js';
import type { ReportInput } from './report-input.js';

export interface AnomalyView {
  readonly code: string;
  readonly severity: string;
  readonly description: string;
  readonly count: number;
  /** Frames of the first occurrences (the counter keeps a few per code). */
  readonly frames: readonly number[];
}

function anomalyView(code: string, count: number, frames: readonly number[]): AnomalyView {
  const def = anomalyDef(code);
  return { code, severity: def?.severity ?? 'unknown', description: def?.description ?? '', count, frames };
}

/** One view per code, sorted by code; with `only`, just the occurrences whose frame it accepts (codes with none are left out). */
export function anomalyViews(counts: Readonly<Record<string, number>>, examples: ReportInput['anomalyExamples'], only?: (frame: number) => boolean): AnomalyView[] {
  const out: AnomalyView[] = [];
  for (const code of Object.keys(counts).sort()) {
    const frames = examples(code)
      .map((e) => e.frame)
      .filter((f): f is number => f !== undefined);
    const shown = only === undefined ? frames : frames.filter(only);
    if (only !== undefined && shown.length === 0) continue;
    out.push(anomalyView(code, only === undefined ? counts[code]! : shown.length, shown));
  }
  return out;
}

/**
 * The anomalies of one session: those the pipeline attributed to it (`AuditSession.anomalies`:
 * reported on a connection that carried its frames, or by the correlator about it), with their
 * exact counts and first frames; then, for other codes, the run's remembered occurrences whose
 * frame is one of the session's (reporters that know no connection, e.g. the assembler).
 */
export function sessionAnomalyViews(input: ReportInput, s: AuditSession, d: AuditSessionDetail, frames: ReadonlySet<number>): AnomalyView[] {
  const own = s.anomalies ?? {};
  const out: AnomalyView[] = [];
  for (const code of Object.keys(own).sort()) {
    const shown: number[] = [];
    for (const e of d.anomalies ?? []) if (e.code === code && e.frame !== null && !shown.includes(e.frame)) shown.push(e.frame);
    out.push(anomalyView(code, own[code]!, shown));
  }
  const rest: Record<string, number> = {};
  for (const [code, n] of Object.entries(input.audit.anomalies)) if (!Object.hasOwn(own, code)) rest[code] = n;
  out.push(...anomalyViews(rest, input.anomalyExamples, (f) => frames.has(f)));
  return out.sort((x, y) => (x.code < y.code ? -1 : x.code > y.code ? 1 : 0));
}
