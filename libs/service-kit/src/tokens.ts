/** The Redis client of a service (locks, revocations). */
export const REDIS = Symbol('REDIS');

/** The settings a service gave {@link commandServiceProviders}, for its lifecycle. */
export const SERVICE_SETTINGS = Symbol('SERVICE_SETTINGS');

/** The service's event subscribers, in the order it declared them. */
export const SUBSCRIBERS = Symbol('SUBSCRIBERS');
