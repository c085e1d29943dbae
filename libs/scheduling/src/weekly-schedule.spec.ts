import fc from 'fast-check';
import type { Interval } from './slot-grid';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './time-units';
import {
  eventTypeSlotAt,
  eventTypeSlots,
  scheduleIntervals,
  type LocalInterval,
  type Weekday,
  type WeeklySchedule,
} from './weekly-schedule';

const WEEKDAYS: Weekday[] = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];
const utc = (iso: string) => Date.parse(iso);
const iso = (instant: number) => new Date(instant).toISOString();
const isoIntervals = (intervals: Interval[]) =>
  intervals.map((interval) => [iso(interval.start), iso(interval.end)]);
const hoursOf = (interval: Interval) => (interval.end - interval.start) / HOUR_MS;
const everyDay = (start: string, end: string) => WEEKDAYS.map((day) => ({ day, start, end }));
const schedule = (
  timeZone: string,
  weekly: WeeklySchedule['weekly'],
  overrides: WeeklySchedule['overrides'] = [],
): WeeklySchedule => ({ timeZone, weekly, overrides });
/** The window of one local date, with hours that cannot spill out of it. */
const dayWindow = (date: string): Interval => ({
  start: utc(`${date}T00:00:00Z`) - 14 * HOUR_MS,
  end: utc(`${date}T00:00:00Z`) + 38 * HOUR_MS,
});
const intervalsOn = (timeZone: string, date: string, hours: LocalInterval[]) =>
  scheduleIntervals(schedule(timeZone, [], [{ date, intervals: hours }]), dayWindow(date));

/** Each zone's transition days of 2026, the local times of its gap and its repeated hour. */
const TRANSITIONS = [
  { zone: 'Europe/Berlin', springForward: '2026-03-29', fallBack: '2026-10-25' },
  { zone: 'America/New_York', springForward: '2026-03-08', fallBack: '2026-11-01' },
  { zone: 'Australia/Sydney', springForward: '2026-10-04', fallBack: '2026-04-05' },
  { zone: 'Australia/Lord_Howe', springForward: '2026-10-04', fallBack: '2026-04-05' },
];

