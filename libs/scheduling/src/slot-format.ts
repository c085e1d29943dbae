import type { Interval } from './slot-grid';

const DAY_MS = 24 * 60 * 60 * 1000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/**
 * Formats instants exactly as `Date#toISOString` does (UTC with `Z`), several times faster for
 * runs of instants on a few days: the date part is formatted once per day, the time of day
 * from lookup tables. A month of 5-minute slots is ~18,000 instants; `toISOString` alone
 * would take ~10 ms of a `/slots` request.
 */
export class UtcFormatter {
  private dayStart = Number.NaN;
  private datePrefix = '';

  format(ms: number): string {
    const dayStart = Math.floor(ms / DAY_MS) * DAY_MS;
    if (dayStart !== this.dayStart) {
      this.dayStart = dayStart;
      // `YYYY-MM-DDT` (or the extended `±YYYYYY-MM-DDT` beyond year 9999), as toISOString has it.
      this.datePrefix = new Date(dayStart).toISOString().slice(0, -13);
    }
    let rest = ms - dayStart;
    const hours = Math.floor(rest / 3_600_000);
    rest -= hours * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = Math.floor(rest / 1000);
    const millis = rest - seconds * 1000;
    return `${this.datePrefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[millis]}Z`;
  }
}

/** Slots as the API shows them; a slot that starts where the previous one ended shares its string. */
export function slotsToIso(slots: Interval[]): Array<{ startTime: string; endTime: string }> {
  const formatter = new UtcFormatter();
  const out = new Array<{ startTime: string; endTime: string }>(slots.length);
  let lastEnd = Number.NaN;
  let lastEndText = '';
  for (let i = 0; i < slots.length; i += 1) {
    const { start, end } = slots[i];
    const startTime = start === lastEnd ? lastEndText : formatter.format(start);
    lastEnd = end;
    lastEndText = formatter.format(end);
    out[i] = { startTime, endTime: lastEndText };
  }
  return out;
}
