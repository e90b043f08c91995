/** SDP module: pure parser of session descriptions with the MSRP attributes. */
export { parseSdp, MAX_SDP_MEDIA, MAX_SDP_ATTRIBUTES } from './parse-sdp.js';
export { scanMsrpSdp } from './scan-msrp-sdp.js';
// MSRP URIs (RFC 4975 section 9) are parsed by the MSRP module; SDP a=path reuses that parser.
export { parseMsrpUri, msrpUriKey, type MsrpUri } from '../msrp/msrp-uri.js';
export {
  parseFileSelector,
  parseFileDate,
  parseFileRange,
  type FileSelector,
  type FileHash,
  type FileDate,
  type FileRange,
} from './file-selector.js';
export {
  isMsrpProto,
  mediaDirection,
  mediaConnection,
  sdpAttribute,
  type SessionDescription,
  type MsrpSdpView,
  type MsrpSdpMediaView,
  type SdpMedia,
  type MsrpMedia,
  type SdpAttribute,
  type SdpConnection,
  type SdpOrigin,
  type SdpTiming,
  type SdpDirection,
  type SdpSetup,
} from './session-description.js';
