import { z } from 'zod';
import { BaseEnv, CommandServiceEnv, ConfigError, parseEnv } from './config';

describe('environment validation at boot', () => {
  const schema = BaseEnv.extend({ PORT: z.coerce.number().int().min(1).max(65535) });

  it('builds a typed config with defaults', () => {
    const config = parseEnv(schema, { AMQP_URL: 'amqp://localhost', PORT: '3000' });
    expect(config).toMatchObject({ PORT: 3000, LOG_LEVEL: 'info', NODE_ENV: 'development' });
  });

  it('names a missing variable in one line', () => {
    expect(() => parseEnv(schema, { PORT: '3000' })).toThrow(
      new ConfigError('config error: AMQP_URL is missing: must be an amqp:// or amqps:// URL'),
    );
  });

  it('names an invalid variable in one line', () => {
    let message = '';
    try {
      parseEnv(schema, { AMQP_URL: 'amqp://localhost', PORT: 'eighty' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^config error: PORT is invalid: /);
    expect(message).not.toContain('\n');
  });

  it("defaults the outbox's recovery scan to rare, and refuses a grace too short by name", () => {
    const env = {
      AMQP_URL: 'amqp://localhost',
      MONGO_URL: 'mongodb://localhost',
      REDIS_URL: 'redis://localhost',
    };
    expect(parseEnv(CommandServiceEnv, env)).toMatchObject({
      OUTBOX_INTERVAL_MS: 15_000,
      OUTBOX_GRACE_MS: 10_000,
    });
    expect(() => parseEnv(CommandServiceEnv, { ...env, OUTBOX_GRACE_MS: '5' })).toThrow(
      /^config error: OUTBOX_GRACE_MS is invalid: /,
    );
  });
});
