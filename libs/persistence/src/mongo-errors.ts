/** True when MongoDB (or FerretDB) refused an insert because a unique index already holds the key. */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { code?: unknown; writeErrors?: Array<{ code?: unknown }> };
  if (candidate.code === 11000 || candidate.code === 11001) return true;
  return (
    Array.isArray(candidate.writeErrors) && candidate.writeErrors.some((w) => w.code === 11000)
  );
}
