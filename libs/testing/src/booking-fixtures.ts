import type { ApiClient } from './http-client';
import { uniqueEmail } from './http-client';
import { DAY_MS } from '@slotbook/scheduling';

export interface HostFixture {
  hostId: string;
  token: string;
  rangeId: string;
  /** Start of the first slot of the range. */
  start: Date;
  slotMinutes: number;
}

/** A start far enough ahead, on a whole hour, different for every call. */
let dayOffset = 2 + Math.floor(Math.random() * 300);
export function futureStart(): Date {
  dayOffset += 1;
  const start = new Date(Date.now() + dayOffset * DAY_MS);
  start.setUTCHours(9, 0, 0, 0);
  return start;
}

/** A HOST with one range of `slots` slots of `slotMinutes` starting at `start`. */
export async function hostWithRange(
  api: ApiClient,
  options: {
    slots?: number;
    slotMinutes?: number;
    requiresConfirmation?: boolean;
    start?: Date;
  } = {},
): Promise<HostFixture> {
  const slotMinutes = options.slotMinutes ?? 30;
  const start = options.start ?? futureStart();
  const end = new Date(start.getTime() + (options.slots ?? 8) * slotMinutes * 60_000);
  const host = await api.signUp({ email: uniqueEmail('host'), role: 'HOST' });
  const range = await api.post('/availability', {
    token: host.accessToken,
    body: {
      startTime: start.toISOString(),
      endTime: end.toISOString(),
      slotDuration: slotMinutes,
      ...(options.requiresConfirmation ? { requiresConfirmation: true } : {}),
    },
  });
  if (range.status !== 201) throw new Error(`range not created: ${range.status} ${range.text}`);
  return {
    hostId: host.user.id,
    token: host.accessToken,
    rangeId: range.body.id,
    start,
    slotMinutes,
  };
}

export function slotAt(fixture: HostFixture, index: number): string {
  return new Date(fixture.start.getTime() + index * fixture.slotMinutes * 60_000).toISOString();
}
