import type { z } from 'zod';

/**
 * One command of the bus: where it goes (`queue`, `pattern`), what it carries (`input`, which
 * the handling service validates) and what it answers (`output`, which the sender's bus
 * validates), and whether sending it twice is the same as sending it once (`retrySafe`: the
 * bus sends such a command again when the first attempt's answer was lost).
 */
export interface CommandDefinition<
  I extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
> {
  readonly queue: string;
  readonly pattern: string;
  readonly input: I;
  readonly output: O;
  readonly retrySafe: boolean;
}

export function defineCommand<I extends z.ZodType, O extends z.ZodType>(
  definition: CommandDefinition<I, O>,
): CommandDefinition<I, O> {
  return Object.freeze({ ...definition });
}
