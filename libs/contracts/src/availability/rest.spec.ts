import { EventTypeSlotsQuery, SlotsQuery } from './rest';

const DAY_MS = 24 * 60 * 60 * 1000;
const from = '2027-10-01T00:00:00+02:00';
const after = (ms: number) => new Date(Date.parse(from) + ms).toISOString();

describe('slot windows', () => {
  it('lets an event type be asked for 32 days, so a month in any zone fits in one request', () => {
    // October 2027 in Europe/Berlin lasts 31 days and one hour (summer time ends on the 31st).
    expect(
      EventTypeSlotsQuery.safeParse({ from, to: after(31 * DAY_MS + 3_600_000) }).success,
    ).toBe(true);
    expect(EventTypeSlotsQuery.safeParse({ from, to: after(32 * DAY_MS) }).success).toBe(true);
    const beyond = EventTypeSlotsQuery.safeParse({ from, to: after(32 * DAY_MS + 1) });
    expect(beyond.success).toBe(false);
    expect(beyond.error?.issues[0]).toMatchObject({
      path: ['to'],
      message: 'must be at most 32 days after from',
    });
  });

  it("keeps a host's range slots at 31 days", () => {
    expect(SlotsQuery.safeParse({ from, to: after(31 * DAY_MS) }).success).toBe(true);
    expect(SlotsQuery.safeParse({ from, to: after(31 * DAY_MS + 1) }).success).toBe(false);
  });
});
