import { z } from 'zod';
import { BaseEnv, ConfigError, parseEnv } from './config';

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
});
