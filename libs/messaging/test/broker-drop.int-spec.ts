import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cutBrokerConnections, infra } from '@slotbook/testing';
import amqplib from 'amqplib';
import { z } from 'zod';
import { defineCommand } from '@slotbook/contracts';
import { CommandBus, DELIVERY_LIMIT, deadLetterQueueOf, prepareCommandQueue } from '../src';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const queue = `test.drops.${randomUUID().slice(0, 8)}`;
/** The fixture server's commands: `test.slow` answers its payload a little later. */
const Slow = defineCommand({
  queue,
  pattern: 'test.slow',
  input: z.record(z.string(), z.unknown()),
  output: z.record(z.string(), z.unknown()),
  retrySafe: false,
});
const Crash = defineCommand({
  queue,
  pattern: 'test.crash',
  input: z.object({ marker: z.string() }),
  output: z.unknown(),
  retrySafe: false,
});

/** One command-server replica in its own process: a crash is the process exiting. */
class Replica {
  readonly output: string[] = [];
  private child?: ChildProcess;

  start(): Promise<void> {
    const child = spawn(
      process.execPath,
      // tsx as a loader, not its CLI: one process, so killing it kills the replica.
      ['--import', 'tsx', join(__dirname, 'fixtures', 'slow-reply-server.ts')],
      {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          TSX_TSCONFIG_PATH: join(REPO_ROOT, 'tsconfig.spec.json'),
          AMQP_URL: infra.amqpUrl,
          QUEUE: queue,
          REPLY_DELAY_MS: '60',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const keep = (chunk: Buffer) => this.output.push(chunk.toString());
    child.stderr?.on('data', keep);
    return new Promise((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        keep(chunk);
        if (chunk.toString().includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`replica exited (${code}) during start`)));
    });
  }

  /** Resolves once the process has exited (at once if it is not running). */
  exited(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return Promise.resolve();
    return new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/** Issue #10: a reply that can no longer be sent must never take the process down. */
describe('command servers when the broker drops their connections', () => {
  const replicas = [new Replica(), new Replica(), new Replica()];
  let bus: CommandBus;

  beforeAll(async () => {
    await Promise.all(replicas.map((replica) => replica.start()));
    bus = new CommandBus({ amqpUrl: infra.amqpUrl, timeoutMs: 1_500 });
  }, 60_000);

  afterAll(async () => {
    await bus?.close();
    await Promise.all(replicas.map((replica) => replica.stop()));
  });

  it('keeps every replica alive when connections are cut while replies are in flight, drop after drop', async () => {
    const expectAllAlive = (when: string) => {
      const dead = replicas.find((replica) => !replica.running);
      if (dead) throw new Error(`a replica died ${when}:\n${dead.output.join('').slice(-2_000)}`);
    };
    for (let drop = 0; drop < 10; drop += 1) {
      await answersAgain(bus, () => expectAllAlive(`after drop ${drop - 1}`));
      const inFlight = Array.from({ length: 300 }, (_, i) =>
        bus.send(Slow, { i }).catch(() => undefined),
      );
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 120));
      await cutBrokerConnections(`test: drop ${drop}`);
      await Promise.all(inFlight);
      expectAllAlive(`at drop ${drop}`);
    }
    await answersAgain(bus, () => expectAllAlive('after the last drop'));
    expect(replicas.every((replica) => replica.running)).toBe(true);
  }, 240_000);
});

/** SPEC §7: a command that keeps crashing its consumer is dead-lettered, not redelivered forever. */
describe('a command that kills its consumer every time it is delivered', () => {
  it(`is dead-lettered after ${DELIVERY_LIMIT} deliveries, and the queue serves again`, async () => {
    const bus = new CommandBus({ amqpUrl: infra.amqpUrl, timeoutMs: 1_000 });
    const connection = await amqplib.connect(infra.amqpUrl);
    const channel = await connection.createChannel();
    const replica = new Replica();
    await prepareCommandQueue(infra.amqpUrl, queue);
    try {
      const marker = randomUUID();
      await bus.send(Crash, { marker }).catch(() => undefined);
      const deadLettered = async () => {
        const message = await channel.get(deadLetterQueueOf(queue), { noAck: true });
        return message !== false && message.content.toString().includes(marker);
      };
      let crashes = 0;
      for (let delivery = 1; delivery <= DELIVERY_LIMIT + 1; delivery += 1) {
        // The replica may take the command before it says it is ready.
        await replica.start().catch(() => undefined);
        let crashed = false;
        const exited = replica.exited().then(() => (crashed = true));
        while (!crashed && !(await deadLettered())) await Promise.race([exited, sleep(100)]);
        if (!crashed) break;
        crashes += 1;
      }
      expect(crashes).toBe(DELIVERY_LIMIT);
      expect(replica.running).toBe(true);
      expect(await bus.send(Slow, { after: marker })).toEqual({ after: marker });
    } finally {
      await bus.close();
      await replica.stop();
      await connection.close();
    }
  }, 120_000);
});

/** Waits until a command goes through again (every side reconnected). */
async function answersAgain(bus: CommandBus, check: () => void): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    check();
    try {
      await bus.send(Slow, { probe: true });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
