/**
 * The lab ADMF's task options: StartTime/EndTime must be etsi103280:QualifiedMicrosecondDateTime
 * (TS_103_221_01.xsd v1.22.1 MediationDetails; TS_103_280.xsd v2.15.1 pattern
 * `[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}(Z|[+-][0-9]{2}:[0-9]{2})`).
 */
import { describe, expect, it } from 'vitest';
import { destinationDetails, taskDetails } from '../../../src/cli/x1-admf.js';
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

describe('msrptap x1 create-destination: --address [IPv6]:PORT', () => {
  // etsi103280:IPv6Address, TS_103_280.xsd v2.15.1: eight full lower-case groups.
  const IPV6 = /^([0-9a-f]{4}:){7}[0-9a-f]{4}$/;
  it('is written in the one form IPv6Address allows', () => {
    const cases: [string, string][] = [
      ['[::1]:9000', '0000:0000:0000:0000:0000:0000:0000:0001'],
      ['[2001:DB8::5:0:1]:9000', '2001:0db8:0000:0000:0000:0005:0000:0001'],
      ['[::ffff:192.0.2.1]:9000', '0000:0000:0000:0000:0000:ffff:c000:0201'],
      ['[fe80::]:9000', 'fe80:0000:0000:0000:0000:0000:0000:0000'],
    ];
    for (const [address, want] of cases) {
      const d = destinationDetails({ address, deliveryType: 'X2andX3' });
      expect(d.address, address).toEqual({ kind: 'IPv6Address', value: want });
      expect(d.address.value).toMatch(IPV6);
    }
    expect(destinationDetails({ address: '192.0.2.7:9000', deliveryType: 'X2andX3' }).address).toEqual({ kind: 'IPv4Address', value: '192.0.2.7' });
    expect(() => destinationDetails({ address: '[1::2::3]:9000', deliveryType: 'X2andX3' })).toThrow(ConfigError);
  });
});
