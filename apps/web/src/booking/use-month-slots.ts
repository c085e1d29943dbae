import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Slot } from '../api/client';
import { problemOf, networkProblem, type Problem } from '../api/problem';
import { monthSpan, type Month } from '../time/zoned';

/** SPEC §4a: an event type's slots come in windows of up to 32 days. */
const WINDOW_MS = 32 * 24 * 60 * 60 * 1000;

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
 * One request per month shown: the month's span in the chosen zone, widened on both sides to 32
 * days, so that choosing another zone mostly re-reads the window already loaded instead of
 * asking again.
 */
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
    const pad = Math.max(0, Math.floor((WINDOW_MS - (span.end - span.start)) / 2));
    const window = { start: span.start - pad, end: span.end + pad };
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
