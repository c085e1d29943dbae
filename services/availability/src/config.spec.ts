import { parseEnv } from '@slotbook/runtime';
import { AvailabilityEnv } from './config';
import { LEASE_MARGIN_MS } from './ranges/range-change.timing';

const base = {
  AMQP_URL: 'amqp://127.0.0.1',
  MONGO_URL: 'mongodb://127.0.0.1/a',
  REDIS_URL: 'redis://127.0.0.1',
};

describe("the availability service's environment", () => {
  it('takes a range-change lease that outlasts one ask of booking and the margin of its write', () => {
    const env = parseEnv(AvailabilityEnv, base);
    expect(env.CHANGE_LEASE_MS).toBeGreaterThan(env.RPC_TIMEOUT_MS + LEASE_MARGIN_MS);
    const fits = { RPC_TIMEOUT_MS: '3000', CHANGE_LEASE_MS: String(3_000 + LEASE_MARGIN_MS + 1) };
    expect(parseEnv(AvailabilityEnv, { ...base, ...fits }).CHANGE_LEASE_MS).toBe(5_001);
  });

  it('refuses a lease the change could outlive, naming CHANGE_LEASE_MS', () => {
    const tight = { RPC_TIMEOUT_MS: '3000', CHANGE_LEASE_MS: String(3_000 + LEASE_MARGIN_MS) };
    expect(() => parseEnv(AvailabilityEnv, { ...base, ...tight })).toThrow(
      /CHANGE_LEASE_MS.*must exceed RPC_TIMEOUT_MS/,
    );
  });
});
