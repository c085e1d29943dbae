import { ApiClient, DisposableRedis, Platform, uniqueEmail } from '@slotbook/testing';

/** SPEC §3: logins are limited per account and per client address, shared by all gateways. */
describe('login rate limits', () => {
  let platform: Platform;
  let api: ApiClient;
  let otherGateway: ApiClient;

  beforeAll(async () => {
    platform = await new Platform({
      replicas: { gateway: 2 },
      env: {
        gateway: {
          LOGIN_LIMIT_PER_ACCOUNT: '3',
          LOGIN_WINDOW_PER_ACCOUNT_SECONDS: '60',
          LOGIN_LIMIT_PER_ADDRESS: '100',
          PASSWORD_CHECK_LIMIT_PER_ACCOUNT: '3',
          PASSWORD_CHECK_WINDOW_SECONDS: '60',
          LOGIN_WINDOW_PER_ADDRESS_SECONDS: '60',
        },
      },
    }).start();
    api = new ApiClient(platform.gatewayUrl);
    otherGateway = new ApiClient(platform.replicas.gateway[1].url);
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('locks an account after repeated failures, across gateway replicas, with Retry-After', async () => {
    const email = uniqueEmail('guess');
    await api.signUp({ email, password: 'the-real-password' });
    for (let i = 0; i < 3; i += 1) {
      const client = i % 2 ? otherGateway : api;
      expect(
        (await client.post('/auth/login', { body: { email, password: `guess-${i}-wrong` } }))
          .status,
      ).toBe(401);
    }
    const locked = await otherGateway.post('/auth/login', {
      body: { email, password: 'the-real-password' },
    });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('evaluates no more than the limit of a burst of concurrent wrong passwords', async () => {
    const email = uniqueEmail('burst');
    await api.signUp({ email, password: 'the-real-password' });
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? otherGateway : api)
          .post('/auth/login', { body: { email, password: `burst-${i}-wrong` } })
          .then((response) => response.status),
      ),
    );
    expect(statuses.filter((status) => status === 401)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(27);
  });

  it('lets the right password through a burst only if a point was left for it', async () => {
    const email = uniqueEmail('burst-right');
    await api.signUp({ email, password: 'the-real-password' });
    for (let i = 0; i < 2; i += 1) {
      expect(
        (await api.post('/auth/login', { body: { email, password: `guess-${i}-wrong` } })).status,
      ).toBe(401);
    }
    const burst = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) =>
        api.post('/auth/login', { body: { email, password: `late-${i}-wrong` } }),
      ),
      api.post('/auth/login', { body: { email, password: 'the-real-password' } }),
    ]);
    const evaluated = burst.filter((response) => response.status !== 429);
    expect(evaluated).toHaveLength(1);
    expect([200, 401]).toContain(evaluated[0].status);
  });

  it('throttles guesses of the current password per account, with Retry-After', async () => {
    const email = uniqueEmail('change');
    const user = await api.signUp({ email, password: 'the-real-password' });
    const change = (currentPassword: string, client = api) =>
      client.patch('/users/me', {
        token: user.accessToken,
        body: { password: 'a-new-password-1', currentPassword },
      });
    const guesses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => change(`guess-${i}-wrong`, i % 2 ? otherGateway : api)),
    );
    expect(guesses.filter((response) => response.status === 422)).toHaveLength(3);
    expect(guesses.filter((response) => response.status === 429)).toHaveLength(7);
    const locked = await change('the-real-password');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // A profile change without a password is not a guess and is never throttled.
    const renamed = await api.patch('/users/me', {
      token: user.accessToken,
      body: { name: 'Still Me' },
    });
    expect(renamed.status).toBe(200);
  });

  it('does not lock other accounts out: many honest users behind one address still log in', async () => {
    for (let i = 0; i < 6; i += 1) {
      const user = await api.signUp({ email: uniqueEmail('office'), password: 'office-password' });
      const again = await otherGateway.post('/auth/login', {
        body: { email: user.user.email, password: 'office-password' },
      });
      expect(again.status).toBe(200);
    }
  });

  it('limits a flood from one address, and keeps limiting it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 110; i += 1) {
      statuses.push(
        (
          await api.post('/auth/login', {
            body: { email: uniqueEmail('spray'), password: 'whatever-123' },
          })
        ).status,
      );
    }
    const first = statuses.indexOf(429);
    expect(first).toBeGreaterThan(0);
    expect(statuses.slice(0, first).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(first).every((s) => s === 429)).toBe(true);
  });
});

/** The decision for a Redis outage: the per-account limits fail closed. */
describe('login limits when Redis is down', () => {
  it('answers 503 to logins instead of checking passwords without a limit', async () => {
    const redis = await new DisposableRedis().start();
    const platform = await new Platform({ env: { gateway: { REDIS_URL: redis.url } } }).start();
    try {
      const api = new ApiClient(platform.gatewayUrl);
      const email = uniqueEmail('redis-down');
      await api.signUp({ email, password: 'the-real-password' });
      await redis.stop();
      const statuses = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          api
            .post('/auth/login', { body: { email, password: `guess-${i}-wrong` } })
            .then((response) => response.status),
        ),
      );
      expect(statuses).toEqual([503, 503, 503, 503, 503]);
    } finally {
      await platform.stop();
      await redis.stop();
    }
  });
});
