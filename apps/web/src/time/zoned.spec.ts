import { addMonths, dateIn, datesOf, monthSpan, startOfDate, weekdayOf } from './zoned';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

describe("a zone's calendar, from Intl", () => {
  it("starts a date at the zone's midnight, in winter and in summer", () => {
    expect(new Date(startOfDate('2027-01-15', 'Europe/Berlin')).toISOString()).toBe(
      '2027-01-14T23:00:00.000Z',
    );
    expect(new Date(startOfDate('2027-07-15', 'America/New_York')).toISOString()).toBe(
      '2027-07-15T04:00:00.000Z',
    );
    expect(new Date(startOfDate('2027-07-15', 'UTC')).toISOString()).toBe(
      '2027-07-15T00:00:00.000Z',
    );
  });

  it('gives the spring-forward day 23 hours and the fall-back day 25', () => {
    const length = (date: string, zone: string) =>
      startOfDate(
        new Date(Date.parse(`${date}T12:00:00Z`) + DAY_MS).toISOString().slice(0, 10),
        zone,
      ) - startOfDate(date, zone);
    expect(length('2027-03-28', 'Europe/Berlin')).toBe(23 * HOUR_MS);
    expect(length('2027-10-31', 'Europe/Berlin')).toBe(25 * HOUR_MS);
    expect(length('2027-03-14', 'America/New_York')).toBe(23 * HOUR_MS);
    expect(length('2027-03-15', 'America/New_York')).toBe(24 * HOUR_MS);
  });

  it('starts a day whose midnight a spring-forward skips when the clock lands on it', () => {
    // America/Santiago springs from 00:00 to 01:00 on the first Sunday of September.
    const start = startOfDate('2027-09-05', 'America/Santiago');
    expect(dateIn(start, 'America/Santiago')).toBe('2027-09-05');
    expect(dateIn(start - 1, 'America/Santiago')).toBe('2027-09-04');
  });

  it('reads the date of an instant in the zone', () => {
    // Berlin 03:00 on its spring-forward day is 21:00 the evening before in New York.
    const instant = Date.parse('2027-03-28T01:00:00Z');
    expect(dateIn(instant, 'Europe/Berlin')).toBe('2027-03-28');
    expect(dateIn(instant, 'America/New_York')).toBe('2027-03-27');
  });

  it('spans a month of a zone in at most 32 days, a fall-back October included', () => {
    const october = monthSpan({ year: 2027, month: 10 }, 'Europe/Berlin');
    expect(october.end - october.start).toBe(31 * DAY_MS + HOUR_MS);
    expect(october.end - october.start).toBeLessThanOrEqual(32 * DAY_MS);
  });

  it('lays out months: their dates, weekdays and the months around them', () => {
    expect(datesOf({ year: 2028, month: 2 })).toHaveLength(29);
    expect(datesOf({ year: 2027, month: 2 })).toHaveLength(28);
    expect(weekdayOf('2027-03-01')).toBe(0); // a Monday
    expect(weekdayOf('2027-03-28')).toBe(6); // a Sunday
    expect(addMonths({ year: 2026, month: 12 }, 1)).toEqual({ year: 2027, month: 1 });
    expect(addMonths({ year: 2027, month: 1 }, -1)).toEqual({ year: 2026, month: 12 });
  });
});