describe('a weekly schedule in a time zone', () => {
  it.each(TRANSITIONS)(
    'lasts 9:00–17:00 = 8 hours on every day around the transitions in $zone',
    (t) => {
      for (const anchor of [t.springForward, t.fallBack]) {
        const window = {
          start: utc(`${anchor}T00:00:00Z`) - 3 * DAY_MS,
          end: utc(`${anchor}T00:00:00Z`) + 4 * DAY_MS,
        };
        const intervals = scheduleIntervals(schedule(t.zone, everyDay('09:00', '17:00')), window);
        expect(intervals.length).toBeGreaterThanOrEqual(7);
        for (const interval of intervals) expect(hoursOf(interval)).toBe(8);
      }
    },
  );

  it.each([
    ['Europe/Berlin', '2026-03-29', '2026-03-29T11:00:00.000Z', '2026-03-29T15:00:00.000Z'],
    ['Europe/Berlin', '2026-10-25', '2026-10-25T12:00:00.000Z', '2026-10-25T16:00:00.000Z'],
    ['America/New_York', '2026-03-08', '2026-03-08T17:00:00.000Z', '2026-03-08T21:00:00.000Z'],
    ['America/New_York', '2026-11-01', '2026-11-01T18:00:00.000Z', '2026-11-01T22:00:00.000Z'],
    ['Australia/Sydney', '2026-04-05', '2026-04-05T03:00:00.000Z', '2026-04-05T07:00:00.000Z'],
    ['Australia/Sydney', '2026-10-04', '2026-10-04T02:00:00.000Z', '2026-10-04T06:00:00.000Z'],
    ['Australia/Lord_Howe', '2026-04-05', '2026-04-05T02:30:00.000Z', '2026-04-05T06:30:00.000Z'],
    ['Australia/Lord_Howe', '2026-10-04', '2026-10-04T02:00:00.000Z', '2026-10-04T06:00:00.000Z'],
  ])(
    'puts 13:00–17:00 in %s on the transition day %s at the new offset',
    (zone, date, start, end) => {
      const weekday = WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7];
      const intervals = scheduleIntervals(
        schedule(zone, [{ day: weekday, start: '13:00', end: '17:00' }]),
        dayWindow(date),
      );
      expect(isoIntervals(intervals)).toEqual([[start, end]]);
    },
  );

  it('makes Berlin 01:00–05:00 last 3 hours on its spring-forward day', () => {
    const [interval] = intervalsOn('Europe/Berlin', '2026-03-29', [
      { start: '01:00', end: '05:00' },
    ]);
    expect(hoursOf(interval)).toBe(3);
    expect(iso(interval.start)).toBe('2026-03-29T00:00:00.000Z');
  });

  it('makes Berlin 00:00–04:00 last 5 hours on its fall-back day', () => {
    const [interval] = intervalsOn('Europe/Berlin', '2026-10-25', [
      { start: '00:00', end: '04:00' },
    ]);
    expect(hoursOf(interval)).toBe(5);
    expect(iso(interval.start)).toBe('2026-10-24T22:00:00.000Z');
  });

  it.each([
    ['Europe/Berlin', '2026-03-29', '02:30', '2026-03-29T01:30:00.000Z'],
    ['America/New_York', '2026-03-08', '02:30', '2026-03-08T07:30:00.000Z'],
    ['Australia/Sydney', '2026-10-04', '02:30', '2026-10-03T16:30:00.000Z'],
    ['Australia/Lord_Howe', '2026-10-04', '02:15', '2026-10-03T15:45:00.000Z'],
  ])(
    'resolves a local time in the gap of %s on %s (%s) to the instant after the gap',
    (zone, date, time, instant) => {
      const [interval] = intervalsOn(zone, date, [{ start: time, end: '12:00' }]);
      expect(iso(interval.start)).toBe(instant);
    },
  );

  it.each([
    ['Europe/Berlin', '2026-10-25', '02:30', '2026-10-25T00:30:00.000Z'],
    ['America/New_York', '2026-11-01', '01:30', '2026-11-01T05:30:00.000Z'],
    ['Australia/Sydney', '2026-04-05', '02:30', '2026-04-04T15:30:00.000Z'],
    ['Australia/Lord_Howe', '2026-04-05', '01:45', '2026-04-04T14:45:00.000Z'],
  ])(
    'resolves a repeated local time of %s on %s (%s) to the earlier instant',
    (zone, date, time, instant) => {
      const [asStart] = intervalsOn(zone, date, [{ start: time, end: '12:00' }]);
      const [asEnd] = intervalsOn(zone, date, [{ start: '00:00', end: time }]);
      expect(iso(asStart.start)).toBe(instant);
      expect(iso(asEnd.end)).toBe(instant);
    },
  );

  it('moves an interval wholly inside a gap past it, and drops one that collapses', () => {
    const [moved] = intervalsOn('Europe/Berlin', '2026-03-29', [{ start: '02:10', end: '02:50' }]);
    expect([iso(moved.start), iso(moved.end)]).toEqual([
      '2026-03-29T01:10:00.000Z',
      '2026-03-29T01:50:00.000Z',
    ]);
    expect(intervalsOn('Europe/Berlin', '2026-03-29', [{ start: '02:30', end: '03:00' }])).toEqual(
      [],
    );
  });

  it('reads an end of 24:00 as midnight of the next date, also across a transition', () => {
    expect(
      isoIntervals(intervalsOn('Europe/Berlin', '2026-03-28', [{ start: '22:00', end: '24:00' }])),
    ).toEqual([['2026-03-28T21:00:00.000Z', '2026-03-28T23:00:00.000Z']]);
    const [wholeDay] = intervalsOn('Europe/Berlin', '2026-10-25', [
      { start: '00:00', end: '24:00' },
    ]);
    expect(hoursOf(wholeDay)).toBe(25);
  });

  it('replaces the weekly hours of a date by its override, and [] makes it unavailable', () => {
    const week = { start: utc('2026-06-01T00:00:00Z'), end: utc('2026-06-04T00:00:00Z') }; // Mon–Wed
    const weekly = schedule('UTC', everyDay('09:00', '17:00'), [
      {
        date: '2026-06-02',
        intervals: [
          { start: '10:00', end: '11:00' },
          { start: '14:00', end: '15:00' },
        ],
      },
      { date: '2026-06-03', intervals: [] },
    ]);
    expect(isoIntervals(scheduleIntervals(weekly, week))).toEqual([
      ['2026-06-01T09:00:00.000Z', '2026-06-01T17:00:00.000Z'],
      ['2026-06-02T10:00:00.000Z', '2026-06-02T11:00:00.000Z'],
      ['2026-06-02T14:00:00.000Z', '2026-06-02T15:00:00.000Z'],
    ]);
  });

  it('returns only intervals that touch the window, ascending, unmerged across dates', () => {
    const weekly = schedule('UTC', [
      { day: 'MON', start: '18:00', end: '24:00' },
      { day: 'TUE', start: '00:00', end: '06:00' },
      { day: 'MON', start: '08:00', end: '12:00' },
    ]);
    const window = { start: utc('2026-06-01T10:00:00Z'), end: utc('2026-06-02T01:00:00Z') };
    expect(isoIntervals(scheduleIntervals(weekly, window))).toEqual([
      ['2026-06-01T08:00:00.000Z', '2026-06-01T12:00:00.000Z'],
      ['2026-06-01T18:00:00.000Z', '2026-06-02T00:00:00.000Z'],
      ['2026-06-02T00:00:00.000Z', '2026-06-02T06:00:00.000Z'],
    ]);
  });

  it('refuses a time zone that is not an IANA zone', () => {
    expect(() => scheduleIntervals(schedule('Mars/Olympus', []), dayWindow('2026-06-01'))).toThrow(
      RangeError,
    );
  });
});

