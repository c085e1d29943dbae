import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Slot } from '../api/client';
import { problemOf, networkProblem, type Problem } from '../api/problem';
import { monthSpan, type Month } from '../time/zoned';

const HOUR_MS = 60 * 60 * 1000;
/** SPEC §4a: an event type's slots come in windows of up to 32 days. */
const WINDOW_MS = 32 * 24 * HOUR_MS;

interface Window {
  start: number;
  end: number;
  slots: Slot[];
}

export interface MonthSlots {
  /** The free slots starting within the shown month of the zone's calendar; null while loading. */
  slots: Slot[] | null;
  problem: Problem | null;
  /** Asks the API again for the shown month (after a slot was taken meanwhile). */
  reload: () => void;
}

/**
 * The window to ask for a month: the month of every zone from UTC−10 to UTC+14 (from Hawaii to
 * Kiritimati, summer times included) when the shown zone's month lies in it, so that choosing
 * another zone re-reads the window already loaded; else the shown zone's month, widened to 32
 * days around it.
 */
function windowFor(month: Month, span: { start: number; end: number }) {
  const widen = (start: number, end: number) => {
    const pad = Math.max(0, Math.floor((WINDOW_MS - (end - start)) / 2));
    return { start: start - pad, end: end + pad };
  };
  const everyZone = widen(
    Date.UTC(month.year, month.month - 1, 1) - 14 * HOUR_MS,
    Date.UTC(month.year, month.month, 1) + 10 * HOUR_MS,
  );
  if (everyZone.start <= span.start && everyZone.end >= span.end) return everyZone;
  return widen(span.start, span.end);
}

/** One request per month shown (SPEC §10), in a window that serves most zones at once. */
export function useMonthSlots(eventTypeId: string, month: Month, zone: string): MonthSlots {
  const windows = useRef<Window[]>([]);
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<{ slots: Slot[] | null; problem: Problem | null }>({
    slots: null,
    problem: null,
  });
  const span = monthSpan(month, zone);

  useEffect(() => {
    let current = true;
    const pick = (window: Window) =>
      window.slots.filter((slot) => {
        const start = Date.parse(slot.startTime);
        return start >= span.start && start < span.end;
      });
    const held = windows.current.find((w) => w.start <= span.start && w.end >= span.end);
    if (held) {
      setState({ slots: pick(held), problem: null });
      return;
    }
    setState({ slots: null, problem: null });
    const window = windowFor(month, span);
    api
      .GET('/api/v1/event-types/{id}/slots', {
        params: {
          path: { id: eventTypeId },
          query: {
            from: new Date(window.start).toISOString(),
            to: new Date(window.end).toISOString(),
          },
        },
      })
      .then(({ data, error, response }) => {
        if (!current) return;
        if (data) {
          const loaded = { ...window, slots: data.data };
          windows.current = [...windows.current, loaded];
          setState({ slots: pick(loaded), problem: null });
        } else setState({ slots: [], problem: problemOf(error, response) });
      })
      .catch(() => current && setState({ slots: [], problem: networkProblem() }));
    return () => {
      current = false;
    };
  }, [eventTypeId, span.start, span.end, generation]);

  const reload = useCallback(() => {
    windows.current = [];
    setGeneration((value) => value + 1);
  }, []);

  return { ...state, reload };
}
