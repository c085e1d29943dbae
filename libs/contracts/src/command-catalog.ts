import { AVAILABILITY_COMMANDS } from './availability/commands';
import { CALENDAR_FEED_COMMANDS } from './booking/calendar';
import { BOOKING_COMMANDS } from './booking/commands';
import type { CommandDefinition } from './common/command';
import { IDENTITY_COMMANDS } from './identity/commands';
import { NOTIFICATIONS_COMMANDS } from './notifications/commands';
import { WEBHOOKS_COMMANDS } from './webhooks/commands';

/** Every command of the platform, each once, as its bounded context defines it. */
export const COMMAND_CATALOG: readonly CommandDefinition[] = [
  ...IDENTITY_COMMANDS,
  ...AVAILABILITY_COMMANDS,
  ...BOOKING_COMMANDS,
  ...CALENDAR_FEED_COMMANDS,
  ...WEBHOOKS_COMMANDS,
  ...NOTIFICATIONS_COMMANDS,
];
