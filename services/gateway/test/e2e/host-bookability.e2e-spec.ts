import mongoose from 'mongoose';
import {
  ApiClient,
  Platform,
  eventually,
  expectProblem,
  hostWithRange,
  mongoUrlFor,
  slotAt,
  uniqueEmail,
  type HostFixture,
} from '@slotbook/testing';

/**
 * Only an active HOST can be booked (SPEC §3, §5): availability learns of deactivations and
 * role changes from identity's events, with two replicas competing for them.
 */
describe('hosts that are deactivated or demoted', () => {
  let platform: Platform;
  let api: ApiClient;
  let guest: { user: any; accessToken: string };
  let adminToken: string;

  beforeAll(async () => {
    platform = await new Platform({ replicas: { availability: 2 } }).start();
    api = new ApiClient(platform.gatewayUrl);
    guest = await api.signUp({ email: uniqueEmail('guest') });
    adminToken = (await api.login(platform.adminEmail, platform.adminPassword)).accessToken;
  });

  afterAll(async () => {
    await platform?.stop();
  });

  function book(host: HostFixture, index: number) {
    return api.post('/bookings', {
      token: guest.accessToken,
      body: { hostId: host.hostId, startTime: slotAt(host, index) },
    });
  }

  async function freeSlots(host: HostFixture): Promise<string[]> {
    const from = encodeURIComponent(host.start.toISOString());
    const to = encodeURIComponent(new Date(host.start.getTime() + 86_400_000).toISOString());
    const response = await api.get(`/hosts/${host.hostId}/slots?from=${from}&to=${to}`, {
      token: guest.accessToken,
    });
    expect(response.status).toBe(200);
    return response.body.data.map((slot: { startTime: string }) => slot.startTime);
  }

  async function changeAccount(host: HostFixture, changes: Record<string, unknown>) {
    const response = await api.patch(`/admin/users/${host.hostId}`, {
      token: adminToken,
      body: changes,
    });
    expect(response.status).toBe(200);
  }

  function slotsSoon(host: HostFixture, count: number): Promise<void> {
    return eventually(async () => expect(await freeSlots(host)).toHaveLength(count));
  }

  it('lists no slots of a deactivated host and refuses to book it (404); its bookings stay; reactivated, it is bookable again', async () => {
    const host = await hostWithRange(api);
    const kept = await book(host, 0);
    expect(kept.status).toBe(201);

    await changeAccount(host, { active: false });
    await slotsSoon(host, 0);
    expectProblem(await book(host, 1), 404);
    expectProblem(
      await api.post(`/bookings/${kept.body.id}/reschedule`, {
        token: guest.accessToken,
        body: { startTime: slotAt(host, 2) },
      }),
      404,
    );
    const still = await api.get(`/bookings/${kept.body.id}`, { token: guest.accessToken });
    expect(still.body).toEqual(kept.body);

    await changeAccount(host, { active: true });
    await slotsSoon(host, 7);
    expect((await book(host, 1)).status).toBe(201);
  });

  it('lists no slots of a host demoted to USER and refuses to book it (404); promoted again, it is bookable', async () => {
    const host = await hostWithRange(api);
    const kept = await book(host, 3);
    expect(kept.status).toBe(201);

    await changeAccount(host, { role: 'USER' });
    await slotsSoon(host, 0);
    expectProblem(await book(host, 1), 404);
    const still = await api.get(`/bookings/${kept.body.id}`, { token: guest.accessToken });
    expect(still.body.status).toBe('confirmed');

    await changeAccount(host, { role: 'HOST' });
    await slotsSoon(host, 7);
    expect((await book(host, 1)).status).toBe(201);
  });

  it('a deactivation made while booking is down is in force once booking is back (availability waits to announce it)', async () => {
    const host = await hostWithRange(api);
    expect((await book(host, 0)).status).toBe(201);
    const [booking] = platform.replicas.booking;
    await booking!.stop();
    try {
      await changeAccount(host, { active: false });
      // Availability cannot tell booking, so it cannot record the change either: longer than
      // the deliveries its queue allows (six) each waiting out a call to booking (4 s).
      await new Promise((resolve) => setTimeout(resolve, 30_000));
    } finally {
      await booking!.start();
    }
    await slotsSoon(host, 0);
    expectProblem(await book(host, 1), 404);
  });

  it('ends as the last of quick successive changes says, whichever replica takes which event', async () => {
    const host = await hostWithRange(api);
    const changes = [
      { active: false },
      { active: true },
      { role: 'USER' },
      { role: 'HOST' },
      { active: false },
      { active: true },
      { active: false },
    ];
    for (const change of changes) await changeAccount(host, change);
    // What availability keeps of the account, read where it keeps it.
    const db = await mongoose
      .createConnection(mongoUrlFor(platform.databases.availability))
      .asPromise();
    try {
      const account = async () =>
        (
          await db
            .collection<{ _id: string; account: unknown }>('host_availability')
            .findOne({ _id: host.hostId })
        )?.account;
      const last = {
        role: 'HOST',
        active: false,
        version: 1 + changes.length,
        name: expect.any(String),
      };
      await eventually(async () => expect(await account()).toEqual(last));
      // Older events handled late by the other replica must not bring the host back.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await account()).toEqual(last);
    } finally {
      await db.close();
    }
    expect(await freeSlots(host)).toEqual([]);
    expectProblem(await book(host, 0), 404);
  });

  it('applies a deactivation made while availability was down once it is back', async () => {
    const host = await hostWithRange(api);
    expect(await freeSlots(host)).toHaveLength(8);
    await Promise.all(platform.replicas.availability.map((replica) => replica.stop()));
    await changeAccount(host, { active: false });
    await Promise.all(platform.replicas.availability.map((replica) => replica.start()));
    await slotsSoon(host, 0);
    expectProblem(await book(host, 0), 404);
  });
});
