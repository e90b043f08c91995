/**
 * The work of `msrptap x1` (./x1-command.ts), loaded only when that command runs: builds the
 * X1 request (ETSI TS 103 221-1) from the options, posts it over mutual TLS and prints the
 * response as JSON.
 */
import { randomUUID, X509Certificate } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { ConfigError } from '../core/errors.js';
import { loadTlsMaterial, type TlsMaterial } from '../deliver/tls-material.js';
import { postX1 } from '../pipeline/x1-client.js';
import { formatUuid, parseUuid } from '../records/uuid.js';
import type { X1DestinationDetails, X1Target, X1TaskDetails, X2X3DeliveryType } from '../x1/x1-model.js';
import { x1Timestamp } from '../x1/x1-encoder.js';
import { encodeRequest, type X1RequestItem } from '../x1/x1-request-encoder.js';
import { responseToJson } from '../x1/x1-response-json.js';

export interface CommonOptions {
  ne: string;
  cert: string;
  key: string;
  ca: string;
  neId: string;
  admfId?: string;
  timeout: number;
}

export interface TaskOptions {
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

export function uuidArg(v: string, what: string): string {
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

/**
 * StartTime/EndTime are etsi103280:QualifiedMicrosecondDateTime (TS_103_221_01.xsd v1.22.1,
 * MediationDetails; TS_103_280.xsd v2.15.1: six fraction digits and a zone): any date-time with
 * a zone given on the command line is written in that form, in UTC.
 */
function microsecondTime(v: string, flag: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(ms)) throw new ConfigError(`${flag} "${v}": not a date-time with a zone`, 'e.g. 2026-12-07T12:00:00Z');
  return x1Timestamp(new Date(ms));
}

export function taskDetails(o: TaskOptions): X1TaskDetails {
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
      ? {
          listOfMediationDetails: [
            { lIID: o.liid, deliveryType: o.hiDeliveryType, ...(o.start !== undefined ? { startTime: microsecondTime(o.start, '--start') } : {}), ...(o.end !== undefined ? { endTime: microsecondTime(o.end, '--end') } : {}) },
          ],
        }
      : {}),
  };
}

/**
 * An IPv6 address in the one form etsi103280:IPv6Address allows (TS_103_280.xsd v2.15.1:
 * `([0-9a-f]{4}:){7}([0-9a-f]{4})`, eight full lower-case groups); undefined when not IPv6.
 */
export function fullIpv6(address: string): string | undefined {
  if (!isIPv6(address)) return undefined;
  let s = address.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4 !== null) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const gap = s.indexOf('::');
  const head = (gap < 0 ? s : s.slice(0, gap)).split(':').filter((g) => g !== '');
  const tail =
    gap < 0
      ? []
      : s
          .slice(gap + 2)
          .split(':')
          .filter((g) => g !== '');
  const groups = [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  return groups.map((g) => g.padStart(4, '0')).join(':');
}

export function destinationDetails(o: { did?: string; address: string; deliveryType: string; name?: string }): X1DestinationDetails {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/.exec(o.address);
  const v6 = m?.[1] === undefined ? undefined : fullIpv6(m[1]);
  if (m === null || (m[1] !== undefined && v6 === undefined)) throw new ConfigError(`--address must be IPv4:PORT or [IPv6]:PORT, got "${o.address}"`, 'X1 destinations are IP addresses (ipAddressAndPort), not host names');
  return {
    dId: o.did === undefined ? randomUUID() : uuidArg(o.did, '--did'),
    ...(o.name !== undefined ? { friendlyName: o.name } : {}),
    deliveryType: deliveryType(o.deliveryType),
    address: v6 !== undefined ? { kind: 'IPv6Address', value: v6 } : { kind: 'IPv4Address', value: m[2]! },
    port: { kind: 'TCPPort', value: Number(m[3]) },
  };
}

/** The CN of a PEM certificate: the default admfIdentifier (the tap binds it to the certificate). */
function commonName(tls: TlsMaterial): string | undefined {
  return /(?:^|\n)CN=([^\n]+)/.exec(new X509Certificate(tls.cert).subject)?.[1];
}

export async function send(c: CommonOptions, items: X1RequestItem[]): Promise<void> {
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
