import { Logger } from '@nestjs/common';
import { ClientRMQ, RmqRecordBuilder } from '@nestjs/microservices';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import { Subject, TimeoutError, firstValueFrom, map, merge, timeout } from 'rxjs';
import type { z } from 'zod';
import {
  DomainError,
  ErrorCode,
  Headers,
  ReplyEnvelope,
  isRetrySafe,
  type CommandDefinition,
} from '@slotbook/contracts';
import { RequestContext } from '@slotbook/runtime';
import { withReconnectBackoff } from './reconnect-backoff';
import { COMMAND_SOCKET_OPTIONS, commandQueueName, workQueueOptions } from './topology';

export interface CommandBusOptions {
  amqpUrl: string;
  /** How long a caller waits for an answer before it gives up with UNAVAILABLE. */
  timeoutMs: number;
}

/**
 * Request/reply over RabbitMQ (Nest's RMQ transport, replies on `amq.rabbitmq.reply-to`),
 * typed by the command's definition: `bus.send(GetUser, { userId })` answers a `User`, the
 * reply parsed against the definition's `output` here, once. A service that does not answer
 * in time, a broker that is down, or an answer that is not the command's output becomes a
 * typed UNAVAILABLE error (503 at the gateway); a typed error in the reply is rethrown as such.
 *
 * A command whose connection drops before its answer came back has lost that answer (the
 * reply-to address dies with the channel). Commands that are safe to repeat (`retrySafe` in
 * their definition: reads, and booking's writes) are sent again on the new connection while
 * the timeout lasts; the others answer UNAVAILABLE at once, since they may or may not have
 * taken effect.
 */
export class CommandBus {
  private readonly logger = new Logger(CommandBus.name);
  private readonly clients = new Map<string, CommandClient>();

  constructor(private readonly options: CommandBusOptions) {}

  /**
   * Sends `command` and answers its reply as the definition's `output`. The input crosses as
   * JSON, so it may be given as a client writes it or as a parse of it left it (`Date`s).
   */
  async send<I extends z.ZodType, O extends z.ZodType>(
    command: CommandDefinition<I, O>,
    input: NoInfer<z.input<I> | z.output<I>>,
  ): Promise<z.output<O>> {
    const { queue, pattern } = command;
    const data = await this.exchange(queue, pattern, input, command.retrySafe);
    const output = command.output.safeParse(data);
    if (!output.success) {
      this.logger.error(
        { queue, pattern, issues: output.error.issues },
        "a reply is not the command's output",
      );
      throw new DomainError(ErrorCode.Unavailable, `${serviceOf(queue)} answered unexpectedly`);
    }
    return output.data;
  }

  /**
   * A command by queue and pattern, its payload and its reply unchecked: only for specs that
   * send what no definition allows (a malformed payload, a pattern of their own). Application
   * code sends definitions.
   */
  sendRaw(queue: string, pattern: string, payload: unknown): Promise<unknown> {
    return this.exchange(queue, pattern, payload, isRetrySafe(pattern));
  }

  private async exchange(
    queue: string,
    pattern: string,
    payload: unknown,
    retrySafe: boolean,
  ): Promise<unknown> {
    const deadline = Date.now() + this.options.timeoutMs;
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.attempt(queue, pattern, payload, deadline, attempt);
      if (outcome.kind === 'answered') return this.unwrap(queue, pattern, outcome.raw);
      if (outcome.kind === 'timed-out') {
        throw new DomainError(ErrorCode.Unavailable, `${serviceOf(queue)} did not answer in time`);
      }
      if (!retrySafe || Date.now() + RETRY_PAUSE_MS >= deadline) {
        this.logger.warn(
          { err: outcome.error, queue, pattern, attempt },
          'command could not be sent',
        );
        throw new DomainError(ErrorCode.Unavailable, `${serviceOf(queue)} is unavailable`);
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
    }
  }

  private async attempt(
    queue: string,
    pattern: string,
    payload: unknown,
    deadline: number,
    attempt: number,
  ): Promise<Attempt> {
    const requestId = RequestContext.requestId();
    const record = new RmqRecordBuilder(payload)
      .setOptions({
        headers: {
          ...(requestId ? { [Headers.RequestId]: requestId } : {}),
          [Headers.Deadline]: String(deadline),
          [Headers.Attempt]: String(attempt),
        },
        // A command outlives no broker restart: its caller answers 503 by then.
        persistent: false,
      })
      .build();
    const client = this.client(queue);
    try {
      const raw = await firstValueFrom(
        merge(
          client.send(pattern, record),
          client.drops.pipe(
            map(() => {
              throw new ConnectionDropped();
            }),
          ),
        ).pipe(timeout({ first: Math.max(1, deadline - Date.now()) })),
      );
      return { kind: 'answered', raw };
    } catch (error) {
      if (error instanceof TimeoutError) return { kind: 'timed-out' };
      return { kind: 'not-sent', error };
    }
  }

  private unwrap(queue: string, pattern: string, raw: unknown): unknown {
    const reply = ReplyEnvelope.safeParse(raw);
    if (!reply.success) {
      this.logger.error({ queue, pattern }, 'malformed reply from the bus');
      throw new DomainError(ErrorCode.Unavailable, `${serviceOf(queue)} answered unexpectedly`);
    }
    if (!reply.data.ok) throw DomainError.fromBusError(reply.data.error);
    return reply.data.data;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.close()));
    this.clients.clear();
  }

  private client(queue: string): CommandClient {
    let client = this.clients.get(queue);
    if (!client) {
      client = new CommandClient({
        urls: [this.options.amqpUrl],
        queue: commandQueueName(queue),
        queueOptions: workQueueOptions(queue, 'commands'),
        persistent: false,
        socketOptions: COMMAND_SOCKET_OPTIONS,
      });
      this.clients.set(queue, client);
      // Connected outside the request that first needs it, so that the connection's callbacks
      // (reconnect logs) do not carry that request's id for the life of the process.
      const connecting = client;
      RequestContext.detached(() => connecting.connect()).catch(() => undefined);
    }
    return client;
  }
}

/**
 * Nest's RMQ client listens for errors on the connection but not on its channel wrapper, so a
 * channel that ends while its setup is still running (the bus closed or the broker gone during
 * the queue declaration) emits an 'error' nobody hears, and the process sees an unhandled
 * error. The callers already get UNAVAILABLE for such a failure; here it is only logged.
 */
class CommandClient extends ClientRMQ {
  private readonly channelLogger = new Logger(CommandBus.name);
  /** Emits when the connection drops: the answers still awaited on it are lost. */
  readonly drops = new Subject<void>();

  override createClient(): AmqpConnectionManager {
    const manager = withReconnectBackoff(super.createClient());
    manager.on('disconnect', () => this.drops.next());
    return manager;
  }

  override createChannel(): Promise<void> {
    const created = super.createChannel();
    this.channel?.on('error', (error: unknown) => {
      this.channelLogger.warn({ err: error, queue: this.queue }, 'command channel failed');
    });
    return created;
  }
}

/** Pause between the attempts of a retry-safe command while the connection comes back. */
const RETRY_PAUSE_MS = 100;

type Attempt =
  { kind: 'answered'; raw: unknown } | { kind: 'timed-out' } | { kind: 'not-sent'; error: unknown };

class ConnectionDropped extends Error {
  constructor() {
    super('the connection dropped before the answer came back');
  }
}

function serviceOf(queue: string): string {
  return queue.split('.')[0] ?? queue;
}
