import type { EventDefinition } from './event';

/**
 * One service's subscription to domain events: the events it takes (by their definitions) and
 * the queue they wait in. `shared`: a durable queue of this name, each event handled by one
 * replica. `replica`: a queue of each replica's own, named after `queue`, that lives as long
 * as its connection, so every replica hears every event while it is connected.
 */
export interface SubscriptionDefinition<
  E extends readonly EventDefinition[] = readonly EventDefinition[],
> {
  readonly queue: string;
  readonly scope: 'shared' | 'replica';
  readonly events: E;
}

/** The events keep their types: a subscriber can tell from the definition which it takes. */
export function defineSubscription<const E extends readonly EventDefinition[]>(definition: {
  queue: string;
  scope?: 'shared' | 'replica';
  events: E;
}): SubscriptionDefinition<E> {
  return Object.freeze({ scope: 'shared' as const, ...definition });
}

/** The queue's bindings: each event's type, the routing key, on its context's exchange. */
export function bindingsOf(
  subscription: SubscriptionDefinition,
): Array<{ exchange: string; pattern: string }> {
  return subscription.events.map((event) => ({ exchange: event.exchange, pattern: event.type }));
}
