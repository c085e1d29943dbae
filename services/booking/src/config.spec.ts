import { parseEnv } from '@slotbook/runtime';
import { HOLD_GRACE_MS, HOLD_WRITE_MARGIN_MS } from './bookings/slot-hold.timing';
import { BookingEnv } from './config';

const base = {
  AMQP_URL: 'amqp://127.0.0.1',
  MONGO_URL: 'mongodb://127.0.0.1/b',
  REDIS_URL: 'redis://127.0.0.1',
};

describe("the booking service's environment", () => {
  it('waits on availability for less than the grace of held time, less the margin of a write', () => {
    const env = parseEnv(BookingEnv, base);
    expect(env.RPC_TIMEOUT_MS + HOLD_WRITE_MARGIN_MS).toBeLessThan(HOLD_GRACE_MS);
    const fits = { RPC_TIMEOUT_MS: String(HOLD_GRACE_MS - HOLD_WRITE_MARGIN_MS - 1) };
    expect(parseEnv(BookingEnv, { ...base, ...fits }).RPC_TIMEOUT_MS).toBe(24_999);
  });

  it('refuses a wait a live create would be fenced in, naming RPC_TIMEOUT_MS', () => {
    const tight = { RPC_TIMEOUT_MS: String(HOLD_GRACE_MS - HOLD_WRITE_MARGIN_MS) };
    expect(() => parseEnv(BookingEnv, { ...base, ...tight })).toThrow(
      /RPC_TIMEOUT_MS.*must be under 25000 ms/,
    );
  });
});
