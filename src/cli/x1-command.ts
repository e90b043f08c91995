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
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import type { CommonOptions, TaskOptions } from './x1-admf.js';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

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
    .option('--did <uuid>', "destination of the task's X2/X3 (created beforehand); repeatable", collect, []);
}

export function registerX1Command(program: Command): void {
  const x1 = program
    .command('x1')
    .description('lab ADMF: send one X1 (ETSI TS 103 221-1) request to a tap started with --x1-listen, print the response as JSON')
    .requiredOption('--ne <url>', "the tap's X1 endpoint, e.g. https://127.0.0.1:8443 (path /X1/NE by default)")
    .requiredOption('--cert <file>', "this ADMF's client certificate (its CN is the admfIdentifier)")
    .requiredOption('--key <file>', 'its private key')
    .requiredOption('--ca <file>', "CA of the tap's certificate")
    .requiredOption('--ne-id <id>', "the tap's neIdentifier (by default the CN of its --x1-cert)")
    .option('--admf-id <id>', 'admfIdentifier (default: the CN of --cert)')
    .option(
      '--timeout <seconds>',
      'give up after this long',
      (v) => {
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`--timeout must be a positive number of seconds, got "${v}"`);
        return n;
      },
      30,
    );
  const common = (): CommonOptions => x1.opts<CommonOptions>();
  // The X1 codec and TLS client load only when this command runs (start-up cost, issue 13).
  const admf = (): Promise<typeof import('./x1-admf.js')> => import('./x1-admf.js');
  x1.command('ping')
    .description('PingRequest')
    .action(() => admf().then((a) => a.send(common(), [{ type: 'Ping' }])));
  x1.command('status')
    .description('GetNEStatusRequest')
    .action(() => admf().then((a) => a.send(common(), [{ type: 'GetNEStatus' }])));
  x1.command('list')
    .description('ListAllDetailsRequest: the XIDs and DIDs provisioned')
    .action(() => admf().then((a) => a.send(common(), [{ type: 'ListAllDetails' }])));
  x1.command('details [xid]')
    .description('GetTaskDetailsRequest for XID (task details and status), or GetAllDetailsRequest without it')
    .action((xid?: string) => admf().then((a) => a.send(common(), [xid === undefined ? { type: 'GetAllDetails' } : { type: 'GetTaskDetails', xId: a.uuidArg(xid, 'XID') }])));
  addTaskOptions(x1.command('activate').description('ActivateTaskRequest')).action((o: TaskOptions) => admf().then((a) => a.send(common(), [{ type: 'ActivateTask', taskDetails: a.taskDetails(o) }])));
  addTaskOptions(x1.command('modify').description('ModifyTaskRequest (the whole task, as for activate)')).action((o: TaskOptions) => {
    if (o.xid === undefined) throw new ConfigError('modify needs --xid');
    return admf().then((a) => a.send(common(), [{ type: 'ModifyTask', taskDetails: a.taskDetails(o) }]));
  });
  x1.command('deactivate <xid>')
    .description('DeactivateTaskRequest')
    .action((xid: string) => admf().then((a) => a.send(common(), [{ type: 'DeactivateTask', xId: a.uuidArg(xid, 'XID') }])));
  x1.command('create-destination')
    .description('CreateDestinationRequest (ipAddressAndPort, TCP)')
    .option('--did <uuid>', 'DID (default: a new random UUID)')
    .requiredOption('--address <ip:port>', "the mediation function's X2/X3 address, IPv4:PORT or [IPv6]:PORT")
    .option('--delivery-type <type>', 'X2Only | X3Only | X2andX3', 'X2andX3')
    .option('--name <text>', 'friendlyName')
    .action((o: { did?: string; address: string; deliveryType: string; name?: string }) => admf().then((a) => a.send(common(), [{ type: 'CreateDestination', destinationDetails: a.destinationDetails(o) }])));
  x1.command('remove-destination <did>')
    .description('RemoveDestinationRequest')
    .action((did: string) => admf().then((a) => a.send(common(), [{ type: 'RemoveDestination', dId: a.uuidArg(did, 'DID') }])));
}
