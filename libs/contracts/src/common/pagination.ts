import { z } from 'zod';

export const PAGE_LIMIT_DEFAULT = 20;
export const PAGE_LIMIT_MAX = 100;

/** `?limit=&cursor=` of every paginated list. */
export const PageQuery = z.strictObject({
  limit: z.coerce
    .number({ message: 'must be an integer' })
    .int({ message: 'must be an integer' })
    .min(1)
    .max(PAGE_LIMIT_MAX)
    .default(PAGE_LIMIT_DEFAULT),
  cursor: z.string().min(1).max(512).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() });
}
export type Page<T> = { data: T[]; nextCursor: string | null };

/** A stringified boolean as it arrives in a query string. */
export const QueryBoolean = z.enum(['true', 'false']).transform((value) => value === 'true');

/**
 * `?limit=` as a client writes it: a canonical decimal integer 1–100 (no sign, no leading
 * zero, no blanks, no hex or exponent), 20 when absent.
 */
export const PageLimitParam = z
  .string()
  .regex(/^(?:100|[1-9][0-9]?)$/, { message: `must be a whole number from 1 to ${PAGE_LIMIT_MAX}` })
  .transform(Number)
  .optional()
  .transform((value) => value ?? PAGE_LIMIT_DEFAULT);

/** `?cursor=` as a client sends it: the opaque token the gateway issued as `nextCursor`. */
export const PageCursorParam = z.string().min(1).max(2048).optional();

/** `?from&to` of a list: when both are given, `to` must come after `from` (422 otherwise). */
export function windowInOrder(
  query: { from?: Date; to?: Date },
  context: z.RefinementCtx<{ from?: Date; to?: Date }>,
): void {
  if (!(query.from instanceof Date) || !(query.to instanceof Date)) return;
  if (query.to.getTime() <= query.from.getTime())
    context.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
}
