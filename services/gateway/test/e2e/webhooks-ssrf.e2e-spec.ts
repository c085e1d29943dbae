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
    platform = await new Platform({ replicas: { webhooks: 1 } }).start();
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
  ])('refuses %s with 422 on url', async (url) => {
    const answer = await api.post('/webhooks', {
      token: host.accessToken,
      body: { url, events: ['booking.created'] },
    });
    expectProblem(answer, 422, 'url');
    expect(answer.body.errors[0].message).toMatch(/public addresses/);
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
});
