import { describe, expect, it } from 'vitest';
import { hiddenTrafficWarning } from '../../../src/cli/hidden-traffic-warning.js';

describe('hiddenTrafficWarning', () => {
  it('is one line of counts and codes, only for the codes that may hide a target', () => {
    expect(hiddenTrafficWarning({ 'sip.too_many_headers': 1, 'sip.bare_lf': 7, 'tcp.gap': 2 })).toBe(
      'msrptap: warning: 3 events may have hidden traffic from interception: sip.too_many_headers=1 tcp.gap=2\n',
    );
    expect(hiddenTrafficWarning({ 'flow.evicted': 1 })).toBe('msrptap: warning: 1 event may have hidden traffic from interception: flow.evicted=1\n');
  });

  it('says nothing when no such event was counted', () => {
    expect(hiddenTrafficWarning({})).toBeNull();
    expect(hiddenTrafficWarning({ 'sip.bare_lf': 3, 'ipv4.bad_checksum': 1 })).toBeNull();
  });
});
