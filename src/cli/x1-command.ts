/**
 * `msrptap x1`: a lab ADMF (ETSI TS 103 221-1). Builds one X1 request, posts it to a tap's X1
 * endpoint over mutual TLS and prints the response as JSON on stdout (one object: `root` and the
 * response's messages, see src/x1/x1-response-json.ts). Exit 0 when every message was answered
 * without ErrorResponse, 1 when the tap answered with an X1 error, an HTTP error or could not be
 * reached, 2 for bad usage.
 *
 *   msrptap x1 --ne https://127.0.0.1:8443 --cert admf.pem --key admf.key --ca ca.pem --ne-id ne-1 \
 *     create-destination --did UUID --address 127.0.0.1:5000
 *   msrptap x1 ... activate --xid UUID --target sip:alice@example.net --liid LIID-1 --did UUID
 */
import { randomUUID, X509Certificate } from 'node:crypto';
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import { loadTlsMaterial, type TlsMaterial } from '../deliver/tls-material.js';
import { postX1 } from '../pipeline/x1-client.js';
import { formatUuid, parseUuid } from '../records/uuid.js';
import type { X1DestinationDetails, X1Target, X1TaskDetails, X2X3DeliveryType } from '../x1/x1-model.js';
import { encodeRequest, type X1RequestItem } from '../x1/x1-request-encoder.js';
import { responseToJson } from '../x1/x1-response-json.js';

interface CommonOptions {
  ne: string;
  cert: string;
  key: string;
  ca: string;
  neId: string;
  admfId?: string;
  timeout: number;
}

