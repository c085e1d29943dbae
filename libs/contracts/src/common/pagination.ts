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
