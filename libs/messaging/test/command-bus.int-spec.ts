import { Controller, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import amqplib from 'amqplib';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DomainError, ErrorCode, defineCommand } from '@slotbook/contracts';
import { RequestContext } from '@slotbook/runtime';
import { infra } from '@slotbook/testing';
import {
  CommandBus,
  CommandRunner,
  Handles,
  type CommandOf,
  commandServerOptions,
  commandQueueName,
  deadLetterQueueOf,
  prepareCommandQueue,
} from '../src';

/** The command bus against the real broker: typed replies, retries, dead letters, timeouts. */
const queue = `test.commands.${randomUUID().slice(0, 8)}`;
const calls = { flaky: 0, broken: 0 };
const Echo = defineCommand({
  queue,
  pattern: 'test.echo',
  input: z.object({ text: z.string() }),
  output: z.object({ echoed: z.string() }),
  retrySafe: false,
});
const Refuse = defineCommand({
  queue,
  pattern: 'test.refuse',
  input: z.object({}),
  output: z.null(),
  retrySafe: false,
});
const Flaky = defineCommand({
  queue,
  pattern: 'test.flaky',
  input: z.object({}),
  output: z.object({ attempts: z.number() }),
  retrySafe: false,
});
const Broken = defineCommand({
  queue,
  pattern: 'test.broken',
  input: z.object({ marker: z.string() }),
  output: z.null(),
  retrySafe: false,
});
let seenRequestId: string | undefined;

@Controller()
class TestHandlers {
  @Handles(Echo)
  async echo(command: CommandOf<typeof Echo>) {
    seenRequestId = RequestContext.requestId();
    return { echoed: command.text };
  }

  @Handles(Refuse)
  async refuse(): Promise<null> {
    throw new DomainError(ErrorCode.Conflict, 'no, thank you', { reason: 'test' });
  }

  @Handles(Flaky)
  async flaky() {
    calls.flaky += 1;
    if (calls.flaky < 3) throw new Error('transient');
    return { attempts: calls.flaky };
  }

  @Handles(Broken)
  async broken(): Promise<null> {
    calls.broken += 1;
    throw new Error('always fails');
  }
}

describe('command bus over RabbitMQ', () => {
  let server: INestMicroservice;
  let bus: CommandBus;
  let connection: amqplib.ChannelModel;
  let channel: amqplib.Channel;

  beforeAll(async () => {
    await prepareCommandQueue(infra.amqpUrl, queue);
    server = await NestFactory.createMicroservice(
      {
        module: class TestModule {},
        controllers: [TestHandlers],
        providers: [
          {
            provide: CommandRunner,
            useValue: new CommandRunner({ maxAttempts: 3, retryDelayMs: 10 }),
          },
        ],
      } as never,
      {
        ...commandServerOptions(infra.amqpUrl, queue, 8),
        logger: false,
      },
    );
    await server.listen();
    bus = new CommandBus({ amqpUrl: infra.amqpUrl, timeoutMs: 3_000 });
    connection = await amqplib.connect(infra.amqpUrl);
    channel = await connection.createChannel();
  });

  afterAll(async () => {
    await bus?.close();
    await server?.close();
    await channel?.deleteQueue(commandQueueName(queue)).catch(() => undefined);
    await channel?.deleteQueue(deadLetterQueueOf(queue)).catch(() => undefined);
    await connection?.close();
  });

  it('answers a command with its typed result and carries the request id in the headers', async () => {
    const reply = await RequestContext.run('req-123', () => bus.send(Echo, { text: 'hi' }));
    expect(reply).toEqual({ echoed: 'hi' });
    expect(seenRequestId).toBe('req-123');
  });

  it('carries a domain error across as the same typed error', async () => {
    const error = await bus.send(Refuse, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'CONFLICT',
      message: 'no, thank you',
      details: { reason: 'test' },
    });
  });

  it('validates what it receives: a malformed command is a VALIDATION_FAILED reply naming the field', async () => {
    const error = await bus.sendRaw(queue, 'test.echo', { text: 42 }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { errors: [expect.objectContaining({ path: 'text' })] },
    });
  });

  it("refuses a reply that is not the command's output as UNAVAILABLE", async () => {
    const misread = { ...Echo, output: z.object({ echoed: z.number() }) };
    const error = await bus.send(misread, { text: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', message: 'test answered unexpectedly' });
  });

  it('retries a handler that fails for a moment, then answers', async () => {
    calls.flaky = 0;
    expect(await bus.send(Flaky, {})).toEqual({ attempts: 3 });
  });

  it('dead-letters a command that keeps failing after a bounded number of attempts, and answers UNAVAILABLE', async () => {
    calls.broken = 0;
    const marker = randomUUID();
    const error = await bus.send(Broken, { marker }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAVAILABLE' });
    expect(calls.broken).toBe(3);
    const deadLetter = await waitForMessage(channel, deadLetterQueueOf(queue), (content) =>
      content.includes(marker),
    );
    expect(JSON.parse(deadLetter).pattern).toBe('test.broken');
  });

  it('sends a poison message (not JSON, no pattern) to the dead-letter queue without blocking the queue', async () => {
    const poison = `not json ${randomUUID()}`;
    channel.sendToQueue(commandQueueName(queue), Buffer.from(poison));
    expect(
      await waitForMessage(channel, deadLetterQueueOf(queue), (content) => content === poison),
    ).toBe(poison);
    expect(await bus.send(Echo, { text: 'still flowing' })).toEqual({
      echoed: 'still flowing',
    });
  });

  it('gives up with UNAVAILABLE when nobody answers in time', async () => {
    const lonely = `test.nobody.${randomUUID().slice(0, 8)}`;
    const quick = new CommandBus({ amqpUrl: infra.amqpUrl, timeoutMs: 300 });
    const started = Date.now();
    const error = await quick
      .send({ ...Echo, queue: lonely }, { text: 'hello?' })
      .catch((e: unknown) => e);
    await quick.close();
    await channel.deleteQueue(commandQueueName(lonely)).catch(() => undefined);
    expect(error).toMatchObject({ code: 'UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('can be closed while it is still setting up its channel, without an unhandled error', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (let round = 0; round < 10; round += 1) {
        const lonely = `test.closing.${randomUUID().slice(0, 8)}`;
        const hasty = new CommandBus({ amqpUrl: infra.amqpUrl, timeoutMs: 1 });
        const error = await hasty
          .send({ ...Echo, queue: lonely }, { text: 'bye' })
          .catch((e: unknown) => e);
        await hasty.close();
        expect(error).toMatchObject({ code: 'UNAVAILABLE' });
        await channel.deleteQueue(commandQueueName(lonely)).catch(() => undefined);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});

async function waitForMessage(
  channel: amqplib.Channel,
  queue: string,
  match: (content: string) => boolean,
): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const message = await channel.get(queue, { noAck: false });
    if (message) {
      channel.ack(message);
      const content = message.content.toString();
      if (match(content)) return content;
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no matching message arrived on ${queue}`);
}