describe('the slots of an event type', () => {
  const interval = { start: utc('2026-06-01T09:00:00Z'), end: utc('2026-06-01T12:00:00Z') };
  const open = { start: Number.MIN_SAFE_INTEGER, end: Number.MAX_SAFE_INTEGER };
  const unbounded = { notBefore: Number.MIN_SAFE_INTEGER, notAfter: Number.MAX_SAFE_INTEGER };
  const starts = (slots: Interval[]) => slots.map((slot) => iso(slot.start).slice(11, 16));

  it('start at the interval start + k·slotInterval and end within the same interval', () => {
    const slots = eventTypeSlots([interval], { duration: 50, slotInterval: 40 }, open, unbounded);
    expect(starts(slots)).toEqual(['09:00', '09:40', '10:20', '11:00']);
    for (const slot of slots) expect(slot.end - slot.start).toBe(50 * MINUTE_MS);
  });

  it('never span two touching intervals', () => {
    const next = { start: interval.end, end: interval.end + HOUR_MS };
    const slots = eventTypeSlots(
      [interval, next],
      { duration: 90, slotInterval: 60 },
      open,
      unbounded,
    );
    expect(starts(slots)).toEqual(['09:00', '10:00']);
  });

  it('start within the window and within notice and horizon', () => {
    const window = { start: utc('2026-06-01T09:10:00Z'), end: utc('2026-06-01T11:00:00Z') };
    const bounds = {
      notBefore: utc('2026-06-01T09:31:00Z'),
      notAfter: utc('2026-06-01T10:30:00Z'),
    };
    expect(
      starts(eventTypeSlots([interval], { duration: 30, slotInterval: 15 }, window, bounds)),
    ).toEqual(['09:45', '10:00', '10:15']);
  });

  it('count elapsed minutes across a transition: 60-minute slots of Berlin 00:00–04:00 on fall-back', () => {
    const intervals = intervalsOn('Europe/Berlin', '2026-10-25', [
      { start: '00:00', end: '04:00' },
    ]);
    expect(
      eventTypeSlots(intervals, { duration: 60, slotInterval: 60 }, open, unbounded),
    ).toHaveLength(5);
  });
});

