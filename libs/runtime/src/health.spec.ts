import { HealthController, redisReadiness, type ReadinessCheck } from './health';

const up = (name: string, required?: boolean): ReadinessCheck => ({
  name,
  required,
  check: async () => undefined,
});
const down = (name: string, required?: boolean): ReadinessCheck => ({
  name,
  required,
  check: async () => {
    throw new Error('unreachable');
  },
});

async function ready(checks: ReadinessCheck[]) {
  let status = 0;
  const res = { status: (code: number) => (status = code) } as never;
  const body = await new HealthController(checks).ready(res);
  return { status, body };
}

describe('readiness', () => {
  it('is ready when every dependency answers', async () => {
    expect(await ready([up('mongo'), up('redis')])).toEqual({
      status: 200,
      body: { status: 'up', checks: { mongo: 'up', redis: 'up' } },
    });
  });

  it('is not ready when a required dependency is down', async () => {
    const { status, body } = await ready([down('mongo'), up('redis', false)]);
    expect(status).toBe(503);
    expect(body.status).toBe('down');
  });

  it('stays ready, degraded, when only an optional dependency is down', async () => {
    expect(await ready([up('mongo'), down('redis', false)])).toEqual({
      status: 200,
      body: { status: 'degraded', checks: { mongo: 'up', redis: 'down' } },
    });
  });

  it('counts Redis as required unless told otherwise', () => {
    const redis = { ping: async () => 'PONG' };
    expect(redisReadiness(redis).required).toBe(true);
    expect(redisReadiness(redis, { required: false }).required).toBe(false);
  });
});
