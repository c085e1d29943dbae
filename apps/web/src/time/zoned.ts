/**
 * Calendar arithmetic in an IANA time zone with the browser's Intl, never hand-written
 * offsets: dates are `YYYY-MM-DD` strings of the zone's wall calendar, instants are epoch ms.
 */
const partsFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(zone: string): Intl.DateTimeFormat {
  let format = partsFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormats.set(zone, format);
  }
  return format;
}

/** The zone's wall clock at an instant, as if it were UTC (epoch ms). */
function wallClock(instant: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const part of partsFormat(zone).formatToParts(new Date(instant)))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

/** The zone's offset from UTC at an instant, in ms. */
function offsetAt(instant: number, zone: string): number {
  return wallClock(Math.floor(instant / 1000) * 1000, zone) - Math.floor(instant / 1000) * 1000;
}

/** The date (`YYYY-MM-DD`) of the zone's calendar at an instant. */
export function dateIn(instant: number, zone: string): string {
  return new Date(wallClock(instant, zone)).toISOString().slice(0, 10);
}

/** The first instant of a zone's date (its midnight, or the end of a gap that swallowed it). */
export function startOfDate(date: string, zone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`);
  let instant = wall - offsetAt(wall, zone);
  instant = wall - offsetAt(instant, zone);
  // Midnight skipped by a spring-forward: the day starts when the clock lands on it.
  if (dateIn(instant, zone) !== date) instant += 60 * 60 * 1000;
  return instant;
}

export interface Month {
  year: number;
  /** 1–12 */
  month: number;
}

export function monthOf(date: string): Month {
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)) };
}

export function addMonths(month: Month, count: number): Month {
  const index = month.year * 12 + (month.month - 1) + count;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

export function monthKey(month: Month): string {
  return `${month.year}-${String(month.month).padStart(2, '0')}`;
}

/** The dates of a month, `YYYY-MM-DD`. */
export function datesOf(month: Month): string[] {
  const days = new Date(Date.UTC(month.year, month.month, 0)).getUTCDate();
  return Array.from(
    { length: days },
    (_, index) => `${monthKey(month)}-${String(index + 1).padStart(2, '0')}`,
  );
}

/** 0 = Monday … 6 = Sunday, of a calendar date (the same in every zone). */
export function weekdayOf(date: string): number {
  return (new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7;
}

/** The instants a month of the zone's calendar spans: `[first midnight, next month's)`. */
export function monthSpan(month: Month, zone: string): { start: number; end: number } {
  return {
    start: startOfDate(`${monthKey(month)}-01`, zone),
    end: startOfDate(`${monthKey(addMonths(month, 1))}-01`, zone),
  };
}

export function formatTime(instant: number, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(instant));
}

/** e.g. "Sunday 28 March 2027, 03:00 (Europe/Berlin)". */
export function formatInstant(instant: number, zone: string): string {
  const date = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(instant));
  return `${date}, ${formatTime(instant, zone)} (${zone})`;
}

export function formatDate(date: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(`${date}T12:00:00Z`));
}

export function formatMonth(month: Month): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    month: 'long',
    year: 'numeric',
  }).format(new Date(Date.UTC(month.year, month.month - 1, 15)));
}

export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** IANA zone names the browser knows, the browser's own and UTC always among them. */
export function zoneNames(): string[] {
  const known = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  const names = new Set(known ? known('timeZone') : []);
  names.add('UTC');
  names.add(browserZone());
  return [...names].sort();
}
