/** `--tap-id` prefixes the tap's trigger keys (`<tapId>.<xId>`): it must make non-empty NATS subject tokens. */
import { describe, expect, it } from 'vitest';
import { checkBusOptions } from '../../../src/cli/bus-options.js';
import { ConfigError } from '../../../src/core/errors.js';

const bus = (tapId: string) => () => checkBusOptions({ bus: 'nats://127.0.0.1:4222', tapId, busInsecure: true });

describe('checkBusOptions: --tap-id as a key prefix', () => {
  it('refuses a tap id ending with a dot or holding an empty token', () => {
    expect(bus('tap-a.')).toThrow(ConfigError);
    expect(bus('tap..a')).toThrow(/may not end with '\.' or hold '\.\.'/);
  });
  it('accepts dotted and plain tap ids', () => {
    expect(bus('tap-a')).not.toThrow();
    expect(bus('site1.tap-a')).not.toThrow();
  });
});
