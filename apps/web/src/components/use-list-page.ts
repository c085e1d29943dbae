import { useEffect, useState, type DependencyList } from 'react';
import { networkProblem, problemOf, type Problem } from '../api/problem';

/** What openapi-fetch answers for a cursor-paged list. */
interface PageAnswer<T> {
  data?: { data: T[]; nextCursor: string | null };
  error?: unknown;
  response: Response;
}

/**
 * One page of a list, loaded again whenever `deps` change: its items (null while loading; an
 * empty list when refused), the next page's cursor and the problem of a refused load. An
 * answer that comes after `deps` changed again is dropped. With `keepWhileLoading`, the shown
 * items stay until the new page is there (a list refreshed in place).
 */
export function useListPage<T>(
  load: () => Promise<PageAnswer<T>>,
  deps: DependencyList,
  { keepWhileLoading = false } = {},
) {
  const [items, setItems] = useState<T[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  useEffect(() => {
    let current = true;
    if (!keepWhileLoading) setItems(null);
    setProblem(null);
    load()
      .then(({ data, error, response }) => {
        if (!current) return;
        if (data) {
          setItems(data.data);
          setNextCursor(data.nextCursor);
        } else {
          setItems([]);
          setProblem(problemOf(error, response));
        }
      })
      .catch(() => current && setProblem(networkProblem()));
    return () => {
      current = false;
    };
    // `load` is a new closure each render; `deps` say when it asks for something else.
  }, deps);

  return { items, setItems, nextCursor, problem };
}

/** A query without its empty values: a filter left blank is not sent. */
export function given<T extends Record<string, string | null | undefined>>(
  query: T,
): { [K in keyof T]?: Exclude<T[K], null | undefined | ''> } {
  return Object.fromEntries(
    Object.entries(query).filter(
      ([, value]) => value !== undefined && value !== null && value !== '',
    ),
  ) as { [K in keyof T]?: Exclude<T[K], null | undefined | ''> };
}
