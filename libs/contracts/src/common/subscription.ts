import type { z } from 'zod';
import type { EventDefinition } from './event';
import { AnyEventEnvelope } from './event-envelope';

/**
 * One service's subscription to domain events: the events it takes (by their definitions) and
 * the queue they wait in. `shared`: a durable queue of this name, each event handled by one
 * replica. `replica`: a queue of each replica's own, named after `queue`, that lives as long
 * as its connection, so every replica hears every event while it is connected.
 *
 * Its handler is given each event parsed against the event's own definition, typed as one of
 * `events` ({@link SubscribedEvent}). A store of events that keeps what it was sent (the audit
 * log, the webhooks feed) says `asPublished`: its handler is given the envelope as it came,
 * checked as an envelope only, so nothing a publisher sent is dropped on the way.
 */
export interface SubscriptionDefinition<
  E extends readonly EventDefinition[] = readonly EventDefinition[],
  P extends boolean = boolean,
> {
  readonly queue: string;
  readonly scope: 'shared' | 'replica';
  readonly events: E;
  readonly asPublished: P;
}

/** The events keep their types: a subscriber can tell from the definition which it takes. */
export function defineSubscription<
  const E extends readonly EventDefinition[],
  const P extends boolean = false,
>(definition: {
  queue: string;
  scope?: 'shared' | 'replica';
  events: E;
  asPublished?: P;
}): SubscriptionDefinition<E, P> {
  return Object.freeze({
    scope: 'shared' as const,
    asPublished: false as P,
    ...definition,
  });
}

/** The envelope of one event definition, as its schema parses it. */
export type EventOf<D extends EventDefinition> = z.infer<D['envelope']>;

/** What a subscription's handler is given: one of its events, or any envelope as published. */
export type SubscribedEvent<S extends SubscriptionDefinition> = S['asPublished'] extends true
  ? AnyEventEnvelope
  : EventOf<S['events'][number]>;

/** The queue's bindings: each event's type, the routing key, on its context's exchange. */
export function bindingsOf(
  subscription: SubscriptionDefinition,
): Array<{ exchange: string; pattern: string }> {
  return subscription.events.map((event) => ({ exchange: event.exchange, pattern: event.type }));
}

const EventTypeOnly = AnyEventEnvelope.pick({ type: true });

/**
 * Reads a message's JSON as the subscription's handler takes it. Undefined for an event of a
 * type the subscription does not take (a binding an earlier version left on a durable queue):
 * nothing to do. Throws when the event does not match its definition: no redelivery can help.
 */
export function subscribedEventParser<S extends SubscriptionDefinition>(
  subscription: S,
): (json: unknown) => SubscribedEvent<S> | undefined {
  if (subscription.asPublished) {
    return (json) => AnyEventEnvelope.parse(json) as SubscribedEvent<S>;
  }
  const envelopes = new Map<string, z.ZodType>(
    subscription.events.map((event) => [event.type, event.envelope]),
  );
  return (json) => {
    const { type } = EventTypeOnly.parse(json);
    const envelope = envelopes.get(type);
    return envelope && (envelope.parse(json) as SubscribedEvent<S>);
  };
}
