/**
 * A POI-only task (ActivateTask without listOfMediationDetails) runs through the real pipeline
 * and file output: its records need an LIID of 1..25 characters, so they carry the XID's
 * stand-in (src/x1/x1-state.ts poiOnlyLiid) and the tap does not stop on the record validator.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCaptureBytes } from '../../../src/capture/capture-file.js';
import { AnomalyCounter } from '../../../src/core/anomaly.js';
import { FileRecordOutput } from '../../../src/pipeline/file-record-output.js';
import { InterceptPipeline } from '../../../src/pipeline/intercept-pipeline.js';
import { X1Handler } from '../../../src/x1/x1-handler.js';
import { EMPTY_X1_STATE, poiOnlyLiid } from '../../../src/x1/x1-state.js';
import { encodeRequest } from '../../../src/x1/x1-request-encoder.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const XID = '3a0b508c-3616-48ba-849d-f485418efd49';
const DID = '0b2e7c1a-5d4f-4e7a-9c3b-1f2e3d4c5b6a';

describe('POI-only X1 task', () => {
  it('has a 25-character stand-in LIID, distinct per XID', () => {
    expect(poiOnlyLiid(XID)).toHaveLength(25);
    expect(poiOnlyLiid(XID)).not.toBe(poiOnlyLiid('3a0b508c-3616-48ba-849d-f485418efd4a'));
  });

  it('is intercepted into OUT/<stand-in>/ without stopping the tap', () => {
    const h = new X1Handler({ neIdentifier: 'ne', destinationTls: null }, EMPTY_X1_STATE);
    const xml = encodeRequest('admf', 'ne', [
      { type: 'CreateDestination', destinationDetails: { dId: DID, deliveryType: 'X2andX3', address: { kind: 'IPv4Address', value: '127.0.0.1' }, port: { kind: 'TCPPort', value: 9 } } },
      { type: 'ActivateTask', taskDetails: { xId: XID, targetIdentifiers: [{ kind: 'sipUri', value: 'sip:alice@ims.example.net' }], deliveryType: 'X2andX3', listOfDIDs: [DID] } },
    ]);
    const out = h.handle(new TextEncoder().encode(xml), ['admf']);
    expect(out.taskSet).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'msrptap-x1-poi-'));
    const files = new FileRecordOutput(dir);
    const pl = new InterceptPipeline({ tasks: out.taskSet!, onRecord: (r) => files.write(r) });
    const rd = openCaptureBytes(readFileSync(join(ROOT, 'samples/pcap/chat-tcp-sip.pcap')), 'chat-tcp-sip.pcap', 0, new AnomalyCounter());
    for (let f = rd.next(); f !== null; f = rd.next()) pl.frame(f);
    pl.finish();
    files.close();
    expect(readdirSync(join(dir, poiOnlyLiid(XID)))).toContain('x2x3.pdu');
  });
});
