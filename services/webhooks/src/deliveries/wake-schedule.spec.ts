import { WakeSchedule } from './wake-schedule';

describe('a wake schedule', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('wakes at each time asked for, earliest first, whatever the order they were asked in', () => {
    const woken: number[] = [];
    const schedule = new WakeSchedule(() => woken.push(Date.now()));
    schedule.at(1_000_000 + 5_000);
    schedule.at(1_000_000 + 1_000);
    schedule.at(1_000_000 + 3_000);
    jest.advanceTimersByTime(10_000);
    expect(woken).toEqual([1_001_000, 1_003_000, 1_005_000]);
  });

  it('wakes once for times asked for within the same tenth of a second', () => {
    let wakes = 0;
    const schedule = new WakeSchedule(() => (wakes += 1));
    for (let i = 0; i < 50; i += 1) schedule.at(1_000_000 + 2_001 + i);
    jest.advanceTimersByTime(5_000);
    expect(wakes).toBe(1);
  });

  it('wakes at once for a time already past, and never after it is stopped', () => {
    let wakes = 0;
    const schedule = new WakeSchedule(() => (wakes += 1));
    schedule.at(1_000_000 - 5_000);
    jest.advanceTimersByTime(0);
    expect(wakes).toBe(1);
    schedule.at(1_000_000 + 1_000);
    schedule.stop();
    schedule.at(1_000_000 + 2_000);
    jest.advanceTimersByTime(5_000);
    expect(wakes).toBe(1);
  });
});
