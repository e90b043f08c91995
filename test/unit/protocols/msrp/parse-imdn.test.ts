import { describe, expect, it } from 'vitest';
import { parseImdn } from '../../../../src/protocols/msrp/parse-imdn.js';
import { parseIsComposing } from '../../../../src/protocols/msrp/parse-is-composing.js';
import { enc, newCounter } from '../../../helpers/msrp-test-helpers.js';

const imdn = (notification: string, status: string, extra = ''): string => `<?xml version="1.0" encoding="UTF-8"?>
<imdn xmlns="urn:ietf:params:xml:ns:imdn">
  <message-id>34jk324j</message-id>
  <datetime>2008-04-04T12:16:49-05:00</datetime>
  <recipient-uri>im:bob@example.com</recipient-uri>
  <original-recipient-uri>im:bob@example.com</original-recipient-uri>${extra}
  <${notification}>
    <status>
      <${status}/>
    </status>
  </${notification}>
</imdn>`;

describe('parseImdn (RFC 5438)', () => {
  it.each([
    ['delivery-notification', 'delivered', 'delivery'],
    ['delivery-notification', 'failed', 'delivery'],
    ['delivery-notification', 'forbidden', 'delivery'],
    ['display-notification', 'displayed', 'display'],
    ['display-notification', 'error', 'display'],
    ['processing-notification', 'processed', 'processing'],
    ['processing-notification', 'stored', 'processing'],
  ])('parses <%s> with <%s/>', (el, status, type) => {
    const a = newCounter();
    expect(parseImdn(enc(imdn(el, status)), a)).toEqual({
      messageId: '34jk324j',
      dateTime: '2008-04-04T12:16:49-05:00',
      recipientUri: 'im:bob@example.com',
      originalRecipientUri: 'im:bob@example.com',
      subject: null,
      notification: type,
      status,
    });
    expect(a.total()).toBe(0);
  });

  it('parses a prefixed namespace and a subject with entities', () => {
    const xml = `<i:imdn xmlns:i="urn:ietf:params:xml:ns:imdn"><i:message-id>x1</i:message-id><i:datetime>2020-01-01T00:00:00Z</i:datetime>
      <i:subject>Tom &amp; Jerry &#x263A;</i:subject><i:display-notification><i:status><i:displayed/></i:status></i:display-notification></i:imdn>`;
    expect(parseImdn(enc(xml))).toMatchObject({ messageId: 'x1', subject: 'Tom & Jerry \u263a', notification: 'display', status: 'displayed', recipientUri: null });
  });

  it('keeps the document but reports a status not allowed for the notification type', () => {
    const a = newCounter();
    expect(parseImdn(enc(imdn('display-notification', 'delivered')), a)).toMatchObject({ notification: 'display', status: null });
    expect(a.count('imdn.unknown_status')).toBe(1);
  });

  it.each([
    ['a DOCTYPE', `<?xml version="1.0"?><!DOCTYPE imdn [<!ENTITY x SYSTEM "file:///etc/passwd">]><imdn xmlns="urn:ietf:params:xml:ns:imdn">&x;</imdn>`, 'imdn.bad_xml'],
    ['malformed XML', '<imdn xmlns="urn:ietf:params:xml:ns:imdn"><message-id>x</imdn>', 'imdn.bad_xml'],
    ['another root', '<isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing"/>', 'imdn.not_imdn'],
    ['the right name in no namespace', '<imdn><message-id>x</message-id></imdn>', 'imdn.not_imdn'],
    ['no message-id', imdn('delivery-notification', 'delivered').replace('<message-id>34jk324j</message-id>', ''), 'imdn.missing_element'],
    ['no datetime', imdn('delivery-notification', 'delivered').replace(/<datetime>.*<\/datetime>/, ''), 'imdn.missing_element'],
    ['no notification', imdn('x-notification', 'delivered'), 'imdn.missing_element'],
  ])('returns null for %s', (_name, xml, code) => {
    const a = newCounter();
    expect(parseImdn(enc(xml), a)).toBeNull();
    expect(a.count(code as 'imdn.bad_xml')).toBe(1);
  });
});

describe('parseIsComposing (RFC 3994)', () => {
  const doc = (inner: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="urn:ietf:params:xml:ns:im-composing iscomposing.xsd">
  ${inner}
</isComposing>`;

  it('parses an active state with content type and refresh', () => {
    expect(parseIsComposing(enc(doc('<state>active</state><contenttype>text/plain</contenttype><refresh>90</refresh>')))).toEqual({
      state: 'active',
      lastActive: null,
      contentType: 'text/plain',
      refresh: 90,
    });
  });

  it('parses an idle state with lastactive', () => {
    expect(parseIsComposing(enc(doc('<state>idle</state><lastactive>2003-01-27T10:43:00Z</lastactive>')))).toEqual({
      state: 'idle',
      lastActive: '2003-01-27T10:43:00Z',
      contentType: null,
      refresh: null,
    });
  });

  it.each([
    ['an unknown state', doc('<state>typing</state>'), 'iscomposing.invalid'],
    ['no state', doc('<refresh>60</refresh>'), 'iscomposing.invalid'],
    ['refresh 0', doc('<state>active</state><refresh>0</refresh>'), 'iscomposing.invalid'],
    ['another root', '<imdn xmlns="urn:ietf:params:xml:ns:imdn"/>', 'iscomposing.invalid'],
    ['broken XML', '<isComposing', 'iscomposing.bad_xml'],
  ])('returns null for %s', (_name, xml, code) => {
    const a = newCounter();
    expect(parseIsComposing(enc(xml), a)).toBeNull();
    expect(a.count(code as 'iscomposing.invalid')).toBe(1);
  });
});
