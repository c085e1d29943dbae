import type { AmqpConnectionManager } from 'amqp-connection-manager';

/** First reconnect after a drop: well within a second, so a broker blip costs little. */
export const RECONNECT_FIRST_DELAY_MS = 200;
/** Ceiling of the doubling delay while the broker stays away. */
export const RECONNECT_MAX_DELAY_MS = 5_000;

/**
 * Delay before reconnect attempt `failures` (1 = right after a drop): doubling from
 * {@link RECONNECT_FIRST_DELAY_MS} up to the ceiling, with jitter in its upper half so that
 * every replica does not knock at the same instant.
 */
export function reconnectDelayMs(failures: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, failures - 1);
  const ceiling = Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_FIRST_DELAY_MS * 2 ** exponent);
  return Math.round(ceiling * (0.5 + random() / 2));
}

/**
 * amqp-connection-manager waits a fixed `reconnectTimeInSeconds` before every attempt, and
 * Nest leaves it at the heartbeat interval (5 s): every broker drop cost 5 s of 503s. The
 * manager reads that property each time it schedules an attempt, so it becomes a backoff that
 * counts the failures since the last successful connect.
 */
export function withReconnectBackoff<T extends AmqpConnectionManager>(manager: T): T {
  let failures = 0;
  manager.on('connect', () => {
    failures = 0;
  });
  manager.on('disconnect', () => {
    failures += 1;
  });
  manager.on('connectFailed', () => {
    failures += 1;
  });
  Object.defineProperty(manager, 'reconnectTimeInSeconds', {
    configurable: true,
    get: () => reconnectDelayMs(failures) / 1000,
  });
  return manager;
}