interface TaskOptions {
  xid?: string;
  target: string[];
  impu: string[];
  deliveryType: string;
  liid?: string;
  hiDeliveryType: string;
  start?: string;
  end?: string;
  did: string[];
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

function uuidArg(v: string, what: string): string {
  const b = parseUuid(v);
  if (b === undefined) throw new ConfigError(`${what} must be a UUID, got "${v}"`);
  return formatUuid(b);
}

function deliveryType(v: string): X2X3DeliveryType {
  if (v !== 'X2Only' && v !== 'X3Only' && v !== 'X2andX3') throw new ConfigError(`--delivery-type must be X2Only, X3Only or X2andX3, got "${v}"`);
  return v;
}

/** The TargetIdentifier choice of a value: by scheme, digits (E.164) or user@realm (IMPI). */
function targetOf(v: string): X1Target {
  const s = v.slice(0, v.indexOf(':') + 1).toLowerCase();
  if (s === 'sip:' || s === 'sips:') return { kind: 'sipUri', value: v };
  if (s === 'tel:') return { kind: 'telUri', value: v };
  if (/^\+?\d{1,15}$/.test(v)) return { kind: 'e164Number', value: v.replace(/^\+/, '') };
  if (/^[^@\s:]+@[^@\s]+$/.test(v)) return { kind: 'impi', value: v };
  throw new ConfigError(`--target "${v}": not a SIP/TEL URI, E.164 number or IMPI (user@realm)`);
}

function taskDetails(o: TaskOptions): X1TaskDetails {
  const targets = [...o.target.map(targetOf), ...o.impu.map((value) => ({ kind: 'impu' as const, value }))];
  if (targets.length === 0) throw new ConfigError('give at least one --target (or --impu)');
  if (o.hiDeliveryType !== 'HI2Only' && o.hiDeliveryType !== 'HI3Only' && o.hiDeliveryType !== 'HI2andHI3') throw new ConfigError('--hi-delivery-type must be HI2Only, HI3Only or HI2andHI3');
  if ((o.start !== undefined || o.end !== undefined) && o.liid === undefined) throw new ConfigError('--start/--end are mediation details: give --liid too');
  return {
    xId: o.xid === undefined ? randomUUID() : uuidArg(o.xid, '--xid'),
    targetIdentifiers: targets,
    deliveryType: deliveryType(o.deliveryType),
    listOfDIDs: o.did.map((d) => uuidArg(d, '--did')),
    ...(o.liid !== undefined
      ? { listOfMediationDetails: [{ lIID: o.liid, deliveryType: o.hiDeliveryType, ...(o.start !== undefined ? { startTime: o.start } : {}), ...(o.end !== undefined ? { endTime: o.end } : {}) }] }
      : {}),
  };
}

function destinationDetails(o: { did?: string; address: string; deliveryType: string; name?: string }): X1DestinationDetails {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/.exec(o.address);
  if (m === null) throw new ConfigError(`--address must be IPv4:PORT or [IPv6]:PORT, got "${o.address}"`, 'X1 destinations are IP addresses (ipAddressAndPort), not host names');
  return {
    dId: o.did === undefined ? randomUUID() : uuidArg(o.did, '--did'),
    ...(o.name !== undefined ? { friendlyName: o.name } : {}),
    deliveryType: deliveryType(o.deliveryType),
    address: m[1] !== undefined ? { kind: 'IPv6Address', value: m[1] } : { kind: 'IPv4Address', value: m[2]! },
    port: { kind: 'TCPPort', value: Number(m[3]) },
  };
}

function addTaskOptions(c: Command): Command {
  return c
    .option('--xid <uuid>', 'task XID (default: a new random UUID)')
    .option('--target <id>', 'target identifier: sip:/sips: URI, tel: URI, E.164 digits, or user@realm (IMPI); repeatable', collect, [])
    .option('--impu <uri>', 'target IMPU (SIP or TEL URI); repeatable', collect, [])
    .option('--delivery-type <type>', 'X2Only | X3Only | X2andX3', 'X2andX3')
    .option('--liid <liid>', 'LIID (listOfMediationDetails): records go to OUT/<LIID>/ with HI2/HI3; without it the task is POI-only')
    .option('--hi-delivery-type <type>', 'with --liid: HI2Only | HI3Only | HI2andHI3', 'HI2andHI3')
    .option('--start <time>', 'with --liid: start of interception (xs:dateTime with zone)')
    .option('--end <time>', 'with --liid: end of interception')
    .option('--did <uuid>', 'destination of the task\'s X2/X3 (created beforehand); repeatable', collect, []);
}

/** The CN of a PEM certificate: the default admfIdentifier (the tap binds it to the certificate). */
function commonName(tls: TlsMaterial): string | undefined {
  return /(?:^|\n)CN=([^\n]+)/.exec(new X509Certificate(tls.cert).subject)?.[1];
}

async function send(c: CommonOptions, items: X1RequestItem[]): Promise<void> {
  let url: URL;
  try {
    url = new URL(c.ne);
  } catch {
    throw new ConfigError(`--ne must be a URL such as https://127.0.0.1:8443, got "${c.ne}"`);
  }
  if (url.protocol !== 'https:') throw new ConfigError('--ne must be an https:// URL (X1 runs over mutual TLS only)');
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/X1/NE';
  const tls = loadTlsMaterial({ cert: c.cert, key: c.key, ca: c.ca }, 'msrptap x1 (--cert/--key/--ca)');
  const admfId = c.admfId ?? commonName(tls);
  if (admfId === undefined) throw new ConfigError('--cert has no CN: give --admf-id');
  const reply = await postX1(url.toString(), encodeRequest(admfId, c.neId, items), tls, { timeoutMs: c.timeout * 1000 });
  if (reply.status !== 200) {
    process.stdout.write(`${JSON.stringify({ httpStatus: reply.status })}\n`);
    process.exitCode = 1;
    return;
  }
  const j = responseToJson(reply.body);
  process.stdout.write(`${JSON.stringify('error' in j ? j : { root: j.root, ...(j.value as object) }, null, 2)}\n`);
  const msgs = 'error' in j ? [] : ((j.value as { x1ResponseMessage?: { type?: string }[] }).x1ResponseMessage ?? []);
  if ('error' in j || j.root !== 'X1Response' || msgs.some((m) => m.type === 'ErrorResponse')) process.exitCode = 1;
}

export function registerX1Command(program: Command): void {
  const x1 = program
    .command('x1')
    .description('lab ADMF: send one X1 (ETSI TS 103 221-1) request to a tap started with --x1-listen, print the response as JSON')
    .requiredOption('--ne <url>', 'the tap\'s X1 endpoint, e.g. https://127.0.0.1:8443 (path /X1/NE by default)')
    .requiredOption('--cert <file>', 'this ADMF\'s client certificate (its CN is the admfIdentifier)')
    .requiredOption('--key <file>', 'its private key')
    .requiredOption('--ca <file>', 'CA of the tap\'s certificate')
    .requiredOption('--ne-id <id>', 'the tap\'s neIdentifier (by default the CN of its --x1-cert)')
    .option('--admf-id <id>', 'admfIdentifier (default: the CN of --cert)')
    .option('--timeout <seconds>', 'give up after this long', (v) => Number(v), 30);
  const common = (): CommonOptions => x1.opts<CommonOptions>();
  x1.command('ping').description('PingRequest').action(() => send(common(), [{ type: 'Ping' }]));
  x1.command('status').description('GetNEStatusRequest').action(() => send(common(), [{ type: 'GetNEStatus' }]));
  x1.command('list').description('ListAllDetailsRequest: the XIDs and DIDs provisioned').action(() => send(common(), [{ type: 'ListAllDetails' }]));
  x1.command('details [xid]')
    .description('GetTaskDetailsRequest for XID (task details and status), or GetAllDetailsRequest without it')
    .action((xid?: string) => send(common(), [xid === undefined ? { type: 'GetAllDetails' } : { type: 'GetTaskDetails', xId: uuidArg(xid, 'XID') }]));
  addTaskOptions(x1.command('activate').description('ActivateTaskRequest')).action((o: TaskOptions) => send(common(), [{ type: 'ActivateTask', taskDetails: taskDetails(o) }]));
  addTaskOptions(x1.command('modify').description('ModifyTaskRequest (the whole task, as for activate)')).action((o: TaskOptions) => {
    if (o.xid === undefined) throw new ConfigError('modify needs --xid');
    return send(common(), [{ type: 'ModifyTask', taskDetails: taskDetails(o) }]);
  });
  x1.command('deactivate <xid>').description('DeactivateTaskRequest').action((xid: string) => send(common(), [{ type: 'DeactivateTask', xId: uuidArg(xid, 'XID') }]));
  x1.command('create-destination')
    .description('CreateDestinationRequest (ipAddressAndPort, TCP)')
    .option('--did <uuid>', 'DID (default: a new random UUID)')
    .requiredOption('--address <ip:port>', 'the mediation function\'s X2/X3 address, IPv4:PORT or [IPv6]:PORT')
    .option('--delivery-type <type>', 'X2Only | X3Only | X2andX3', 'X2andX3')
    .option('--name <text>', 'friendlyName')
    .action((o: { did?: string; address: string; deliveryType: string; name?: string }) => send(common(), [{ type: 'CreateDestination', destinationDetails: destinationDetails(o) }]));
  x1.command('remove-destination <did>').description('RemoveDestinationRequest').action((did: string) => send(common(), [{ type: 'RemoveDestination', dId: uuidArg(did, 'DID') }]));
}
