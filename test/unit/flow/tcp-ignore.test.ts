/** TcpConnectionInfo.ignore: a consumer that classified a direction as uninteresting stops paying for it. */
import { describe, expect, it } from 'vitest';
import { TcpTracker } from '../../../src/flow/tcp-tracker.js';
import type { StreamConsumer, TcpConnectionInfo } from '../../../src/flow/stream-consumer.js';
import { RecordingSink, tcpPacket, text } from '../../helpers/flow-test-helpers.js';

const C = { src: '10.0.0.1', sport: 40000, dst: '10.0.0.2', dport: 80 };
const S = { src: '10.0.0.2', sport: 80, dst: '10.0.0.1', dport: 40000 };

describe('TcpTracker: ignoring a direction', () => {
  it('delivers nothing more for the ignored direction, keeps the other, and drops held data', () => {
    const events: string[] = [];
    let info: TcpConnectionInfo | undefined;
    const consumer: StreamConsumer = {
      data(dir, d) {
        events.push(`${dir} data ${text(d)}`);
        if (dir === 0) info!.ignore(0); // decided from the first bytes, inside the callback
      },
      gap(dir, n) {
        events.push(`${dir} gap ${n}`);
      },
      end(dir, reason) {
        events.push(`${dir} end ${reason}`);
      },
    };
    const tracker = new TcpTracker(
      {
        create: (c) => {
          info = c;
          return consumer;
        },
      },
      new RecordingSink(),
    );
    const steps: [typeof C, number, number, string, string?][] = [
      [C, 1000, 0, 'S'],
      [S, 5000, 1001, 'SA'],
      [C, 1001, 5001, 'A', 'GET /'],
      [C, 1011, 5001, 'A', 'held-after-hole'], // out of order: would be held
      [C, 1006, 5001, 'A', 'more!'],
      [S, 5001, 1006, 'A', 'HTTP/1.1'],
      [C, 1026, 5009, 'FA'],
      [S, 5009, 1027, 'FA'],
    ];
    steps.forEach(([e, seq, ack, f, data], i) => {
      tracker.packet(tcpPacket({ ...e, seq, ack, flags: f, data: data === undefined ? undefined : data }), i + 1, 1000, 0);
    });
    tracker.flush();
    expect(events).toEqual(['0 data GET /', '1 data HTTP/1.1', '1 end fin']);
    expect(tracker.stats().heldBytes).toBe(0);
  });
});
