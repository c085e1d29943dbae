import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** SPEC §7: a missing or bad variable stops a service at once with one line naming it. */
describe('configuration at start', () => {
  const services = ['identity', 'availability', 'booking', 'gateway'];

  function start(service: string, env: Record<string, string>) {
    return spawnSync(process.execPath, [join(__dirname, '..', '..', service, 'dist', 'main.js')], {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
  }

  it.each(services)('%s refuses to start without AMQP_URL, naming it in one line', (service) => {
    const result = start(service, {});
    expect(result.status).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^config error: AMQP_URL is missing/);
  });

  it.each(services)('%s refuses a malformed AMQP_URL', (service) => {
    const result = start(service, { AMQP_URL: 'http://not-amqp' });
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim()).toMatch(/^config error: AMQP_URL is invalid: /);
  });

  it('names the bad variable when only a later one is wrong', () => {
    const result = start('gateway', {
      AMQP_URL: 'amqp://localhost',
      REDIS_URL: 'redis://localhost',
      JWT_PUBLIC_KEY: 'x',
      PORT: 'eighty',
    });
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/config error: (PORT|JWT_PUBLIC_KEY) is invalid/);
  });
});
