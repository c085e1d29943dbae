import {
  ApiClient,
  DisposableRedis,
  Platform,
  cutBrokerConnections,
  uniqueEmail,
} from '@slotbook/testing';

/** SPEC §7: a service that is down is a 503 within the timeout, and everything recovers by itself. */
describe('when a service or the broker goes away', () => {
  let platform: Platform;
  let api: ApiClient;

  beforeAll(async () => {
    platform = await new Platform({ env: { gateway: { RPC_TIMEOUT_MS: '1500' } } }).start();
    api = new ApiClient(platform.gatewayUrl);
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('answers 503 problem+json within the timeout while identity is down, and recovers when it is back', async () => {
    const email = uniqueEmail('down');
    await api.signUp({ email });
    const identity = platform.replicas.identity[0];
    await identity.stop();
    const started = Date.now();
    const down = await api.post('/auth/login', {
      body: { email, password: 'correct-horse-battery' },
    });
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Date.now() - started).toBeLessThan(3_000);
    await identity.start();
    const back = await api.post('/auth/login', {
      body: { email, password: 'correct-horse-battery' },
    });
    expect(back.status).toBe(200);
  });

  it('recovers by itself when the broker drops every connection', async () => {
    // SPEC §8: cut the connections (of the tests' vhost) and leave the broker running.
    await cutBrokerConnections();
    const deadline = Date.now() + 30_000;
    let status = 0;
    while (Date.now() < deadline) {
      const response = await api.post('/auth/register', {
        body: { email: uniqueEmail('after-cut'), password: 'long-enough-1', name: 'Cut' },
      });
      status = response.status;
      if (status === 201) break;
      expect([503]).toContain(status);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(status).toBe(201);
  });

  it('serves reads across a broker drop and takes writes again within about a second', async () => {
    const user = await api.signUp({ email: uniqueEmail('drop') });
    await cutBrokerConnections();
    const cutAt = Date.now();
    // Reads are sent again on the new connection instead of failing with 503.
    const reads = await Promise.all(
      Array.from({ length: 5 }, () => api.get('/users/me', { token: user.accessToken })),
    );
    expect(reads.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    let writableAfterMs = -1;
    while (Date.now() - cutAt < 10_000) {
      const response = await api.post('/auth/register', {
        body: { email: uniqueEmail('after-drop'), password: 'long-enough-1', name: 'Drop' },
      });
      if (response.status === 201) {
        writableAfterMs = Date.now() - cutAt;
        break;
      }
      expect(response.status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(writableAfterMs).toBeGreaterThanOrEqual(0);
    expect(writableAfterMs).toBeLessThan(2_000);
  });
});

describe('log lines of the connection to the broker', () => {
  it('carry no request id of the request that happened to open the connection', async () => {
    const platform = await new Platform().start();
    try {
      const gateway = platform.replicas.gateway[0];
      const api = new ApiClient(platform.gatewayUrl);
      // The very first command opens the gateway's connection to identity's queue.
      const first = await api.post('/auth/register', {
        headers: { 'x-request-id': 'the-first-request' },
        body: { email: uniqueEmail('first'), password: 'long-enough-1', name: 'First' },
      });
      expect(first.status).toBe(201);
      const before = gateway.logs.length;
      await cutBrokerConnections();
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const again = await api.post('/auth/register', {
          body: { email: uniqueEmail('again'), password: 'long-enough-1', name: 'Again' },
        });
        if (again.status === 201) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const after = gateway.logs.slice(before);
      expect(after).toMatch(/RMQ|connect/i);
      expect(after).not.toContain('the-first-request');
    } finally {
      await platform.stop();
    }
  });
});

describe('when Redis restarts empty', () => {
  it('never lets a deactivated user back in: 503 until identity has restored the revocations, then 401', async () => {
    const redis = await new DisposableRedis().start();
    const env = { REDIS_URL: redis.url };
    const platform = await new Platform({
      env: { identity: env, availability: env, booking: env, gateway: env },
    }).start();
    try {
      const api = new ApiClient(platform.gatewayUrl);
      const admin = await api.login(platform.adminEmail, platform.adminPassword);
      const victim = await api.signUp({ email: uniqueEmail('revoked') });
      const bystander = await api.signUp({ email: uniqueEmail('bystander') });
      await api.patch(`/admin/users/${victim.user.id}`, {
        token: admin.accessToken,
        body: { active: false },
      });
      expect((await api.get('/users/me', { token: victim.accessToken })).status).toBe(401);

      await redis.stop();
      await redis.start();

      const seen: number[] = [];
      const deadline = Date.now() + 20_000;
      let bystanderBack = false;
      while (Date.now() < deadline) {
        seen.push((await api.get('/users/me', { token: victim.accessToken })).status);
        bystanderBack =
          (await api.get('/users/me', { token: bystander.accessToken })).status === 200;
        if (bystanderBack && seen[seen.length - 1] === 401) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(seen.every((status) => status === 401 || status === 503)).toBe(true);
      expect(seen[seen.length - 1]).toBe(401);
      expect(bystanderBack).toBe(true);
    } finally {
      await platform.stop();
      await redis.stop();
    }
  });
});
