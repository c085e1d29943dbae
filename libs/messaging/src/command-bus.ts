import { Logger } from '@nestjs/common';
import { ClientRMQ, RmqRecordBuilder } from '@nestjs/microservices';
import { TimeoutError, firstValueFrom, timeout } from 'rxjs';
import { DomainError, ErrorCode, Headers, ReplyEnvelope } from '@slotbook/contracts';
import { RequestContext } from '@slotbook/runtime';
import { COMMAND_SOCKET_OPTIONS, workQueueOptions } from './topology';

export interface CommandBusOptions {
  amqpUrl: string;
  /** How long a caller waits for an answer before it gives up with UNAVAILABLE. */
  timeoutMs: number;
}

/**
 * Request/reply over RabbitMQ (Nest's RMQ transport, replies on `amq.rabbitmq.reply-to`).
 * A service that does not answer in time, or a broker that is down, becomes a typed
 * UNAVAILABLE error (503 at the gateway); a typed error in the reply is rethrown as such.
 */
export class CommandBus {
  private readonly logger = new Logger(CommandBus.name);
  private readonly clients = new Map<string, CommandClient>();

  constructor(private readonly options: CommandBusOptions) {}

  async send<T = unknown>(queue: string, pattern: string, payload: unknown): Promise<T> {
    const requestId = RequestContext.requestId();
    const record = new RmqRecordBuilder(payload)
      .setOptions({
        headers: {
          ...(requestId ? { [Headers.RequestId]: requestId } : {}),
          [Headers.Deadline]: String(Date.now() + this.options.timeoutMs),
        },
        persistent: true,
      })
      .build();
    let raw: unknown;
    try {
      raw = await firstValueFrom(
        this.client(queue)
          .send(pattern, record)
          .pipe(timeout({ first: this.options.timeoutMs })),
      );
    } catch (error) {
      if (error instanceof TimeoutError) {
        throw new DomainError(ErrorCode.Unavailable, `${serviceOf(queue)} did not answer in time`);
      }
      this.logger.warn({ err: error, queue, pattern }, 'command could not be sent');
      throw new DomainError(ErrorCode.Unavailable, `${serviceOf(queue)} is unavailable`);
    }
    const reply = ReplyEnvelope.safeParse(raw);
    if (!reply.success) {
      this.logger.error({ queue, pattern }, 'malformed reply from the bus');
      throw new DomainError(ErrorCode.Unavailable, `${serviceOf(queue)} answered unexpectedly`);
    }
    if (!reply.data.ok) throw DomainError.fromBusError(reply.data.error);
    return reply.data.data as T;
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
        queue,
        queueOptions: workQueueOptions(queue),
        persistent: true,
        socketOptions: COMMAND_SOCKET_OPTIONS,
      });
      this.clients.set(queue, client);
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

  override createChannel(): Promise<void> {
    const created = super.createChannel();
    this.channel?.on('error', (error: unknown) => {
      this.channelLogger.warn({ err: error, queue: this.queue }, 'command channel failed');
    });
    return created;
  }
}

function serviceOf(queue: string): string {
  return queue.split('.')[0] ?? queue;
}