/** An independent oracle: wall clocks read by `Intl.DateTimeFormat`, instants found by search. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function wallOf(timeZone: string, instant: number): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const part = Object.fromEntries(
    format.formatToParts(instant).map((p) => [p.type, Number(p.value)]),
  );
  return Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute);
}

function oracleInstant(timeZone: string, wall: number): number {
  const matches: number[] = [];
  for (let offset = -14 * 60; offset <= 14 * 60; offset += 15) {
    const instant = wall - offset * MINUTE_MS;
    if (wallOf(timeZone, instant) === wall) matches.push(instant);
  }
  if (matches.length > 0) return Math.min(...matches);
  // In a gap: the first instant whose wall clock has passed `wall`, moved on by the time skipped.
  let instant = wall - 14 * HOUR_MS;
  while (wallOf(timeZone, instant) <= wall) instant += 15 * MINUTE_MS;
  let lo = instant - 15 * MINUTE_MS;
  while (instant - lo > MINUTE_MS) {
    const mid = lo + Math.floor((instant - lo) / MINUTE_MS / 2) * MINUTE_MS;
    if (wallOf(timeZone, mid) > wall) instant = mid;
    else lo = mid;
  }
  const gapStartWall = wallOf(timeZone, lo) + MINUTE_MS;
  return instant + (wall - gapStartWall);
}

function oracleSlots(
  s: WeeklySchedule,
  shape: { duration: number; slotInterval: number },
  window: Interval,
  bounds: { notBefore: number; notAfter: number },
): Interval[] {
  const dateOf = (instant: number) => Math.floor(wallOf(s.timeZone, instant) / DAY_MS) * DAY_MS;
  const stretches: Interval[] = [];
  for (
    let date = dateOf(window.start) - DAY_MS;
    date <= dateOf(window.end) + DAY_MS;
    date += DAY_MS
  ) {
    const key = iso(date).slice(0, 10);
    const weekday = WEEKDAYS[(new Date(date).getUTCDay() + 6) % 7];
    const override = s.overrides.find((o) => o.date === key);
    const hours = override ? override.intervals : s.weekly.filter((w) => w.day === weekday);
    for (const local of hours) {
      const toWall = (time: string) =>
        date + (Number(time.slice(0, 2)) * 60 + Number(time.slice(3))) * MINUTE_MS;
      stretches.push({
        start: oracleInstant(s.timeZone, toWall(local.start)),
        end: oracleInstant(s.timeZone, toWall(local.end)),
      });
    }
  }
  // Hours that overlap once on the timeline (an end moved past a clocks-forward gap) are one.
  stretches.sort((a, b) => a.start - b.start);
  const joined: Interval[] = [];
  for (const stretch of stretches) {
    const last = joined[joined.length - 1];
    if (last && stretch.start < last.end) last.end = Math.max(last.end, stretch.end);
    else joined.push({ ...stretch });
  }
  const slots: Interval[] = [];
  for (const { start, end } of joined) {
    for (
      let slot = start;
      slot + shape.duration * MINUTE_MS <= end;
      slot += shape.slotInterval * MINUTE_MS
    ) {
      const inWindow = slot >= window.start && slot < window.end;
      if (inWindow && slot >= bounds.notBefore && slot < bounds.notAfter) {
        slots.push({ start: slot, end: slot + shape.duration * MINUTE_MS });
      }
    }
  }
  return slots;
}

const hhmm = (fiveMinutes: number) =>
  `${String(Math.floor(fiveMinutes / 12)).padStart(2, '0')}:${String((fiveMinutes % 12) * 5).padStart(2, '0')}`;
/** One day's hours as the API allows them: sorted, non-overlapping, on 5-minute marks. */
const arbHours = fc
  .uniqueArray(
    // Half the marks fall between 01:00 and 03:30, where every transition here happens.
    fc.oneof(fc.integer({ min: 0, max: 288 }), fc.integer({ min: 12, max: 42 })),
    { maxLength: 6 },
  )
  .map((marks) => {
    const sorted = [...marks].sort((a, b) => a - b);
    const hours: LocalInterval[] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2)
      hours.push({ start: hhmm(sorted[i]), end: hhmm(sorted[i + 1]) });
    return hours;
  });
const arbCase = fc
  .record({
    transition: fc.constantFrom(...TRANSITIONS),
    anchorIsSpring: fc.boolean(),
    weekly: fc.array(arbHours, { minLength: 7, maxLength: 7 }),
    override: fc.option(fc.record({ dayOffset: fc.integer({ min: -1, max: 1 }), hours: arbHours })),
    windowStartMin: fc.integer({ min: -2 * 1440, max: 1440 }),
    windowLengthMin: fc.integer({ min: 0, max: 3 * 1440 }),
    duration: fc.integer({ min: 1, max: 48 }).map((n) => n * 5),
    slotInterval: fc.integer({ min: 1, max: 48 }).map((n) => n * 5),
    notBeforeMin: fc.integer({ min: -3 * 1440, max: 3 * 1440 }),
    horizonMin: fc.integer({ min: 0, max: 5 * 1440 }),
  })
  .map((c) => {
    const anchor = utc(
      `${c.anchorIsSpring ? c.transition.springForward : c.transition.fallBack}T00:00:00Z`,
    );
    const overrides = c.override
      ? [
          {
            date: iso(anchor + c.override.dayOffset * DAY_MS).slice(0, 10),
            intervals: c.override.hours,
          },
        ]
      : [];
    const weekly = c.weekly.flatMap((hours, i) => hours.map((h) => ({ day: WEEKDAYS[i], ...h })));
    const start = anchor + c.windowStartMin * MINUTE_MS;
    const notBefore = anchor + c.notBeforeMin * MINUTE_MS;
    return {
      schedule: schedule(c.transition.zone, weekly, overrides),
      shape: { duration: c.duration, slotInterval: c.slotInterval },
      window: { start, end: start + c.windowLengthMin * MINUTE_MS },
      bounds: { notBefore, notAfter: notBefore + c.horizonMin * MINUTE_MS },
    };
  });

