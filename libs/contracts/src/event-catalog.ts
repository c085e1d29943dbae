import { AVAILABILITY_EVENTS } from './availability/events';
import { BOOKING_EVENTS } from './booking/events';
import type { EventDefinition } from './common/event';
import { IDENTITY_EVENTS } from './identity/events';

/**
 * Every domain event other systems may subscribe to, each once, as its bounded context defines
 * it. The AsyncAPI document in docs/ is generated from this list (see asyncapi.ts), so the
 * published contract cannot drift from the schemas that the services validate with.
 */
export const EVENT_CATALOG: readonly EventDefinition[] = [
  ...IDENTITY_EVENTS,
  ...AVAILABILITY_EVENTS,
  ...BOOKING_EVENTS,
];
