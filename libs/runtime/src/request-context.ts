import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { storage as loggerStorage } from 'nestjs-pino/storage';

interface RequestScope {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** The request id of the work in progress, carried through logs and outgoing messages. */
export const RequestContext = {
  run<T>(requestId: string | undefined, fn: () => T): T {
    return storage.run({ requestId: requestId || randomUUID() }, fn);
  },
  requestId(): string | undefined {
    return storage.getStore()?.requestId;
  },
  /**
   * Runs `fn` outside any request. For long-lived work started from inside a request (a broker
   * connection and its reconnects): its callbacks would otherwise carry that request's id, and
   * nestjs-pino's request logger, forever.
   */
  detached<T>(fn: () => T): T {
    return storage.exit(() => loggerStorage.exit(fn));
  },
};

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts a caller's id only when it is safe to echo and log; otherwise makes a new one. */
export function acceptRequestId(candidate: unknown): string {
  return typeof candidate === 'string' && REQUEST_ID_PATTERN.test(candidate)
    ? candidate
    : randomUUID();
}
