import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../../src/core/errors.js';
import { parseTasksFile, parseTasksText } from '../../../src/correlate/tasks-file.js';

const DID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

function task(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    xid: '11111111-2222-4333-8444-555555555555',
    liid: 'LIID-1',
    targetIdentifiers: [{ sipUri: 'sip:alice@ims.example.com' }],
    deliveryType: 'X2andX3',
    ...over,
  };
}

function errorOf(json: unknown): string {
  try {
    parseTasksFile(json, 'tasks.json');
  } catch (e) {
    expect(isConfigError(e)).toBe(true);
    expect((e as { fix?: string }).fix).toBeTruthy();
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('parseTasksFile', () => {
  it('accepts a complete file and normalises values', () => {
    const set = parseTasksFile(
      {
        tasks: [
          task({
            xid: '{11111111-2222-4333-8444-555555555555}'.toUpperCase().replace('{', '').replace('}', ''),
            targetIdentifiers: [{ sipUri: 'sip:alice@ims.example.com' }, { telUri: 'tel:+49-151-1234' }, { impu: 'sip:bob@x' }, { impi: 'alice@ims.example.com' }, { e164: '4915112345678' }],
            startTime: '2026-11-28T09:00:00Z',
            endTime: '2026-11-29T09:00:00.5+01:00',
            listOfDids: [DID],
          }),
        ],
        destinations: [{ did: DID, address: '[2001:db8::1]:4443', tls: { cert: 'c.pem', key: 'k.pem' } }],
      },
      'tasks.json',
    );
    const t = set.tasks[0]!;
    expect(t.xid).toBe('11111111-2222-4333-8444-555555555555');
    expect(t.targetIdentifiers.map((i) => i.kind)).toEqual(['sipUri', 'telUri', 'impu', 'impi', 'e164']);
    expect(t.startTime).toBe(Date.parse('2026-11-28T09:00:00Z') / 1000);
    expect(t.endTime).toBe(Date.parse('2026-11-29T08:00:00.5Z') / 1000);
    expect(t.listOfDids).toEqual([DID]);
    expect(set.destinations[0]).toEqual({ did: DID, host: '2001:db8::1', port: 4443, tls: { cert: 'c.pem', key: 'k.pem' } });
  });

  it.each([
    ['bad xid', { tasks: [task(), task({ xid: 'nope', liid: 'L2' })] }, 'tasks.json: tasks[1].xid: not a UUID'],
    ['liid too long', { tasks: [task({ liid: 'X'.repeat(26) })] }, 'tasks.json: tasks[0].liid: LIID must have 1..25'],
    ['empty liid', { tasks: [task({ liid: '' })] }, 'tasks.json: tasks[0].liid: LIID must have 1..25'],
    ['unknown field', { tasks: [task({ deliverytype: 'X2Only' })] }, 'tasks.json: tasks[0]: unknown field(s) "deliverytype"'],
    ['bad deliveryType', { tasks: [task({ deliveryType: 'X2' })] }, 'tasks.json: tasks[0].deliveryType: must be "X2andX3", "X2Only" or "X3Only"'],
    ['missing tasks', {}, 'tasks.json: tasks:'],
    ['no identifiers', { tasks: [task({ targetIdentifiers: [] })] }, 'tasks.json: tasks[0].targetIdentifiers: at least one'],
    ['two kinds in one entry', { tasks: [task({ targetIdentifiers: [{ sipUri: 'sip:a@b', e164: '49151' }] })] }, 'tasks.json: tasks[0].targetIdentifiers[0]: exactly one of'],
    ['bad sip uri', { tasks: [task({ targetIdentifiers: [{ sipUri: 'tel:+4915' }] })] }, 'tasks.json: tasks[0].targetIdentifiers[0].sipUri: not a SIP URI'],
    ['bad tel uri', { tasks: [task({ targetIdentifiers: [{ telUri: 'tel:1234' }] })] }, 'tasks.json: tasks[0].targetIdentifiers[0].telUri: not a TEL URI'],
    ['bad e164', { tasks: [task({ targetIdentifiers: [{ e164: '0151 123' }] })] }, 'tasks.json: tasks[0].targetIdentifiers[0].e164: not an E.164 number'],
    ['bad impi', { tasks: [task({ targetIdentifiers: [{ impi: 'sip:alice@x' }] })] }, 'tasks.json: tasks[0].targetIdentifiers[0].impi: not an IMPI'],
    ['bad time', { tasks: [task({ startTime: 'yesterday' })] }, 'tasks.json: tasks[0].startTime: not an ISO-8601'],
    ['end before start', { tasks: [task({ startTime: '2026-01-02T00:00:00Z', endTime: '2026-01-01T00:00:00Z' })] }, 'tasks.json: tasks[0].endTime: must be later'],
    ['duplicate xid', { tasks: [task(), task({ liid: 'L2' })] }, 'tasks.json: tasks[1].xid: duplicate XID'],
    ['liid collision', { tasks: [task(), task({ xid: '66666666-7777-4888-9999-aaaaaaaaaaaa' })] }, 'tasks.json: tasks[1].liid: LIID "LIID-1" collides with tasks[0].liid'],
    [
      'liids differing in case only (one folder on a case-insensitive file system)',
      { tasks: [task({ liid: 'a/B' }), task({ xid: '66666666-7777-4888-9999-aaaaaaaaaaaa', liid: 'A/b' })] },
      'tasks.json: tasks[1].liid: LIID "A/b" and tasks[0].liid "a/B" differ only in letter case',
    ],
    ['undefined DID', { tasks: [task({ x3Dids: [DID] })] }, `tasks.json: tasks[0].x3Dids[0]: DID ${DID} is not defined`],
    ['bad DID', { tasks: [task({ x2Dids: ['x'] })] }, 'tasks.json: tasks[0].x2Dids[0]: not a UUID'],
    [
      'duplicate destination',
      {
        tasks: [task()],
        destinations: [
          { did: DID, address: 'a:1' },
          { did: DID, address: 'b:2' },
        ],
      },
      'tasks.json: destinations[1].did: duplicate DID',
    ],
    ['bad address', { tasks: [task()], destinations: [{ did: DID, address: 'host' }] }, 'tasks.json: destinations[0].address: not "host:port"'],
    ['bad port', { tasks: [task()], destinations: [{ did: DID, address: 'host:70000' }] }, 'tasks.json: destinations[0].address: not "host:port"'],
    ['not an object', [1, 2], 'tasks.json: (top level):'],
  ])('%s → one message naming the field', (_name, json, expected) => {
    const msg = errorOf(json);
    expect(msg.startsWith(expected)).toBe(true);
    expect(msg.split('\n')).toHaveLength(1);
  });

  it('accepts LIIDs whose output folders differ (a/b and a_b: a%2Fb and a_b)', () => {
    const set = parseTasksFile({ tasks: [task({ liid: 'a/b' }), task({ xid: '66666666-7777-4888-9999-aaaaaaaaaaaa', liid: 'a_b' })] }, 'tasks.json');
    expect(set.tasks.map((t) => t.liid)).toEqual(['a/b', 'a_b']);
  });

  // The file's text goes through src/core/check-json.ts like every JSON msrptap reads back:
  // a corrupted or foreign file is one ConfigError naming the file, with the fix.
  it.each([
    ['not JSON (cut short)', '{"tasks": [', 'tasks.json: not valid JSON: ', /jq/],
    ['a custody manifest given as tasks file', JSON.stringify({ format: 'msrptap-manifest/1', tasks: [] }), 'tasks.json: (top level): unknown field(s) "format"', /tasks file/],
    ['a spool position given as tasks file', '{"seg":1,"off":0}', 'tasks.json: (top level): unknown field(s) "seg", "off"', /tasks file/],
    ['audit.json given as tasks file', '{"sessions":[],"uncorrelated":[],"anomalies":{}}', 'tasks.json: (top level): unknown field(s) "sessions", "uncorrelated", "anomalies"', /tasks file/],
  ])('text: %s → one message naming the file, with the fix', (_name, text, expected, fix) => {
    let err: unknown;
    try {
      parseTasksText(text, 'tasks.json');
    } catch (e) {
      err = e;
    }
    expect(isConfigError(err)).toBe(true);
    expect((err as Error).message.startsWith(expected), (err as Error).message).toBe(true);
    expect((err as Error).message.split('\n')).toHaveLength(1);
    expect((err as { fix?: string }).fix).toMatch(fix);
  });

  it('text: a valid file gives the same tasks as the parsed-JSON entry point', () => {
    const json = { tasks: [task()], destinations: [{ did: DID, address: 'h:1' }] };
    expect(parseTasksText(JSON.stringify(json), 'tasks.json')).toEqual(parseTasksFile(json, 'tasks.json'));
  });
});
