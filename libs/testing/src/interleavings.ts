/**
 * Every merge of two sequences that keeps each one's order: the runs of two processes whose
 * steps are atomic, for the model specs of a protocol (`*.model.spec.ts`).
 */
export function* interleavings<T>(a: readonly T[], b: readonly T[]): Generator<T[]> {
  if (a.length === 0) return yield [...b];
  if (b.length === 0) return yield [...a];
  for (const rest of interleavings(a.slice(1), b)) yield [a[0]!, ...rest];
  for (const rest of interleavings(a, b.slice(1))) yield [b[0]!, ...rest];
}

/** A protocol's model: a fresh world, what a lease or grace running out does, what is wrong. */
export interface ProtocolModel<W> {
  start(): W;
  runOut(world: W): void;
  broken(world: W): boolean;
  /** The first step after which the timeout may run out (default: any). */
  runsOutFrom?(order: ReadonlyArray<(world: W) => void>): number;
}

/**
 * Runs every interleaving of two processes' steps, the timeout running out never or after any
 * step (from `runsOutFrom` on), each on a fresh world, and answers how many runs end broken.
 */
export function brokenRuns<W>(
  first: ReadonlyArray<(world: W) => void>,
  second: ReadonlyArray<(world: W) => void>,
  model: ProtocolModel<W>,
): number {
  let broken = 0;
  for (const order of interleavings(first, second)) {
    const from = model.runsOutFrom?.(order) ?? 0;
    for (const runOutAt of [-1, ...[...order.keys()].filter((at) => at >= from)]) {
      const world = model.start();
      order.forEach((step, at) => {
        step(world);
        if (at === runOutAt) model.runOut(world);
      });
      if (model.broken(world)) broken += 1;
    }
  }
  return broken;
}
