/**
 * The analyzers' event shapes under the names the correlator uses. The correlator implements
 * src/analyzers/app-event-sink.ts (AppEventSink); the pipeline wires the two.
 */
export type {
  PacketRef as SipPacketRef,
  MsrpStreamRef as MsrpStreamInfo,
  MsrpStreamHandler as MsrpStreamSink,
} from '../analyzers/app-event-sink.js';
