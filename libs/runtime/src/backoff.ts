import { setTimeout as sleep } from 'node:timers/promises';

export interface BackoffOptions {
  /** The wait before the second attempt, and how much each later attempt adds. */
  stepMs: number;
  /** The longest wait. */
  capMs: number;
}

/**
 * Waits after a lost race (a taken lock, a taken version) before the next attempt: longer with
 * each attempt up to a cap, and jittered by ±50 % so that racing writers spread out instead of
 * colliding again in step.
 */
export function backoff(
  attempt: number,
  { stepMs, capMs }: BackoffOptions = { stepMs: 3, capMs: 50 },
): Promise<void> {
  const ms = Math.min(capMs, stepMs * (attempt + 1));
  return sleep(ms * (0.5 + Math.random()));
}
