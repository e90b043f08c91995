/**
 * Reading back the JSON msrptap wrote (manifests, spool and receiver state, the audit spool):
 * the bytes come from a disk anyone with access may have changed, so each file is checked
 * against its zod schema before any field is used, and a bad one becomes one message naming the
 * field (the caller adds the file and decides: NOT VERIFIED, exit 1 or exit 2), never a crash.
 *
 * The schemas validate only (no transforms, no defaults): the value returned is the parsed JSON
 * itself, its key order kept, so whatever is rewritten from it stays byte-identical.
 */
import type { z } from 'zod';

/**
 * A failure says what is wrong in one line (`problem`), and in parts for callers with their own
 * message format (the tasks file): `field` is the path of the bad field, null when the text is
 * not JSON at all.
 */
export type JsonCheck<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string; readonly field: string | null; readonly reason: string };

/** `files[0].chain.head` from a zod issue path. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else s += s === '' ? String(p) : `.${String(p)}`;
  }
  return s === '' ? '(top level)' : s;
}

/**
 * The issue to report: the one nearest the top, unknown fields first among equals. A foreign
 * file (another JSON file given by mistake) then reads "unknown field(s) ..." at the top level,
 * not "missing" for the first field it lacks.
 */
function firstIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue {
  let best = issues[0]!;
  for (const i of issues) {
    if (i.path.length < best.path.length || (i.path.length === best.path.length && i.code === 'unrecognized_keys' && best.code !== 'unrecognized_keys')) best = i;
  }
  return best;
}

/** Checks an already parsed value. */
export function checkParsed<S extends z.ZodType>(schema: S, json: unknown): JsonCheck<z.output<S>> {
  const r = schema.safeParse(json);
  if (r.success) return { ok: true, value: json as z.output<S> };
  const issue = firstIssue(r.error.issues);
  const reason =
    issue.code === 'unrecognized_keys'
      ? `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`
      : issue.code === 'invalid_type' && issue.message.endsWith('received undefined')
        ? `missing (expected ${issue.expected})`
        : issue.message;
  const field = formatJsonPath(issue.path);
  return { ok: false, problem: `field ${field}: ${reason}`, field, reason };
}

/** Parses `text` and checks it. */
export function checkJson<S extends z.ZodType>(schema: S, text: string): JsonCheck<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const reason = `not valid JSON: ${(e as Error).message}`;
    return { ok: false, problem: reason, field: null, reason };
  }
  return checkParsed(schema, json);
}
