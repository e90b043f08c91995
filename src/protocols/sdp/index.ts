/** SDP module: pure parser of session descriptions with the MSRP attributes. */
export { parseSdp, MAX_SDP_MEDIA, MAX_SDP_ATTRIBUTES } from './parse-sdp.js';
export { parseMsrpUri, msrpUriEquals, type MsrpUri } from './msrp-uri.js';
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
  type SdpMedia,
  type MsrpMedia,
  type SdpAttribute,
  type SdpConnection,
  type SdpOrigin,
  type SdpTiming,
  type SdpDirection,
  type SdpSetup,
} from './session-description.js';
