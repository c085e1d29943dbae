import type { EventDefinition } from './event';

/**
 * One service's subscription to domain events: the events it takes (by their definitions) and
 * the queue they wait in. `shared`: a durable queue of this name, each event handled by one
 * replica. `replica`: a queue of each replica's own, named after `queue`, that lives as long
 * as its connection, so every replica hears every event while it is connected.
 */
export interface SubscriptionDefinition {
  readonly queue: string;
  readonly scope: 'shared' | 'replica';
  readonly events: readonly EventDefinition[];
}

export function defineSubscription(definition: {
  queue: string;
  scope?: 'shared' | 'replica';
  events: readonly EventDefinition[];
}): SubscriptionDefinition {
  return Object.freeze({ scope: 'shared', ...definition });
}

/** The queue's bindings: each event's type, the routing key, on its context's exchange. */
export function bindingsOf(
  subscription: SubscriptionDefinition,
): Array<{ exchange: string; pattern: string }> {
  return subscription.events.map((event) => ({ exchange: event.exchange, pattern: event.type }));
}
