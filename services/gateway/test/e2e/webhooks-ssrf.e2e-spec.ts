import {
  ApiClient,
  Platform,
  WebhookReceiver,
  expectProblem,
  uniqueEmail,
} from '@slotbook/testing';

/**
 * SPEC §6a safety through the gateway, with the platform as production runs it
 * (WEBHOOK_ALLOW_PRIVATE_URLS unset): an endpoint must be https on a public address.
 */
describe('webhook URLs without the development flag', () => {
  let platform: Platform;
  let api: ApiClient;
  let host: { accessToken: string };
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    platform = await new Platform({
      replicas: { webhooks: 1 },
      env: { webhooks: { WEBHOOK_MAX_PER_OWNER: '3' } },
    }).start();
    api = new ApiClient(platform.gatewayUrl);
    host = await api.signUp({ email: uniqueEmail('ssrf-host'), role: 'HOST' });
    receiver = await new WebhookReceiver().start();
  });

  afterAll(async () => {
    await receiver?.stop();
    await platform?.stop();
  });

  it.each([
    'https://127.0.0.1/hook',
    'https://localhost/hook',
    'https://[::1]/hook',
    'https://10.0.0.1/hook',
    'https://192.168.1.20/hook',
    'https://169.254.169.254/latest/meta-data/',
    'https://[fd00:ec2::254]/latest/meta-data/',
    'https://[::ffff:127.0.0.1]/hook',
    'https://[fe80::1]/hook',
    'https://[4000::1]/hook',
  ])('refuses %s with 422 on url', async (url) => {
    const answer = await api.post('/webhooks', {
      token: host.accessToken,
      body: { url, events: ['booking.created'] },
    });
    expectProblem(answer, 422, 'url');
    expect(answer.body.errors[0].message).toMatch(/public addresses/);
  });

  it.each([
    'https://93.184.215.14/\r\nX-Injected: 1',
    ' https://93.184.215.14/hook',
    'https://93.184.215.14/ho\tok',
    'https://93.184.215.14\\@127.0.0.1/',
    'https://93.184.215.14/a b',
  ])('refuses %j, which a URL parser would rewrite, with 422 on url', async (url) => {
    const answer = await api.post('/webhooks', {
      token: host.accessToken,
      body: { url, events: ['booking.created'] },
    });
    expectProblem(answer, 422, 'url');
    expect(answer.body.errors[0].message).toMatch(/spaces, control characters or backslashes/);
  });

  it('refuses plain http, even to a listening local receiver', async () => {
    const answer = await api.post('/webhooks', {
      token: host.accessToken,
      body: { url: receiver.url, events: ['booking.created'] },
    });
    expectProblem(answer, 422, 'url');
    expect(receiver.received).toEqual([]);
  });

  it('refuses a change of URL to a private address', async () => {
    const list = await api.get('/webhooks', { token: host.accessToken });
    expect(list.body.data).toEqual([]);
    const patched = await api.patch('/webhooks/some-id', {
      token: host.accessToken,
      body: { url: 'https://127.0.0.1/x' },
    });
    expectProblem(patched, 422, 'url');
  });

  it('refuses a subscription past WEBHOOK_MAX_PER_OWNER with 409, and takes one again after a delete', async () => {
    const owner = await api.signUp({ email: uniqueEmail('cap-host'), role: 'HOST' });
    const subscribe = (n: number) =>
      api.post('/webhooks', {
        token: owner.accessToken,
        body: { url: `https://93.184.215.14/hook/${n}`, events: ['booking.created'] },
      });
    const ids: string[] = [];
    for (let n = 0; n < 3; n += 1) {
      const created = await subscribe(n);
      expect(created.status).toBe(201);
      expect(created.headers.get('cache-control')).toBe('no-store');
      ids.push(created.body.id);
    }
    const over = await subscribe(3);
    expectProblem(over, 409);
    expect(over.body.detail).toMatch(/at most 3 webhooks/);
    // Another account is not affected.
    const other = await api.post('/webhooks', {
      token: host.accessToken,
      body: { url: 'https://93.184.215.14/other', events: ['booking.created'] },
    });
    expect(other.status).toBe(201);
    await api.delete(`/webhooks/${other.body.id}`, { token: host.accessToken });
    expect((await api.delete(`/webhooks/${ids[0]}`, { token: owner.accessToken })).status).toBe(
      204,
    );
    expect((await subscribe(5)).status).toBe(201);
  });
});
