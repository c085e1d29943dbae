import { Inject } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, type RmqContext } from '@nestjs/microservices';
import type { z } from 'zod';
import type { CommandDefinition } from '@slotbook/contracts';
import { CommandRunner, type Delivery } from './command-runner';

/** What a handler of `D` is given: the command as its definition's `input` parses it. */
export type CommandOf<D extends CommandDefinition> = z.output<D['input']>;

/** What a handler of `D` answers: what its definition's `output` accepts, as the sender parses it. */
export type ReplyOf<D extends CommandDefinition> = z.input<D['output']>;

export interface HandlesOptions {
  /**
   * `false` for commands whose effect cannot be told from the outside when they fail midway:
   * they answer UNAVAILABLE at once instead of running again (see {@link CommandRunner.run}).
   */
  retry?: boolean;
}

type HandlerOf<D extends CommandDefinition> = (
  command: CommandOf<D>,
  delivery: Delivery,
) => Promise<ReplyOf<D>>;

/** Where a handler class finds the service's {@link CommandRunner} (injected by Nest). */
const RUNNER = Symbol('CommandRunner');
const wired = new WeakSet<object>();

/**
 * Makes a method of a `@Controller()` the handler of one command: it consumes the definition's
 * pattern and is given the command already validated against `input` (a 422 otherwise) and how
 * it was delivered; what it answers must be the definition's `output`. The service's
 * {@link CommandRunner} does the rest, as for every command: request context, deadline,
 * retries, the domain error as a typed reply, acknowledgement or dead-lettering, metrics.
 *
 * ```ts
 * @Handles(GetBooking)
 * get(command: CommandOf<typeof GetBooking>) {
 *   return this.bookings.get(command);
 * }
 * ```
 */
export function Handles<D extends CommandDefinition>(definition: D, options: HandlesOptions = {}) {
  return <M extends HandlerOf<D>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    const handle = descriptor.value;
    if (!handle) throw new Error(`@Handles(${definition.pattern}) must decorate a method`);
    if (!wired.has(target)) {
      Inject(CommandRunner)(target, RUNNER);
      wired.add(target);
    }
    const run = function (
      this: { [RUNNER]: CommandRunner },
      payload: unknown,
      context: RmqContext,
    ) {
      return this[RUNNER].run<D['input'], ReplyOf<D>>(
        context,
        payload,
        definition.input,
        (command, delivery) => handle.call(this, command, delivery),
        options,
      );
    };
    // Whatever other decorators put on the method before this one stays with it.
    for (const metadataKey of Reflect.getOwnMetadataKeys(handle)) {
      Reflect.defineMetadata(metadataKey, Reflect.getOwnMetadata(metadataKey, handle), run);
    }
    Object.defineProperty(run, 'name', { value: handle.name });
    descriptor.value = run as unknown as M;
    MessagePattern(definition.pattern)(target, key, descriptor);
    Payload()(target, key, 0);
    Ctx()(target, key, 1);
  };
}
