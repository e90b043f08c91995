/**
 * The lab ADMF's task options: StartTime/EndTime must be etsi103280:QualifiedMicrosecondDateTime
 * (TS_103_221_01.xsd v1.22.1 MediationDetails; TS_103_280.xsd v2.15.1 pattern
 * `[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}(Z|[+-][0-9]{2}:[0-9]{2})`).
 */
import { describe, expect, it } from 'vitest';
import { taskDetails } from '../../../src/cli/x1-admf.js';
import { ConfigError } from '../../../src/core/errors.js';

const QUALIFIED_MICROSECOND = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}(Z|[+-][0-9]{2}:[0-9]{2})$/;
const base = { target: ['sip:alice@example.com'], impu: [], deliveryType: 'X2andX3', hiDeliveryType: 'HI2andHI3', did: [], liid: 'LIID-1' };

describe('msrptap x1: --start/--end', () => {
  it('are written as QualifiedMicrosecondDateTime, the same instant in UTC', () => {
    const m = taskDetails({ ...base, start: '2026-12-07T12:00:00Z', end: '2026-12-08T13:30:00.5+01:00' }).listOfMediationDetails![0]!;
    expect(m.startTime).toMatch(QUALIFIED_MICROSECOND);
    expect(m.endTime).toMatch(QUALIFIED_MICROSECOND);
    expect([Date.parse(m.startTime!), Date.parse(m.endTime!)]).toEqual([Date.parse('2026-12-07T12:00:00Z'), Date.parse('2026-12-08T12:30:00.5Z')]);
  });

  it('refuse a time without a zone or not a time', () => {
    expect(() => taskDetails({ ...base, start: '2026-12-07T12:00:00' })).toThrow(ConfigError);
    expect(() => taskDetails({ ...base, end: 'tomorrow' })).toThrow(ConfigError);
  });
});
