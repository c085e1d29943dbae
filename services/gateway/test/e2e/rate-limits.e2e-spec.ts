import { ApiClient, Platform, uniqueEmail } from '@slotbook/testing';

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
          LOGIN_LIMIT_PER_ADDRESS: '60',
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
    for (let i = 0; i < 70; i += 1) {
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
