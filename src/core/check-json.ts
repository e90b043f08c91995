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

export type JsonCheck<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** `files[0].chain.head` from a zod issue path. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else s += s === '' ? String(p) : `.${String(p)}`;
  }
  return s === '' ? '(top level)' : s;
}

/** Checks an already parsed value. */
export function checkParsed<S extends z.ZodType>(schema: S, json: unknown): JsonCheck<z.output<S>> {
  const r = schema.safeParse(json);
  if (r.success) return { ok: true, value: json as z.output<S> };
  const issue = r.error.issues[0]!;
  const message = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}` : issue.message;
  return { ok: false, problem: `field ${formatJsonPath(issue.path)}: ${message}` };
}

/** Parses `text` and checks it. */
export function checkJson<S extends z.ZodType>(schema: S, text: string): JsonCheck<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `not valid JSON: ${(e as Error).message}` };
  }
  return checkParsed(schema, json);
}
