/** Anomalies of the sdp layer (RFC 8866 syntax and the MSRP attributes of RFC 4975/5547/6135/6714). See ../anomaly.ts for the rules. */
import type { AnomalyDef } from '../anomaly.js';

export const SDP_ANOMALIES = {
  'sdp.empty': { severity: 'warning', mayHideTarget: false, description: 'a body declared as SDP holds no SDP line' },
  'sdp.bad_line': { severity: 'warning', mayHideTarget: false, description: 'a line is not <letter>=<value> (RFC 8866 5); line skipped' },
  'sdp.missing_field': { severity: 'info', mayHideTarget: false, description: 'a mandatory session field (v, o, s, t) is missing or v= is not first' },
  'sdp.bad_origin': { severity: 'info', mayHideTarget: false, description: 'the o= line does not have six fields' },
  'sdp.bad_connection': { severity: 'warning', mayHideTarget: false, description: 'a c= line is not "nettype addrtype address"' },
  'sdp.bad_media_line': { severity: 'warning', mayHideTarget: false, description: 'an m= line is not "media port proto fmt..."; section kept with defaults' },
  'sdp.bad_attribute': { severity: 'warning', mayHideTarget: false, description: 'a known attribute has a value outside its grammar' },
  'sdp.missing_msrp_path': { severity: 'warning', mayHideTarget: false, description: 'an MSRP media section has no a=path (RFC 4975 8.1)' },
  'sdp.bad_msrp_path': { severity: 'warning', mayHideTarget: false, description: 'an a=path entry is not an MSRP URI (RFC 4975 9)' },
  'sdp.too_many_attributes': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'a section has more attributes than the parser keeps; past the cap only the first of each MSRP attribute (path, accept-types, setup, file-selector...) was kept',
  },
  'sdp.too_many_media': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'more media sections than the parser keeps; past the cap only a few m=message sections were read, the others ignored',
  },
} as const satisfies Record<string, AnomalyDef>;
