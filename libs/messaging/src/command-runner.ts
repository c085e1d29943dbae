import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type { RmqContext } from '@nestjs/microservices';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { z } from 'zod';
import {
  DomainError,
  ErrorCode,
  Headers,
  fieldErrorsFromZod,
  type Reply,
} from '@slotbook/contracts';
import { RequestContext, busCommandSeconds, busCommandsTotal } from '@slotbook/runtime';
import { DELIVERIES_HEADER } from './topology';

export interface CommandRunnerOptions {
  /** Attempts for a handler that fails with an unexpected (non-domain) error. */
  maxAttempts: number;
  /** Delay before the first retry; doubles on each further one. */
  retryDelayMs: number;
}

/** How the command reached this run. */
export interface Delivery {
  /**
   * The command may have run before: the broker redelivered it (a replica died or lost its
   * connection holding it), or the caller sent it again after losing its answer.
   */
  repeated: boolean;
}

type Outcome = 'ok' | 'rejected' | 'invalid' | 'expired' | 'dead-lettered';

/**
 * Runs one command taken from the bus: validates it (never trusting the sender), runs the
 * handler with bounded retries, acknowledges it by hand, and answers with a typed
 * {@link Reply}. A command that keeps failing is dead-lettered, never dropped or retried forever.
 */
export class CommandRunner {
  private readonly logger = new Logger(CommandRunner.name);
  private inFlight = 0;
  private readonly consumers = new Map<Channel, Set<string>>();

  constructor(private readonly options: CommandRunnerOptions) {}

  async run<S extends z.ZodType, R>(
    context: RmqContext,
    payload: unknown,
    schema: S,
    handle: (command: z.output<S>, delivery: Delivery) => Promise<R>,
    /**
     * `retry: false` for commands whose effect cannot be told from the outside when they fail
     * midway (creating a webhook, whose secret is shown once): they answer UNAVAILABLE at once
     * instead of running again.
     */
    options: { retry?: boolean } = {},
  ): Promise<Reply<R>> {
    const message = context.getMessage() as ConsumeMessage;
    const channel = context.getChannelRef() as Channel;
    const pattern = context.getPattern();
    const headers = message.properties.headers ?? {};
    this.remember(channel, message.fields.consumerTag);
    this.inFlight += 1;
    const stopTimer = busCommandSeconds.startTimer({ pattern });
    try {
      return await RequestContext.run(stringHeader(headers[Headers.RequestId]), async () => {
        const attempts = options.retry === false ? 1 : this.options.maxAttempts;
        const [reply, outcome] = await this.process(
          message,
          payload,
          schema,
          handle,
          headers,
          attempts,
        );
        this.settle(channel, message, outcome);
        busCommandsTotal.inc({ pattern, outcome });
        return reply;
      });
    } finally {
      stopTimer();
      this.inFlight -= 1;
    }
  }

  /**
   * Stops taking new commands and waits for those in flight, so a replica that is shutting
   * down finishes its work and leaves the rest in the queue for the others.
   */
  async drain(timeoutMs: number): Promise<void> {
    for (const [channel, tags] of this.consumers) {
      for (const tag of tags) {
        await channel.cancel(tag).catch(() => undefined);
      }
    }
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() < deadline) {
      await sleep(20);
    }
  }

  private async process<S extends z.ZodType, R>(
    message: ConsumeMessage,
    payload: unknown,
    schema: S,
    handle: (command: z.output<S>, delivery: Delivery) => Promise<R>,
    headers: Record<string, unknown>,
    maxAttempts: number,
  ): Promise<[Reply<R>, Outcome]> {
    const deadline = Number(headers[Headers.Deadline]);
    if (Number.isFinite(deadline) && Date.now() > deadline) {
      // Nobody waits for the answer any more; doing the work now would surprise the caller.
      return [
        failure(ErrorCode.Unavailable, 'the command expired before it was processed'),
        'expired',
      ];
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const error = DomainError.validation(
        'the command is invalid',
        fieldErrorsFromZod(parsed.error),
      );
      return [{ ok: false, error: error.toBusError() }, 'invalid'];
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        const repeated =
          message.fields.redelivered ||
          Number(headers[DELIVERIES_HEADER] ?? 1) > 1 ||
          Number(headers[Headers.Attempt] ?? 1) > 1 ||
          attempt > 1;
        return [{ ok: true, data: await handle(parsed.data, { repeated }) }, 'ok'];
      } catch (error) {
        if (error instanceof DomainError) {
          return [{ ok: false, error: error.toBusError() }, 'rejected'];
        }
        if (attempt >= maxAttempts) {
          this.logger.error(
            { err: error, pattern: message.fields.routingKey, attempts: attempt },
            'command failed after all retries; dead-lettering it',
          );
          return [
            failure(ErrorCode.Unavailable, 'the service could not process the request'),
            'dead-lettered',
          ];
        }
        this.logger.warn({ err: error, attempt }, 'command failed; retrying');
        await sleep(this.options.retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  private settle(channel: Channel, message: ConsumeMessage, outcome: Outcome): void {
    try {
      if (outcome === 'dead-lettered') {
        channel.nack(message, false, false);
      } else {
        channel.ack(message);
      }
    } catch (error) {
      // The channel died with the connection; the broker redelivers the command to a replica.
      this.logger.warn({ err: error }, 'could not settle a command on a closed channel');
    }
  }

  private remember(channel: Channel, consumerTag: string): void {
    const tags = this.consumers.get(channel) ?? new Set<string>();
    tags.add(consumerTag);
    this.consumers.set(channel, tags);
  }
}

function failure(code: ErrorCode, message: string): Reply<never> {
  return { ok: false, error: { code, message } };
}

function stringHeader(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString();
  return undefined;
}
