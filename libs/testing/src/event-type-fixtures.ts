import type { ApiClient } from './http-client';
import { uniqueEmail } from './http-client';

const ALL_WEEK = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'].map((day) => ({
  day,
  start: '00:00',
  end: '24:00',
}));

export interface EventTypeOptions {
  title?: string;
  duration: number;
  slotInterval?: number;
  bufferBefore?: number;
  bufferAfter?: number;
  minimumNotice?: number;
  bookingHorizonDays?: number;
  requiresConfirmation?: boolean;
  public?: boolean;
  bookingFields?: unknown[];
  minimumCancelNotice?: number;
  seatsPerSlot?: number;
}

export interface ScheduledHost {
  hostId: string;
  token: string;
  scheduleId: string;
  /** The event types made, in the order of the options given. */
  eventTypes: Array<{ id: string } & EventTypeOptions>;
}

/**
 * A HOST with one schedule (all week round the clock in UTC, unless `weekly`/`timeZone` say
 * otherwise) and an event type for each of `eventTypes`.
 */
export async function hostWithEventTypes(
  api: ApiClient,
  eventTypes: EventTypeOptions[],
  schedule: { timeZone?: string; weekly?: unknown[]; overrides?: unknown[] } = {},
): Promise<ScheduledHost> {
  const host = await api.signUp({ email: uniqueEmail('host'), role: 'HOST' });
  const created = await api.post('/schedules', {
    token: host.accessToken,
    body: {
      name: 'Working hours',
      timeZone: schedule.timeZone ?? 'UTC',
      weekly: schedule.weekly ?? ALL_WEEK,
      ...(schedule.overrides ? { overrides: schedule.overrides } : {}),
    },
  });
  if (created.status !== 201) throw new Error(`schedule: ${created.status} ${created.text}`);
  const made: ScheduledHost['eventTypes'] = [];
  for (const options of eventTypes) {
    const eventType = await api.post('/event-types', {
      token: host.accessToken,
      body: { title: `${options.duration} minutes`, scheduleId: created.body.id, ...options },
    });
    if (eventType.status !== 201) {
      throw new Error(`event type: ${eventType.status} ${eventType.text}`);
    }
    made.push({ ...options, id: eventType.body.id });
  }
  return {
    hostId: host.user.id,
    token: host.accessToken,
    scheduleId: created.body.id,
    eventTypes: made,
  };
}
