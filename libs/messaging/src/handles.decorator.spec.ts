import { Controller, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RmqContext, Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { z } from 'zod';
import { DomainError, ErrorCode, defineCommand, type Reply } from '@slotbook/contracts';
import { CommandRunner, type Delivery } from './command-runner';
import { Handles, type CommandOf } from './handles.decorator';

const Greet = defineCommand({
  queue: 'test.commands',
  pattern: 'test.greet',
  input: z.object({ name: z.string().min(1), at: z.iso.datetime().transform((v) => new Date(v)) }),
  output: z.object({ greeting: z.string() }),
  retrySafe: true,
});
const Refuse = defineCommand({
  queue: 'test.commands',
  pattern: 'test.refuse',
  input: z.object({}),
  output: z.null(),
  retrySafe: false,
});
const Once = defineCommand({
  queue: 'test.commands',
  pattern: 'test.once',
  input: z.object({}),
  output: z.null(),
  retrySafe: false,
});

const seen: Array<{ command: unknown; delivery: Delivery }> = [];
let onceCalls = 0;

@Controller()
class TestHandlers {
  @Handles(Greet)
  async greet(command: CommandOf<typeof Greet>, delivery: Delivery) {
    seen.push({ command, delivery });
    return { greeting: `hello ${command.name}` };
  }

  @Handles(Refuse)
  async refuse(): Promise<null> {
    throw new DomainError(ErrorCode.Conflict, 'no, thank you');
  }

  @Handles(Once, { retry: false })
  async once(): Promise<null> {
    onceCalls += 1;
    throw new Error('midway');
  }
}

// What the compiler refuses: a command the definition does not give, a reply it does not allow.
class MisfitHandlers {
  // @ts-expect-error the handler wants a field Greet's input does not have
  @Handles(Greet)
  async wantsMore(command: { name: string; age: number }) {
    return { greeting: String(command.age) };
  }

  // @ts-expect-error the reply is not Greet's output
  @Handles(Greet)
  async answersWrong(command: CommandOf<typeof Greet>) {
    return { greeting: command.at };
  }
}
void MisfitHandlers;

/** A transport that listens to nothing: the spec calls the handlers Nest registered. */
class NoTransport extends Server implements CustomTransportStrategy {
  listen(callback: () => void): void {
    callback();
  }
  close(): void {}
  on(): void {}
  unwrap<T>(): T {
    return undefined as T;
  }
}

/** The command handlers of a Nest microservice, with a fake broker's message and channel. */
describe('@Handles', () => {
  let app: INestMicroservice;
  const transport = new NoTransport();
  const channel = { ack: jest.fn(), nack: jest.fn() };

  beforeAll(async () => {
    app = await NestFactory.createMicroservice(
      {
        module: class TestModule {},
        controllers: [TestHandlers],
        providers: [
          {
            provide: CommandRunner,
            useValue: new CommandRunner({ maxAttempts: 3, retryDelayMs: 1 }),
          },
        ],
      } as never,
      { strategy: transport, logger: false },
    );
    await app.listen();
  });

  afterAll(() => app.close());

  beforeEach(() => {
    seen.length = 0;
    channel.ack.mockClear();
    channel.nack.mockClear();
  });

  async function deliver(
    pattern: string,
    payload: unknown,
    redelivered = false,
  ): Promise<Reply<unknown>> {
    const message = {
      fields: { redelivered, consumerTag: 'tag', routingKey: 'test.commands' },
      properties: { headers: {} },
    };
    const handler = transport.getHandlerByPattern(pattern);
    if (!handler) throw new Error(`no handler for ${pattern}`);
    const result: unknown = await handler(payload, new RmqContext([message, channel, pattern]));
    return (isObservable(result) ? await lastValueFrom(result) : result) as Reply<unknown>;
  }

  it("gives the handler the command as the definition's input parses it, and its delivery", async () => {
    const reply = await deliver(Greet.pattern, { name: 'Ada', at: '2026-01-01T00:00:00Z' });
    expect(reply).toEqual({ ok: true, data: { greeting: 'hello Ada' } });
    expect(seen).toEqual([
      {
        command: { name: 'Ada', at: new Date('2026-01-01T00:00:00Z') },
        delivery: { repeated: false },
      },
    ]);
    expect(channel.ack).toHaveBeenCalledTimes(1);
  });

  it('tells the handler a command the broker redelivered may have run before', async () => {
    await deliver(Greet.pattern, { name: 'Ada', at: '2026-01-01T00:00:00Z' }, true);
    expect(seen[0]?.delivery).toEqual({ repeated: true });
  });

  it('answers an invalid command with a validation error and never runs the handler', async () => {
    const reply = await deliver(Greet.pattern, { name: '' });
    expect(reply).toMatchObject({ ok: false, error: { code: ErrorCode.ValidationFailed } });
    expect(seen).toEqual([]);
    expect(channel.ack).toHaveBeenCalledTimes(1);
  });

  it("answers a handler's domain error as a typed reply", async () => {
    const reply = await deliver(Refuse.pattern, {});
    expect(reply).toEqual({
      ok: false,
      error: expect.objectContaining({ code: ErrorCode.Conflict, message: 'no, thank you' }),
    });
  });

  it('runs a handler marked retry: false once and dead-letters the command when it fails', async () => {
    onceCalls = 0;
    const reply = await deliver(Once.pattern, {});
    expect(reply).toMatchObject({ ok: false, error: { code: ErrorCode.Unavailable } });
    expect(onceCalls).toBe(1);
    expect(channel.nack).toHaveBeenCalledTimes(1);
  });
});
