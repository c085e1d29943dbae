import { ApiClient, DisposableRedis, Platform, uniqueEmail } from '@slotbook/testing';

/**
 * SPEC §7: a service whose Redis dies keeps serving what it can without it, and its Redis
 * client's failures are handled and logged, never an unhandled 'error' event.
 */
describe('when the Redis of the gateway and of availability is killed', () => {
  let redis: DisposableRedis;
  let platform: Platform;

  beforeAll(async () => {
    redis = await new DisposableRedis().start();
    platform = await new Platform({
      env: { gateway: { REDIS_URL: redis.url }, availability: { REDIS_URL: redis.url } },
    }).start();
  });

  afterAll(async () => {
    await platform?.stop();
    await redis?.stop();
  });

  it('they keep answering, and log no unhandled error event while it is down', async () => {
    const api = new ApiClient(platform.gatewayUrl);
    const host = await api.signUp({ email: uniqueEmail('redis-loss'), role: 'HOST' });
    await redis.stop();
    // A few reconnect attempts of each client fail meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const live = await fetch(`${platform.gatewayUrl}/health/live`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${platform.replicas.availability[0].url}/health/ready`);
    expect(await ready.json()).toMatchObject({ status: 'degraded', checks: { redis: 'down' } });
    // Without its revocation list the gateway fails closed, at once rather than at its timeout.
    const started = Date.now();
    const ranges = await api.get(`/hosts/${host.user.id}/availability`, {
      token: host.accessToken,
    });
    expect(ranges.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const name of ['gateway', 'availability'] as const) {
      expect(platform.logs(name)).not.toMatch(/Unhandled error event/);
      expect(platform.replicas[name][0].running).toBe(true);
    }
  });
});
