import { useEffect, useMemo, useState } from 'react';
import type { Slot } from '../api/client';
import { Loading, ProblemNotice } from '../components/ProblemNotice';
import {
  addMonths,
  dateIn,
  datesOf,
  formatDate,
  formatMonth,
  formatTime,
  monthOf,
  weekdayOf,
  zoneNames,
  type Month,
} from '../time/zoned';
import { useMonthSlots } from './use-month-slots';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export interface SlotPickerProps {
  eventTypeId: string;
  zone: string;
  onZoneChange: (zone: string) => void;
  selected: Slot | null;
  onSelect: (slot: Slot | null) => void;
  /** Bumped by the page to ask for the shown month again (a time was taken meanwhile). */
  reloadSignal?: number;
  initialMonth?: Month;
}

/**
 * The time zone, a month of days (enabled only with a free slot) and the chosen day's times,
 * with the test hooks of SPEC §10: `data-testid="day"`/`data-date`, `data-testid="time"`/
 * `data-start`.
 */
export function SlotPicker(props: SlotPickerProps) {
  const { eventTypeId, zone, onZoneChange, selected, onSelect, reloadSignal } = props;
  const [month, setMonth] = useState<Month>(
    () => props.initialMonth ?? monthOf(dateIn(Date.now(), zone)),
  );
  const [day, setDay] = useState<string | null>(null);
  const { slots, problem, reload } = useMonthSlots(eventTypeId, month, zone);
  const zones = useMemo(zoneNames, []);

  useEffect(() => {
    if (reloadSignal) reload();
  }, [reloadSignal, reload]);

  const byDate = useMemo(() => {
    const map = new Map<string, Slot[]>();
    for (const slot of slots ?? []) {
      const date = dateIn(Date.parse(slot.startTime), zone);
      map.set(date, [...(map.get(date) ?? []), slot]);
    }
    return map;
  }, [slots, zone]);

  const dates = datesOf(month);
  const times = day ? (byDate.get(day) ?? []) : [];

  const changeMonth = (count: number) => {
    setMonth((shown) => addMonths(shown, count));
    setDay(null);
    onSelect(null);
  };

  return (
    <div className="slot-picker">
      <div className="field">
        <label htmlFor="time-zone">Time zone</label>
        <select
          id="time-zone"
          value={zone}
          onChange={(event) => {
            onZoneChange(event.target.value);
            onSelect(null);
          }}
        >
          {zones.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </div>

      <section className="calendar" aria-labelledby="calendar-month">
        <div className="calendar-head">
          <button type="button" onClick={() => changeMonth(-1)} aria-label="Previous month">
            ‹
          </button>
          <h2 id="calendar-month" aria-live="polite">
            {formatMonth(month)}
          </h2>
          <button type="button" onClick={() => changeMonth(1)} aria-label="Next month">
            ›
          </button>
        </div>
        <div className="calendar-grid" role="group" aria-label={`Days of ${formatMonth(month)}`}>
          {WEEKDAYS.map((name) => (
            <span key={name} className="weekday" aria-hidden="true">
              {name}
            </span>
          ))}
          {dates.map((date, index) => {
            const free = byDate.get(date)?.length ?? 0;
            return (
              <button
                key={date}
                type="button"
                data-testid="day"
                data-date={date}
                disabled={free === 0}
                aria-pressed={day === date}
                aria-label={`${formatDate(date)}${free ? `, ${free} free time${free === 1 ? '' : 's'}` : ', no free time'}`}
                className={[
                  'day',
                  day === date ? 'day-chosen' : '',
                  index === 0 ? `column-${weekdayOf(date) + 1}` : '',
                ].join(' ')}
                onClick={() => {
                  setDay(date);
                  onSelect(null);
                }}
              >
                {Number(date.slice(8))}
              </button>
            );
          })}
        </div>
        {slots === null ? <Loading what="free times" /> : null}
        <ProblemNotice problem={problem} />
        {slots !== null && !problem && slots.length === 0 ? (
          <p className="empty">No free times in {formatMonth(month)}. Try the next month.</p>
        ) : null}
      </section>

      {day ? (
        <section className="times" aria-labelledby="times-heading">
          <h2 id="times-heading">{formatDate(day)}</h2>
          {times.length === 0 ? (
            <p className="empty">No free times left on this day.</p>
          ) : (
            <ul className="time-list">
              {times.map((slot) => (
                <li key={slot.startTime}>
                  <button
                    type="button"
                    data-testid="time"
                    data-start={slot.startTime}
                    aria-pressed={selected?.startTime === slot.startTime}
                    className={selected?.startTime === slot.startTime ? 'time time-chosen' : 'time'}
                    onClick={() => onSelect(slot)}
                  >
                    {formatTime(Date.parse(slot.startTime), zone)}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </div>
  );
}
