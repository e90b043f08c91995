/**
 * checkJson (src/core/check-json.ts): one line naming the field, parts for callers with their
 * own format, and a foreign file (another JSON file given by mistake) named by its unknown
 * top-level fields rather than by the first field it lacks.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkJson } from '../../../src/core/check-json.js';

const schema = z.strictObject({ version: z.literal(1), list: z.array(z.strictObject({ n: z.number().int() })) });

describe('checkJson', () => {
  it.each([
    ['not JSON', '{"version":', null, /^not valid JSON: /],
    ['a foreign file: its unknown fields, not the first missing one', '{"seg":1,"off":0}', '(top level)', /^unknown field\(s\) "seg", "off"$/],
    ['a missing field says so', '{"version":1}', 'list', /^missing \(expected array\)$/],
    ['the nearest problem first', '{"version":2,"list":[{"n":1.5}]}', 'version', /^Invalid input: expected 1$/],
    ['a nested field is named by its path', '{"version":1,"list":[{"n":1},{"n":"2"}]}', 'list[1].n', /expected number/],
  ])('%s', (_label, text, field, reason) => {
    const r = checkJson(schema, text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.field).toBe(field);
    expect(r.reason).toMatch(reason);
    expect(r.problem).toBe(field === null ? r.reason : `field ${field}: ${r.reason}`);
  });
});
