import { EventEmitter } from 'node:events';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import {
  RECONNECT_MAX_DELAY_MS,
  reconnectDelayMs,
  withReconnectBackoff,
} from './reconnect-backoff';

describe('reconnect backoff', () => {
  it('tries again within a second of a drop', () => {
    expect(reconnectDelayMs(1, () => 1)).toBeLessThan(1_000);
    expect(reconnectDelayMs(1, () => 0)).toBeGreaterThan(0);
  });

  it('doubles while the broker stays away, up to the ceiling', () => {
    const delays = [1, 2, 3, 4, 5, 6, 10, 50].map((n) => reconnectDelayMs(n, () => 1));
    for (let i = 1; i < delays.length; i += 1)
      expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
    expect(delays[delays.length - 1]).toBe(RECONNECT_MAX_DELAY_MS);
  });

  it('counts failures since the last connect on the manager it wraps', () => {
    const manager = withReconnectBackoff(
      Object.assign(new EventEmitter(), {
        reconnectTimeInSeconds: 5,
      }) as unknown as AmqpConnectionManager,
    );
    manager.emit('disconnect', {});
    const afterDrop = manager.reconnectTimeInSeconds;
    manager.emit('connectFailed', {});
    manager.emit('connectFailed', {});
    manager.emit('connectFailed', {});
    const afterFailures = manager.reconnectTimeInSeconds;
    manager.emit('connect', {});
    manager.emit('disconnect', {});
    expect(afterDrop).toBeLessThan(1);
    expect(afterFailures).toBeGreaterThan(afterDrop / 2);
    expect(manager.reconnectTimeInSeconds).toBeLessThan(1);
  });
});
