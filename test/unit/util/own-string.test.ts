import { describe, expect, it } from 'vitest';
import { ownString, ownStringOrNull } from '../../../src/util/own-string.js';

describe('ownString', () => {
  it('returns an equal string, short and long, sliced or not', () => {
    const parent = `Call-ID: ${'a84b4c76e66710'.repeat(8)}@pc33.atlanta.example.com\\r\\n`;
    const slice = parent.slice(9, 130);
    expect(ownString(slice)).toBe(slice);
    expect(ownString('short')).toBe('short');
    expect(ownString('')).toBe('');
    expect(ownString('ünïcödé-€-𝄞-session-id')).toBe('ünïcödé-€-𝄞-session-id');
  });

  it('passes null and undefined through as null', () => {
    expect(ownStringOrNull(null)).toBeNull();
    expect(ownStringOrNull(undefined)).toBeNull();
    expect(ownStringOrNull('x'.repeat(40))).toBe('x'.repeat(40));
  });
});