describe('weekly schedule slots against an Intl oracle', () => {
  it('makes hours that overlap once an end moves past a clocks-forward gap one stretch (fast-check seed 261752713)', () => {
    const s: WeeklySchedule = {
      timeZone: 'Europe/Berlin',
      weekly: [
        { day: 'SUN', start: '01:00', end: '02:05' },
        { day: 'SUN', start: '03:00', end: '03:05' },
      ],
      overrides: [],
    };
    // 2026-03-29, Berlin's clocks-forward day: 02:05 does not exist and becomes 03:05 CEST.
    const window = {
      start: Date.parse('2026-03-29T00:00:00Z'),
      end: Date.parse('2026-03-29T01:01:00Z'),
    };
    expect(scheduleIntervals(s, window)).toEqual([
      { start: Date.parse('2026-03-29T00:00:00Z'), end: Date.parse('2026-03-29T01:05:00Z') },
    ]);
    const bounds = { notBefore: window.start, notAfter: window.end };
    const slots = eventTypeSlots(
      scheduleIntervals(s, window),
      { duration: 5, slotInterval: 5 },
      window,
      bounds,
    );
    expect(slots).toHaveLength(13);
    expect(new Set(slots.map((slot) => slot.start)).size).toBe(13);
    expect(slots).toEqual(oracleSlots(s, { duration: 5, slotInterval: 5 }, window, bounds));
  });

  it('are exactly the oracle slots: aligned, whole, sorted, without duplicates, across DST', () => {
    fc.assert(
      fc.property(arbCase, ({ schedule: s, shape, window, bounds }) => {
        const slots = eventTypeSlots(scheduleIntervals(s, window), shape, window, bounds);
        expect(slots).toEqual(oracleSlots(s, shape, window, bounds));
        for (let i = 1; i < slots.length; i += 1)
          expect(slots[i].start).toBeGreaterThan(slots[i - 1].start);
      }),
      { numRuns: 100 },
    );
  });

  it('tile adjacent windows: [a, b) then [b, c) list exactly [a, c), nothing twice or skipped', () => {
    fc.assert(
      fc.property(arbCase, fc.double({ min: 0, max: 1, noNaN: true }), (c, split) => {
        const { schedule: s, shape, window, bounds } = c;
        const cut =
          window.start + Math.floor(((window.end - window.start) * split) / MINUTE_MS) * MINUTE_MS;
        const slotsIn = (w: Interval) => eventTypeSlots(scheduleIntervals(s, w), shape, w, bounds);
        expect([
          ...slotsIn({ start: window.start, end: cut }),
          ...slotsIn({ start: cut, end: window.end }),
        ]).toEqual(slotsIn(window));
      }),
      { numRuns: 100 },
    );
  });
});

