/**
 * Runs `check` until it passes (returns without throwing), or throws its last failure after
 * `timeoutMs`: for what the platform promises a moment after a change (events, audit).
 */
export async function eventually<T>(
  check: () => Promise<T>,
  { timeoutMs = 10_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
