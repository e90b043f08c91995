/**
 * The LI_T3 trigger codec: round trip, strict refusal, and the standard parts checked against
 * facts of TS_103_221_01.xsd v1.22.1 written out here (not imported from src).
 */
import { DOMParser, type Element } from '@xmldom/xmldom';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MediaTrigger } from '../../../src/correlate/media-trigger.js';
import { decodeMediaTrigger, encodeMediaTrigger } from '../../../src/x1/media-trigger-codec.js';
import { checkProperty } from '../../helpers/check-property.js';

const X1 = 'http://uri.etsi.org/03221/X1/2017/10';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

// --- Facts of TS_103_221_01.xsd v1.22.1 -------------------------------------------------
const HEADER = ['admfIdentifier', 'neIdentifier', 'messageTimestamp', 'version', 'x1TransactionId'];
/** complexType TaskDetails xs:sequence. */
const TASK_DETAILS = [
  'xId',
  'targetIdentifiers',
  'deliveryType',
  'listOfDIDs',
  'listOfMediationDetails',
  'correlationID',
  'implicitDeactivationAllowed',
  'productID',
  'listOfServiceTypes',
  'taskDetailsExtensions',
  'listOfTrafficPolicyReferences',
];
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const SDP_OFFER = 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nm=message 2855 TCP/MSRP *\r\na=path:msrp://192.0.2.1:2855/s1abc;tcp\r\n';
const SDP_ANSWER = 'v=0\r\no=- 2 2 IN IP4 192.0.2.2\r\ns=caf\xe9 \x01\r\nc=IN IP4 192.0.2.2\r\nm=message 2856 TCP/MSRP *\r\na=path:msrp://192.0.2.2:2856/s2def;tcp\r\n';

const TRIGGER: MediaTrigger = {
  xId: '4d9a1f1e-3a52-4c47-9d0b-0f6d7c1e2a10',
  originTap: 'tap-a',
  productId: '29f28e1c-f230-486a-a860-f5a784ab9172',
  correlationId: 'fedcba9876543210',
  dids: ['19867c20-8c94-473e-b9cd-8b72b7b05fd4'],
  sessionIds: ['s1abc', 's2def'],
  targetSessionIds: ['s2def'],
  endpoints: [
    { addr: '192.0.2.1', port: 2855 },
    { addr: '2001:db8::2', port: 2856 },
  ],
  sdpOffer: SDP_OFFER,
  sdpAnswer: SDP_ANSWER,
  windowStart: { sec: 1_765_000_000, nsec: 123_456_789 },
  windowEnd: null,
};
const ENDED: MediaTrigger = { ...TRIGGER, windowEnd: { sec: 1_765_000_060, nsec: 5 } };

function elementChildren(el: Element): Element[] {
  return Array.from(el.childNodes as unknown as ArrayLike<Element>).filter((n) => n.nodeType === 1);
}
function child(el: Element, local: string): Element {
  const c = elementChildren(el).find((e) => e.localName === local);
  expect(c, local).toBeDefined();
  return c!;
}

