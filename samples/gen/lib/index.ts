/**
 * Deterministic packet and capture builders for msrptap's samples and tests.
 *
 * Layers compose bottom-up: payload → {@link udp} / {@link tcp} → {@link ipv4} / {@link ipv6}
 * (or {@link ipPacket}) → an {@link Encapsulation} (link layer or tunnel) → a
 * {@link SampleCapture} frame at a {@link Timeline} time. Every builder is a pure function of its
 * arguments (tunnels and conversations keep explicit counters), so output is byte-identical run
 * to run.
 */
export { ipAddr, ipv4Addr, ipv6Addr, macAddr, macForIp } from './addr.js';
export { arrange } from './arrange.js';
export { BsdAf, bsdNull } from './bsd-null.js';
export { internetChecksum, pseudoHeader, transportChecksum } from './checksum.js';
export {
  bsdNullLink,
  erspanIIITunnel,
  erspanIITunnel,
  ethernetLink,
  greTunnel,
  linuxSll2Link,
  linuxSllLink,
  rawIpLink,
  vxlanTunnel,
  type Encapsulation,
  type EthernetLinkOptions,
  type ErspanTunnelOptions,
  type TunnelOptions,
} from './encapsulation.js';
export { EtherType, etherTypeForIp, ethernet, type EthernetOptions, type VlanTag } from './ethernet.js';
export { ipFacts, mergeFacts, type BuiltPacket, type FrameFacts } from './frame-facts.js';
export { erspanII, erspanIII, gre, type ErspanIIIOptions, type ErspanIIOptions, type ErspanOptions, type GreOptions } from './gre.js';
export {
  ipv4Fragments,
  ipv6Fragments,
  splitPayload,
  type FragmentArrangement,
  type FragmentOverlap,
  type FragmentPiece,
} from './ip-fragmenter.js';
export { ipPacket, udpDatagram, type IpHeaderOptions } from './ip-packet.js';
export { ipv4, type Ipv4Options } from './ipv4.js';
export { Ipv6Ext, ipv6, ipv6ExtensionHeader, srhData, type Ipv6ExtensionHeader, type Ipv6Option, type Ipv6Options } from './ipv6.js';
export { linuxSll, linuxSll2, SllPacketType, type SllOptions } from './linux-sll.js';
export { msrpFrame, type MsrpFrameOptions } from './msrp-frame.js';
export { mulberry32, Prng } from './prng.js';
export { SampleCapture, type ExpectedSample, type FrameOptions, type SampleFormat } from './sample-capture.js';
export { sdpBody, sipMessage, type SipHeaders } from './sip-message.js';
export {
  cpimMessage,
  imdnXml,
  isComposingXml,
  multipartBody,
  type CpimMessage,
  type CpimOptions,
  type ImdnOptions,
  type MimeHeaders,
  type MimePart,
} from './rcs-content.js';
export { tcp, TcpFlags, tcpMssOption, tcpSynOptions, type TcpOptions } from './tcp.js';
export {
  TcpConversation,
  type TcpConversationOptions,
  type TcpDirection,
  type TcpPeer,
  type TcpSegment,
  type TcpSegmentRequest,
} from './tcp-conversation.js';
export { epochString, Timeline, type TimelineOptions, type Timestamp } from './timeline.js';
export { udp, type UdpOptions } from './udp.js';
export { VXLAN_PORT, vxlan } from './vxlan.js';
