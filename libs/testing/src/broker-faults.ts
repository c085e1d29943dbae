import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { infra } from './infra';

const run = promisify(execFile);

/** The vhost of an AMQP URL (`/` when the URL names none). */
export function vhostOf(amqpUrl: string): string {
  const path = new URL(amqpUrl).pathname.replace(/^\//, '');
  return path === '' ? '/' : decodeURIComponent(path);
}

/**
 * A broker drop as the services see it: RabbitMQ closes every connection of the tests' vhost
 * and keeps running (SPEC §8). Only this vhost: other suites may share the broker.
 */
export async function cutBrokerConnections(reason = 'test: connections cut'): Promise<void> {
  await run(
    'rabbitmqctl',
    ['-q', 'close_all_connections', '--vhost', vhostOf(infra.amqpUrl), '--limit', '10000', reason],
    { timeout: 30_000 },
  );
}