describe('MediaTrigger as X1', () => {
  it('round-trips an active trigger, a modified one and a released one', () => {
    expect(decodeMediaTrigger(enc(encodeMediaTrigger(TRIGGER)))).toEqual({ ok: true, trigger: TRIGGER, modified: false });
    expect(decodeMediaTrigger(enc(encodeMediaTrigger(TRIGGER, { modified: true })))).toEqual({ ok: true, trigger: TRIGGER, modified: true });
    expect(decodeMediaTrigger(enc(encodeMediaTrigger(ENDED)))).toEqual({ ok: true, trigger: ENDED, modified: false });
  });

  it("round-trips the parties (the triggering tap's SIP identities), and refuses too many or malformed ones", () => {
    const withParties: MediaTrigger = { ...ENDED, parties: { target: ['sip:alice@ims.example.net', 'tel:+4930123'], other: ['sip:bob@ims.example.net'] } };
    expect(decodeMediaTrigger(enc(encodeMediaTrigger(withParties)))).toEqual({ ok: true, trigger: withParties, modified: false });
    const onlyOther: MediaTrigger = { ...TRIGGER, parties: { target: [], other: ['sip:bob@ims.example.net'] } };
    expect(decodeMediaTrigger(enc(encodeMediaTrigger(onlyOther)))).toEqual({ ok: true, trigger: onlyOther, modified: false });
    const xml = encodeMediaTrigger(withParties);
    const nine = xml.replace(/<ext:otherParty[^>]*>[^<]*<\/ext:otherParty>/, (m) => m.repeat(9));
    expect(decodeMediaTrigger(enc(nine))).toMatchObject({ ok: false, reason: expect.stringMatching(/at most 8/) });
    const spaced = xml.replace('sip:bob@ims.example.net', 'sip:bob @ims.example.net');
    expect(decodeMediaTrigger(enc(spaced))).toMatchObject({ ok: false, reason: expect.stringMatching(/visible ASCII/) });
    const swapped = xml.replace(/<ext:targetParty[^>]*>[^<]*<\/ext:targetParty>/, '').replace(/<ext:otherParty[^>]*>[^<]*<\/ext:otherParty>/, (m) => `${m}${xml.match(/<ext:targetParty[^>]*>[^<]*<\/ext:targetParty>/)![0]}`);
    expect(decodeMediaTrigger(enc(swapped))).toMatchObject({ ok: false });
  });

  it('round-trips any well-formed trigger (property)', () => {
    const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
    const instant = fc.record({ sec: fc.integer({ min: 0, max: 2 ** 40 }), nsec: fc.integer({ min: 0, max: 999_999_999 }) });
    // Latin1 text: one character per SDP octet (media-trigger.ts).
    const sdp = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 200 });
    checkProperty(
      { seed: 15_001, numRuns: 300 },
      fc.property(
        fc.uuid({ version: 4 }),
        fc.uuid({ version: 4 }),
        hex(16),
        fc.array(fc.uuid({ version: 4 }), { maxLength: 3 }),
        fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9\-._~+=/]{1,40}$/), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.array(fc.record({ addr: fc.oneof(fc.ipV4(), fc.constantFrom('::1', '2001:db8::7', 'fe80::1:2')), port: fc.integer({ min: 1, max: 65535 }) }), { maxLength: 4 }),
        sdp,
        sdp,
        instant,
        fc.option(fc.integer({ min: 0, max: 10 ** 12 })),
        (xId, productId, correlationId, dids, sessionIds, targetPick, endpoints, sdpOffer, sdpAnswer, windowStart, endDelta) => {
          const windowEnd = endDelta === null ? null : { sec: windowStart.sec + Math.floor(endDelta / 1e9), nsec: windowStart.nsec };
          // Without a target session id, or with one of the session ids.
          const target = targetPick % (sessionIds.length + 1);
          const t: MediaTrigger = {
            xId,
            originTap: 'tap.B-2',
            productId,
            correlationId,
            dids,
            sessionIds,
            ...(target < sessionIds.length ? { targetSessionIds: [sessionIds[target]!] } : {}),
            endpoints,
            sdpOffer,
            sdpAnswer,
            windowStart,
            windowEnd,
          };
          expect(decodeMediaTrigger(enc(encodeMediaTrigger(t)))).toEqual({ ok: true, trigger: t, modified: false });
        },
      ),
    );
  });

  it('the standard parts follow the XSD: header order, TaskDetails order, X3Only, correlationID an integer, UUIDs, Extension with Owner first and foreign elements', () => {
    for (const t of [TRIGGER, ENDED]) {
      const root = new DOMParser().parseFromString(encodeMediaTrigger(t), 'text/xml').documentElement!;
      expect([root.namespaceURI, root.localName]).toEqual([X1, 'X1Request']);
      const msgs = elementChildren(root);
      expect(msgs.map((m) => m.getAttributeNS(XSI, 'type')!.replace(/^.*:/, ''))).toEqual(t.windowEnd === null ? ['ActivateTaskRequest'] : ['ActivateTaskRequest', 'DeactivateTaskRequest']);
      for (const m of msgs)
        expect(
          elementChildren(m)
            .map((e) => e.localName)
            .slice(0, 5),
        ).toEqual(HEADER);
      const td = child(msgs[0]!, 'taskDetails');
      const names = elementChildren(td).map((e) => {
        expect(e.namespaceURI).toBe(X1);
        return e.localName!;
      });
      // In xs:sequence order.
      expect(names).toEqual(TASK_DETAILS.filter((n) => names.includes(n)));
      expect(names).toEqual(['xId', 'targetIdentifiers', 'deliveryType', 'listOfDIDs', 'correlationID', 'productID', 'taskDetailsExtensions']);
      expect(child(td, 'deliveryType').textContent).toBe('X3Only');
      expect(child(td, 'correlationID').textContent).toBe(BigInt('0xfedcba9876543210').toString());
      expect(child(td, 'xId').textContent).toMatch(UUID_RE);
      expect(child(td, 'productID').textContent).toMatch(UUID_RE);
      // Each targetIdentifier is exactly one choice: targetIdentifierExtension (an Extension).
      const tids = elementChildren(child(td, 'targetIdentifiers'));
      expect(tids).toHaveLength(4);
      for (const ti of tids) {
        expect(ti.localName).toBe('targetIdentifier');
        const only = elementChildren(ti);
        expect(only.map((e) => e.localName)).toEqual(['targetIdentifierExtension']);
        const parts = elementChildren(only[0]!);
        expect([parts[0]!.namespaceURI, parts[0]!.localName]).toEqual([X1, 'Owner']);
        for (const p of parts.slice(1)) expect(p.namespaceURI).not.toBe(X1);
      }
      const ext = elementChildren(child(td, 'taskDetailsExtensions'));
      expect([ext[0]!.namespaceURI, ext[0]!.localName]).toEqual([X1, 'Owner']);
      expect(ext.slice(1).map((e) => e.localName)).toEqual(['LocalSDP', 'RemoteSDP', 'windowStart', ...(t.windowEnd === null ? [] : ['windowEnd'])]);
      // The SDP keeps its CRLFs (base64).
      expect(Buffer.from(child(child(td, 'taskDetailsExtensions'), 'LocalSDP').textContent!, 'base64').toString('utf8')).toBe(SDP_OFFER);
      if (t.windowEnd !== null) expect(child(msgs[1]!, 'xId').textContent).toBe(t.xId);
    }
  });

  describe('refuses, with a reason, never a partial trigger', () => {
    const good = encodeMediaTrigger(TRIGGER);
    const ended = encodeMediaTrigger(ENDED);
    const cases: [string, string][] = [
      ['not XML', 'hello'],
      ['a DTD', `<!DOCTYPE x [<!ENTITY a "b">]>${good.replace(/^<\?xml[^>]*>\n/, '')}`],
      ['deliveryType X2andX3', good.replace('>X3Only<', '>X2andX3<')],
      ['no productID', good.replace(/<x1:productID>[^<]*<\/x1:productID>/, '')],
      ['no correlationID', good.replace(/<x1:correlationID>[^<]*<\/x1:correlationID>/, '')],
      ['a correlationID over 8 octets', good.replace(/<x1:correlationID>[^<]*</, `<x1:correlationID>${(1n << 64n).toString()}<`)],
      ['a hex correlationID', good.replace(/<x1:correlationID>[^<]*</, '<x1:correlationID>fedcba<')],
      ['an xId that is not a UUID', good.replace(/<x1:xId>[^<]*</, '<x1:xId>trigger-1<')],
      ['no session id', good.replace(/<x1:targetIdentifier><x1:targetIdentifierExtension><x1:Owner>msrptap<\/x1:Owner><ext:sessionId[\s\S]*?<\/x1:targetIdentifier>/g, '')],
      ['a session id with a space', good.replace('>s1abc<', '>s1 abc<')],
      ['a party other than target', good.replace('>target<', '>other<')],
      ['port 0', good.replace('>2855<', '>0<')],
      ['an address that is not one', good.replace('>192.0.2.1<', '>example.com<')],
      ['a standard target (sipUri)', good.replace('<x1:targetIdentifiers>', '<x1:targetIdentifiers><x1:targetIdentifier><x1:sipUri>sip:a@b</x1:sipUri></x1:targetIdentifier>')],
      ['another Owner', good.replace(/<x1:Owner>msrptap<\/x1:Owner><ext:LocalSDP/, '<x1:Owner>other</x1:Owner><ext:LocalSDP')],
      ['an SDP not base64', good.replace(/<ext:LocalSDP([^>]*)>[^<]*</, '<ext:LocalSDP$1>v=0 o=x<')],
      ['no windowStart', good.replace(/<ext:windowStart[^>]*>[^<]*<\/ext:windowStart>/, '')],
      ['windowEnd without DeactivateTask', ended.replace(/<x1:x1RequestMessage xsi:type="x1:DeactivateTaskRequest">[\s\S]*<\/x1:x1RequestMessage>/, '')],
      ['DeactivateTask without windowEnd', ended.replace(/<ext:windowEnd[^>]*>[^<]*<\/ext:windowEnd>/, '')],
      ['DeactivateTask of another xId', ended.replace(/(DeactivateTaskRequest">[\s\S]*<x1:xId>)[^<]*</, '$100000000-0000-4000-8000-000000000001<')],
      ['a Ping', good.replace('x1:ActivateTaskRequest', 'x1:PingRequest')],
      ['a bad tap id', good.replace('<x1:admfIdentifier>tap-a<', '<x1:admfIdentifier>tap a/../x<')],
      ['another neIdentifier', good.replace('<x1:neIdentifier>msrptap-bus<', '<x1:neIdentifier>ne-1<')],
      ['elements out of order', good.replace(/(<x1:correlationID>[^<]*<\/x1:correlationID>)(<x1:productID>[^<]*<\/x1:productID>)/, '$2$1')],
    ];
    for (const [what, xml] of cases) {
      it(what, () => {
        expect(xml).not.toBe(good);
        const d = decodeMediaTrigger(enc(xml));
        expect(d.ok, what).toBe(false);
        if (!d.ok) expect(d.reason.length).toBeGreaterThan(3);
      });
    }

    it('never throws on mutated triggers (property)', () => {
      const body = enc(ended);
      checkProperty(
        { seed: 15_002, numRuns: 400 },
        fc.property(fc.integer({ min: 0, max: body.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, v) => {
          const m = body.slice();
          m[at] = v;
          const d = decodeMediaTrigger(m);
          // Either refused, or (a byte that changed nothing the codec reads) a whole trigger.
          if (d.ok) expect(d.trigger.sessionIds.length).toBeGreaterThan(0);
        }),
      );
    });
  });
});
