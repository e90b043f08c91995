/**
 * The flow layer's public API: IP defragmentation, TCP connection tracking and stream
 * reassembly. Analyzers implement {@link StreamConsumerFactory}; the pipeline owns one
 * {@link IpDefragmenter} and one {@link TcpTracker}.
 */
export {
  IpDefragmenter,
  DEFAULT_IP_DEFRAGMENTER_OPTIONS,
  type IpDefragmenterOptions,
  type IpDefragmenterStats,
} from './ip-defragmenter.js';
export {
  TcpTracker,
  DEFAULT_TCP_TRACKER_OPTIONS,
  HELD_SEGMENT_OVERHEAD,
  looksLikeServerPort,
  type TcpTrackerOptions,
  type TcpTrackerStats,
} from './tcp-tracker.js';
export {
  Dir,
  type DirValue,
  type StreamConsumer,
  type StreamConsumerFactory,
  type StreamEndReason,
  type TcpConnectionInfo,
} from './stream-consumer.js';
