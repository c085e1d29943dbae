import { ApiClient, uniqueEmail } from '@slotbook/testing';

const EVERY_DAY = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];
const DAY_MS = 24 * 60 * 60 * 1000;

export interface BerlinHost {
  hostId: string;
  token: string;
  name: string;
  /** Event type ids by the keys given. */
  types: Record<string, string>;
}

/**
 * A HOST in Europe/Berlin working 09:00–17:00 every day, with the event types given (public
 * unless they say otherwise, bookable a year ahead).
 */
export async function berlinHost(
  api: ApiClient,
  types: Record<string, Record<string, unknown>>,
): Promise<BerlinHost> {
  const name = 'Hilde Berliner';
  const host = await api.signUp({ email: uniqueEmail('web-host'), role: 'HOST', name });
  const schedule = await api.post('/schedules', {
    token: host.accessToken,
    body: {
      name: 'Office hours',
      timeZone: 'Europe/Berlin',
      weekly: EVERY_DAY.map((day) => ({ day, start: '09:00', end: '17:00' })),
    },
  });
  if (schedule.status !== 201) throw new Error(`schedule: ${schedule.status} ${schedule.text}`);
  const made: Record<string, string> = {};
  for (const [key, options] of Object.entries(types)) {
    const created = await api.post('/event-types', {
      token: host.accessToken,
      body: {
        scheduleId: schedule.body.id,
        duration: 30,
        bookingHorizonDays: 365,
        public: true,
        ...options,
      },
    });
    if (created.status !== 201) throw new Error(`event type: ${created.status} ${created.text}`);
    made[key] = created.body.id;
  }
  return { hostId: host.user.id, token: host.accessToken, name, types: made };
}

/** The next last Sunday of March (Europe/Berlin springs forward) at least two days ahead. */
export function nextBerlinSpringForward(): string {
  for (let year = new Date().getUTCFullYear(); ; year += 1) {
    const day = new Date(Date.UTC(year, 2, 31));
    day.setUTCDate(31 - day.getUTCDay());
    if (day.getTime() > Date.now() + 2 * DAY_MS) return day.toISOString().slice(0, 10);
  }
}

/** `YYYY-MM-DD` plus days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
