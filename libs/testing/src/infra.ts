import { randomBytes } from 'node:crypto';

/**
 * The real infrastructure the tests talk to, from the environment that `scripts/test.sh`
 * prepares (or the caller's own AMQP_URL / REDIS_URL / MONGO_URL).
 */
export const infra = {
  amqpUrl: required('AMQP_URL'),
  redisUrl: required('REDIS_URL'),
  /** Server URL without a database; each test run picks its own database names. */
  mongoServerUrl: required('MONGO_URL'),
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run the tests with scripts/test.sh, or set ${name} yourself`,
    );
  }
  return value;
}

/** A database name unique to this test run, so runs never see each other's records. */
export function uniqueDatabase(label: string): string {
  return `t_${label}_${randomBytes(4).toString('hex')}`;
}

export function mongoUrlFor(database: string): string {
  const url = new URL(infra.mongoServerUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
