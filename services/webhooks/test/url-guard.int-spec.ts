import { createServer, type Server } from 'node:http';
import { UrlRefused, checkWebhookUrl, type Resolver } from '../src/endpoints/url-guard';
import { WebhookSender } from '../src/endpoints/webhook-sender';

/**
 * SPEC §6a safety, without the development flag: the guard refuses every non-public address,
 * whether written in the URL or behind a DNS name, and the sender checks again before every
 * attempt and never follows a redirect. Real sockets and real DNS (`localhost`); a fixed
 * resolver stands in for names that would resolve to private addresses.
 */
describe('the webhook URL guard', () => {
  const strict = { allowPrivate: false };

  async function refusal(url: string, resolve?: Resolver): Promise<string> {
    try {
      await checkWebhookUrl(url, { ...strict, ...(resolve ? { resolve } : {}) });
    } catch (error) {
      if (error instanceof UrlRefused) return error.reason;
      throw error;
    }
    throw new Error(`${url} was accepted`);
  }

  it.each([
    'https://127.0.0.1/hook',
    'https://127.1/hook',
    'https://2130706433/hook',
    'https://0x7f000001/hook',
    'https://[::1]/hook',
    'https://10.0.0.5/hook',
    'https://172.20.1.1/hook',
    'https://192.168.0.10:8443/hook',
    'https://169.254.169.254/latest/meta-data/',
    'https://[fd00:ec2::254]/latest/meta-data/',
    'https://[fe80::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://[::ffff:169.254.169.254]/hook',
    'https://0.0.0.0/hook',
  ])('refuses %s', async (url) => {
    expect(await refusal(url)).toMatch(/public addresses/);
  });

  it('refuses a DNS name that resolves to loopback (localhost, real DNS)', async () => {
    expect(await refusal('https://localhost/hook')).toMatch(/public addresses/);
  });

  it.each([['10.1.2.3'], ['169.254.169.254'], ['::ffff:10.0.0.1'], ['fd00:ec2::254']])(
    'refuses a DNS name that resolves to %s',
    async (address) => {
      const resolve: Resolver = async () => [{ address, family: address.includes(':') ? 6 : 4 }];
      expect(await refusal('https://hooks.example.test/in', resolve)).toMatch(/public addresses/);
    },
  );

  it('refuses a name when any one of its addresses is not public', async () => {
    const resolve: Resolver = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    expect(await refusal('https://mixed.example.test/', resolve)).toMatch(/public addresses/);
  });

  it('refuses http, credentials and names that do not resolve', async () => {
    const publicName: Resolver = async () => [{ address: '93.184.215.14', family: 4 }];
    expect(await refusal('http://hooks.example.test/', publicName)).toMatch(/https/);
    expect(await refusal('https://user:pw@hooks.example.test/', publicName)).toMatch(/credentials/);
    expect(await refusal('https://nowhere.invalid/')).toMatch(/does not resolve/);
  });

  it('accepts an https URL whose host resolves to public addresses, and pins that address', async () => {
    const resolve: Resolver = async () => [{ address: '93.184.215.14', family: 4 }];
    const target = await checkWebhookUrl('https://hooks.example.test/in', { ...strict, resolve });
    expect(target).toMatchObject({ address: '93.184.215.14', family: 4 });
  });

  it('lets the development flag through (http, loopback)', async () => {
    const target = await checkWebhookUrl('http://127.0.0.1:9/hook', { allowPrivate: true });
    expect(target.address).toBe('127.0.0.1');
  });
});

describe('the webhook sender', () => {
  let server: Server;
  let hits: string[];
  let port: number;

  beforeAll(async () => {
    hits = [];
    server = createServer((request, response) => {
      hits.push(request.url ?? '');
      if (request.url === '/redirect') {
        response.statusCode = 302;
        response.setHeader('location', `http://127.0.0.1:${port}/target`);
        response.end();
        return;
      }
      response.end('x'.repeat(5000));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    hits = [];
  });

  it('checks the URL again before an attempt: without the flag it never connects to loopback', async () => {
    const sender = new WebhookSender({ allowPrivate: false, timeoutMs: 2_000 });
    for (const url of [`https://127.0.0.1:${port}/hook`, `https://localhost:${port}/hook`]) {
      const outcome = await sender.send(url, '{}', {});
      expect(outcome).toMatchObject({ status: null, body: null });
      expect(outcome.error).toMatch(/refused/);
    }
    sender.close();
    expect(hits).toEqual([]);
  });

  it('does not follow a redirect: the 3xx is the answer', async () => {
    const sender = new WebhookSender({ allowPrivate: true, timeoutMs: 2_000 });
    const outcome = await sender.send(`http://127.0.0.1:${port}/redirect`, '{}', {});
    sender.close();
    expect(outcome.status).toBe(302);
    expect(hits).toEqual(['/redirect']);
  });

  it('keeps no more than 1 KiB of an answer', async () => {
    const sender = new WebhookSender({ allowPrivate: true, timeoutMs: 2_000 });
    const outcome = await sender.send(`http://127.0.0.1:${port}/big`, '{}', {});
    sender.close();
    expect(outcome.status).toBe(200);
    expect(outcome.body).toHaveLength(1024);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const address = silent.address();
    const silentPort = typeof address === 'object' && address ? address.port : 0;
    const sender = new WebhookSender({ allowPrivate: true, timeoutMs: 300 });
    const started = Date.now();
    const outcome = await sender.send(`http://127.0.0.1:${silentPort}/`, '{}', {});
    sender.close();
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
    expect(outcome.status).toBeNull();
    expect(outcome.error).toMatch(/no answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
