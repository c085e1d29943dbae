import { useCallback, useState } from 'react';

/** Cursor paging: the cursors of the pages before the shown one, to go back. */
export function useCursorPages() {
  const [trail, setTrail] = useState<Array<string | null>>([null]);
  const cursor = trail[trail.length - 1];
  const next = useCallback((nextCursor: string) => setTrail((all) => [...all, nextCursor]), []);
  const previous = useCallback(
    () => setTrail((all) => (all.length > 1 ? all.slice(0, -1) : all)),
    [],
  );
  const reset = useCallback(() => setTrail([null]), []);
  return { cursor, page: trail.length, next, previous, reset };
}

export function Pager(props: {
  label: string;
  page: number;
  nextCursor: string | null | undefined;
  onNext: (cursor: string) => void;
  onPrevious: () => void;
}) {
  const { label, page, nextCursor, onNext, onPrevious } = props;
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button
        type="button"
        disabled={page <= 1}
        onClick={onPrevious}
        aria-label={`Previous page of ${label}`}
      >
        Previous page
      </button>
      <span>Page {page}</span>
      <button
        type="button"
        disabled={!nextCursor}
        onClick={() => nextCursor && onNext(nextCursor)}
        aria-label={`Next page of ${label}`}
      >
        Next page
      </button>
    </nav>
  );
}
