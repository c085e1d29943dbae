/**
 * Every merge of two sequences that keeps each one's order: the runs of two processes whose
 * steps are atomic, for the model specs of a protocol (range-change.model.spec.ts in
 * availability, slot-hold.model.spec.ts in booking).
 */
export function* interleavings<T>(a: readonly T[], b: readonly T[]): Generator<T[]> {
  if (a.length === 0) return yield [...b];
  if (b.length === 0) return yield [...a];
  for (const rest of interleavings(a.slice(1), b)) yield [a[0]!, ...rest];
  for (const rest of interleavings(a, b.slice(1))) yield [b[0]!, ...rest];
}
