/**
 * The SIP/MSRP scenario samples: one capture per interception behaviour, each with the
 * generator's own record of what it sent (`<name>.truth.json`, in the format of
 * `msrptap audit --json`), its tasks file, and for scenarios with non-target traffic the list
 * of non-target strings that must never reach tap output. See samples/README.md, "Scenario
 * samples", for the truth rules.
 */
import type { SampleCapture } from '../lib/index.js';
import { chatTcpSip, chatUdp, fragmentedInvite, multipartSdp, paiTarget, relayTwoLegs, telTarget } from './chat-scenarios.js';
import { chunked, fileTransfer, ipv6Session, mixedNonTarget, msrpNoSip, pagerMode, reinviteUpdate } from './edge-scenarios.js';
import type { ScenarioResult } from './wire.js';

export type { AuditTruth, InterceptTask, TargetIdentifier, TasksFile, TruthFile, TruthMessage, TruthSession } from './truth.js';
export type { ScenarioResult, WireLog } from './wire.js';

/** A scenario: its base name (`<name>.pcap`) and builder. */
export interface ScenarioDef {
  name: string;
  build: () => ScenarioResult;
}

/** Every scenario, in samples/README.md order. */
export const SCENARIOS: readonly ScenarioDef[] = [
  { name: 'chat-udp', build: chatUdp },
  { name: 'chat-tcp-sip', build: chatTcpSip },
  { name: 'fragmented-invite', build: fragmentedInvite },
  { name: 'multipart-sdp', build: multipartSdp },
  { name: 'pai-target', build: paiTarget },
  { name: 'tel-target', build: telTarget },
  { name: 'relay-two-legs', build: relayTwoLegs },
  { name: 'chunked', build: chunked },
  { name: 'file-transfer', build: fileTransfer },
  { name: 'msrp-no-sip', build: msrpNoSip },
  { name: 'mixed-non-target', build: mixedNonTarget },
  { name: 'ipv6-session', build: ipv6Session },
  { name: 'reinvite-update', build: reinviteUpdate },
  { name: 'pager-mode', build: pagerMode },
];

/** The scenarios as generator samples (capture + `.expected.json`), same shape as the foundation samples. */
export const SCENARIO_SAMPLES: readonly { file: string; build: () => SampleCapture }[] = SCENARIOS.map((s) => ({
  file: `${s.name}.pcap`,
  build: () => s.build().capture,
}));

/** One side file of a scenario and the directory it belongs in. */
export interface ScenarioSideFile {
  dir: 'pcap' | 'tasks';
  name: string;
  bytes: Uint8Array;
}

/** JSON text as the generator writes it: 2-space indent, final newline. */
export function jsonText(v: unknown): string {
  return JSON.stringify(v, null, 2) + '\n';
}

/** The truth, tasks and (when any) markers files of one built scenario. */
export function scenarioSideFiles(r: ScenarioResult): ScenarioSideFile[] {
  const out: ScenarioSideFile[] = [
    { dir: 'pcap', name: `${r.name}.truth.json`, bytes: Buffer.from(jsonText(r.truth), 'utf8') },
    { dir: 'tasks', name: `${r.name}.tasks.json`, bytes: Buffer.from(jsonText(r.tasks), 'utf8') },
  ];
  if (r.markers !== null) out.push({ dir: 'pcap', name: `${r.name}.non-target-markers.json`, bytes: Buffer.from(jsonText({ markers: r.markers }), 'utf8') });
  return out;
}