describe('whether one instant starts a slot of an event type', () => {
  const unbounded = { notBefore: Number.MIN_SAFE_INTEGER, notAfter: Number.MAX_SAFE_INTEGER };
  const hourly = { duration: 60, slotInterval: 60 };
  const at = (
    s: WeeklySchedule,
    shape: { duration: number; slotInterval: number },
    start: string,
    bounds = unbounded,
  ) => {
    const slot = eventTypeSlotAt(s, shape, Date.parse(start), bounds);
    return slot && [iso(slot.start), iso(slot.end)];
  };
  const onDate = (timeZone: string, date: string, hours: LocalInterval[]) =>
    schedule(timeZone, [], [{ date, intervals: hours }]);

  it('accepts an aligned start whose slot ends within the interval, and answers the slot', () => {
    const s = schedule('UTC', [{ day: 'MON', start: '09:00', end: '12:00' }]);
    const shape = { duration: 50, slotInterval: 40 };
    expect(at(s, shape, '2026-06-01T09:40:00Z')).toEqual([
      '2026-06-01T09:40:00.000Z',
      '2026-06-01T10:30:00.000Z',
    ]);
    expect(at(s, shape, '2026-06-01T11:00:00Z')).not.toBeNull();
    expect(at(s, shape, '2026-06-01T09:30:00Z')).toBeNull(); // not on the 40-minute step
    expect(at(s, shape, '2026-06-01T11:40:00Z')).toBeNull(); // would end at 12:30
    expect(at(s, shape, '2026-06-01T09:40:00.001Z')).toBeNull();
    expect(at(s, shape, '2026-06-02T09:40:00Z')).toBeNull(); // a Tuesday: no hours
  });

  it('judges a start by the joined stretch of hours that overlap past a clocks-forward gap (fast-check seed 1647743304)', () => {
    // Berlin, 2026-03-29: 01:00–02:05 ends at 03:05 CEST and overlaps 03:00–03:10, one stretch
    // 00:00Z–01:10Z. With 65-minute steps its slots start at 00:00Z and 01:05Z; the second
    // starts where the first hours end, which a per-slot window must not cut off.
    const s = schedule('Europe/Berlin', [
      { day: 'SUN', start: '01:00', end: '02:05' },
      { day: 'SUN', start: '03:00', end: '03:10' },
    ]);
    const shape = { duration: 5, slotInterval: 65 };
    expect(at(s, shape, '2026-03-29T01:05:00Z')).toEqual([
      '2026-03-29T01:05:00.000Z',
      '2026-03-29T01:10:00.000Z',
    ]);
    expect(at(s, shape, '2026-03-29T01:00:00Z')).toBeNull(); // 03:00's own grid is gone
  });

  it('refuses a slot across two touching intervals, and follows an override over the weekday', () => {
    const s = schedule(
      'UTC',
      [
        { day: 'MON', start: '09:00', end: '10:00' },
        { day: 'MON', start: '10:00', end: '11:00' },
      ],
      [{ date: '2026-06-08', intervals: [{ start: '13:00', end: '15:00' }] }],
    );
    expect(at(s, { duration: 90, slotInterval: 30 }, '2026-06-01T09:00:00Z')).toBeNull();
    expect(at(s, { duration: 60, slotInterval: 30 }, '2026-06-01T10:00:00Z')).not.toBeNull();
    expect(at(s, hourly, '2026-06-08T09:00:00Z')).toBeNull();
    expect(at(s, hourly, '2026-06-08T13:00:00Z')).not.toBeNull();
  });

  it('applies notice and horizon: notBefore inclusive, notAfter exclusive', () => {
    const s = schedule('UTC', everyDay('00:00', '24:00'));
    const start = '2026-06-01T10:00:00Z';
    const bounds = (notBefore: string, notAfter: string) => ({
      notBefore: Date.parse(notBefore),
      notAfter: Date.parse(notAfter),
    });
    expect(at(s, hourly, start, bounds(start, '2026-06-02T00:00:00Z'))).not.toBeNull();
    expect(at(s, hourly, start, bounds('2026-06-01T10:00:00.001Z', '2026-06-02T00:00:00Z'))).toBe(
      null,
    );
    expect(at(s, hourly, start, bounds('2026-06-01T00:00:00Z', start))).toBeNull();
  });

  it.each([
    ['Europe/Berlin', '2026-03-29', '2026-03-29T11:00:00Z', '2026-03-29T14:00:00Z'],
    ['Europe/Berlin', '2026-10-25', '2026-10-25T12:00:00Z', '2026-10-25T15:00:00Z'],
    ['America/New_York', '2026-03-08', '2026-03-08T17:00:00Z', '2026-03-08T20:00:00Z'],
    ['America/New_York', '2026-11-01', '2026-11-01T18:00:00Z', '2026-11-01T21:00:00Z'],
    ['Australia/Sydney', '2026-04-05', '2026-04-05T03:00:00Z', '2026-04-05T06:00:00Z'],
    ['Australia/Lord_Howe', '2026-10-04', '2026-10-04T02:00:00Z', '2026-10-04T05:00:00Z'],
  ])(
    'takes afternoon hours 13:00–17:00 of %s on its transition day %s at the new offset',
    (zone, date, first, last) => {
      const s = onDate(zone, date, [{ start: '13:00', end: '17:00' }]);
      expect(at(s, hourly, first)).not.toBeNull();
      expect(at(s, hourly, last)).not.toBeNull();
      // 12:00 and 17:00 local, at the offset in force that afternoon, are outside the hours.
      expect(at(s, hourly, iso(Date.parse(first) - HOUR_MS))).toBeNull();
      expect(at(s, hourly, iso(Date.parse(last) + HOUR_MS))).toBeNull();
    },
  );

  it('has no slot at a local time inside the spring-forward gap: Berlin 01:00–05:00 holds 3 hours', () => {
    const s = onDate('Europe/Berlin', '2026-03-29', [{ start: '01:00', end: '05:00' }]);
    // 01:00 CET, 03:00 CEST and 04:00 CEST: elapsed hours from the interval's start.
    expect(at(s, hourly, '2026-03-29T01:00:00+01:00')).not.toBeNull();
    expect(at(s, hourly, '2026-03-29T03:00:00+02:00')).not.toBeNull();
    expect(at(s, hourly, '2026-03-29T04:00:00+02:00')).not.toBeNull();
    expect(at(s, hourly, '2026-03-29T05:00:00+02:00')).toBeNull();
    // 02:30 does not exist that day; read at either offset it is off the hourly grid.
    expect(at(s, hourly, '2026-03-29T02:30:00+01:00')).toBeNull();
    expect(at(s, hourly, '2026-03-29T02:30:00+02:00')).toBeNull();
  });

  it('starts hours that begin inside the gap at the instant after it', () => {
    const s = onDate('America/New_York', '2026-03-08', [{ start: '02:30', end: '05:00' }]);
    expect(at(s, { duration: 30, slotInterval: 30 }, '2026-03-08T03:30:00-04:00')).not.toBeNull();
    expect(at(s, { duration: 30, slotInterval: 30 }, '2026-03-08T03:00:00-04:00')).toBeNull();
  });

  it('offers both instants of the repeated hour: Berlin 00:00–04:00 on fall-back holds 5 hours', () => {
    const s = onDate('Europe/Berlin', '2026-10-25', [{ start: '00:00', end: '04:00' }]);
    const half = { duration: 30, slotInterval: 30 };
    expect(at(s, half, '2026-10-25T02:30:00+02:00')).not.toBeNull(); // first 02:30 (CEST)
    expect(at(s, half, '2026-10-25T02:30:00+01:00')).not.toBeNull(); // second 02:30 (CET)
    expect(at(s, hourly, '2026-10-25T03:00:00+01:00')).not.toBeNull(); // the fifth hour
    expect(at(s, hourly, '2026-10-25T04:00:00+01:00')).toBeNull();
  });

  it('starts hours that begin in the repeated hour at its earlier instant', () => {
    const s = onDate('Europe/Berlin', '2026-10-25', [{ start: '02:30', end: '04:00' }]);
    // 02:30 CEST to 04:00 CET is 2.5 hours: 60-minute slots at 02:30 CEST and 02:30 CET.
    expect(at(s, hourly, '2026-10-25T02:30:00+02:00')).not.toBeNull();
    expect(at(s, hourly, '2026-10-25T02:30:00+01:00')).not.toBeNull();
    expect(at(s, hourly, '2026-10-25T03:30:00+01:00')).toBeNull();
  });

  it('starts a slot exactly when eventTypeSlots lists it, across DST (property)', () => {
    fc.assert(
      fc.property(
        arbCase,
        fc.array(fc.integer({ min: 0, max: 3 * 1440 }), { maxLength: 20 }),
        ({ schedule: s, shape, window, bounds }, offsets) => {
          const listed = eventTypeSlots(scheduleIntervals(s, window), shape, window, bounds);
          for (const slot of listed) {
            expect(eventTypeSlotAt(s, shape, slot.start, bounds)).toEqual(slot);
          }
          const starts = new Set(listed.map((slot) => slot.start));
          // Random starts, on the 5-minute step or off it, and the neighbours of listed ones.
          const probes = [
            ...offsets.map((minutes) => window.start + minutes * MINUTE_MS),
            ...listed.flatMap((slot) => [slot.start - 5 * MINUTE_MS, slot.start + 5 * MINUTE_MS]),
          ].filter((start) => start >= window.start && start < window.end);
          for (const start of probes) {
            expect(eventTypeSlotAt(s, shape, start, bounds) !== null).toBe(starts.has(start));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
