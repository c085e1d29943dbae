import { COMMAND_CATALOG } from './command-catalog';

/**
 * Commands the gateway may send again when the first attempt's answer was lost (a broker
 * drop): sending one twice has the effect of sending it once. The reads, and booking's
 * writes, whose `commandId` makes a second run find the first one's write and answer it. Any
 * other write is marked `retrySafe` in its definition once its handler is idempotent under
 * redelivery, and not before.
 */
export const RETRY_SAFE_COMMANDS: ReadonlySet<string> = new Set<string>(
  COMMAND_CATALOG.filter((command) => command.retrySafe).map((command) => command.pattern),
);

export function isRetrySafe(pattern: string): boolean {
  return RETRY_SAFE_COMMANDS.has(pattern);
}
