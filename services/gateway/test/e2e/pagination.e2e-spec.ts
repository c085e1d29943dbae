import {
  ApiClient,
  Platform,
  expectProblem,
  hostWithRange,
  slotAt,
  uniqueEmail,
} from '@slotbook/testing';

/** SPEC §2 collections: opaque cursors bound to their list and filter; strict paging params. */
describe('paginated lists', () => {
  let platform: Platform;
  let api: ApiClient;
  let otherGateway: ApiClient;
  let admin: { accessToken: string };
  let guest: { accessToken: string };

  beforeAll(async () => {
    platform = await new Platform({ replicas: { gateway: 2 } }).start();
    api = new ApiClient(platform.gatewayUrl);
    otherGateway = new ApiClient(platform.replicas.gateway[1].url);
    admin = await api.login(platform.adminEmail, platform.adminPassword);
    guest = await api.signUp({ email: uniqueEmail('pager') });
    await api.signUp({ email: uniqueEmail('pager-other') });
    const host = await hostWithRange(api, { slots: 4 });
    for (let i = 0; i < 4; i += 1) {
      const booked = await api.post('/bookings', {
        token: guest.accessToken,
        body: { hostId: host.hostId, startTime: slotAt(host, i) },
      });
      expect(booked.status).toBe(201);
      if (i < 2) {
        const cancelled = await api.post(`/bookings/${booked.body.id}/cancel`, {
          token: guest.accessToken,
          body: {},
        });
        expect(cancelled.status).toBe(200);
      }
    }
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const firstCursor = async (path: string, token: string): Promise<string> => {
    const page = await api.get(path, { token });
    expect(page.status).toBe(200);
    expect(typeof page.body.nextCursor).toBe('string');
    return page.body.nextCursor;
  };

  describe('cursors', () => {
    it('are opaque: nothing of the position they stand for can be read from them', async () => {
      const cursor = await firstCursor('/bookings?limit=1', guest.accessToken);
      const decoded = Buffer.from(cursor.split('.').pop() ?? '', 'base64url').toString('latin1');
      expect(decoded).not.toMatch(/startTime|"id"|\d{4}-\d{2}-\d{2}T/);
    });

    it('walk a list page by page, on any gateway replica', async () => {
      const seen: string[] = [];
      let next: string | null = null;
      let hop = 0;
      do {
        const client: ApiClient = hop++ % 2 ? otherGateway : api;
        const page: {
          status: number;
          body: { data: Array<{ id: string }>; nextCursor: string | null };
        } = await client.get(
          `/bookings?limit=1${next ? `&cursor=${encodeURIComponent(next)}` : ''}`,
          {
            token: guest.accessToken,
          },
        );
        expect(page.status).toBe(200);
        seen.push(...page.body.data.map((booking) => booking.id));
        next = page.body.nextCursor;
      } while (next);
      expect(seen).toHaveLength(4);
      expect(new Set(seen).size).toBe(4);
    });

    it('refuses a forged cursor with 422 naming cursor', async () => {
      const forged = Buffer.from(
        JSON.stringify({ value: '2000-01-01T00:00:00.000Z', id: 'x', kind: 'date' }),
      ).toString('base64url');
      expectProblem(
        await api.get(`/bookings?cursor=${forged}`, { token: guest.accessToken }),
        422,
        'cursor',
      );
    });

    it('refuses a cursor with one character changed', async () => {
      const cursor = await firstCursor('/bookings?limit=1', guest.accessToken);
      const last = cursor.at(-2) === 'A' ? 'B' : 'A';
      const tampered = `${cursor.slice(0, -2)}${last}${cursor.slice(-1)}`;
      expectProblem(
        await api.get(`/bookings?limit=1&cursor=${tampered}`, { token: guest.accessToken }),
        422,
        'cursor',
      );
    });

    it('refuses a status=cancelled cursor with status=confirmed, and takes it with its own filter', async () => {
      const cursor = await firstCursor('/bookings?status=cancelled&limit=1', guest.accessToken);
      expectProblem(
        await api.get(`/bookings?status=confirmed&limit=1&cursor=${cursor}`, {
          token: guest.accessToken,
        }),
        422,
        'cursor',
      );
      const own = await api.get(`/bookings?status=cancelled&limit=5&cursor=${cursor}`, {
        token: guest.accessToken,
      });
      expect(own.status).toBe(200);
      expect(own.body.data).toHaveLength(1);
      expect(own.body.data[0].status).toBe('cancelled');
    });

    it('refuses a bookings cursor on /admin/users and an audit cursor on /bookings', async () => {
      const bookings = await firstCursor('/bookings?limit=1', admin.accessToken);
      expectProblem(
        await api.get(`/admin/users?cursor=${bookings}`, { token: admin.accessToken }),
        422,
        'cursor',
      );
      const audit = await firstCursor('/admin/audit?limit=1', admin.accessToken);
      expectProblem(
        await api.get(`/bookings?cursor=${audit}`, { token: admin.accessToken }),
        422,
        'cursor',
      );
      const users = await firstCursor('/admin/users?role=USER&limit=1', admin.accessToken);
      expectProblem(
        await api.get(`/admin/users?role=HOST&cursor=${users}`, { token: admin.accessToken }),
        422,
        'cursor',
      );
      const next = await api.get(`/admin/users?role=USER&limit=1&cursor=${users}`, {
        token: admin.accessToken,
      });
      expect(next.status).toBe(200);
    });

    it("refuses another caller's cursor", async () => {
      const cursor = await firstCursor('/bookings?limit=1', guest.accessToken);
      expectProblem(
        await api.get(`/bookings?limit=1&cursor=${cursor}`, { token: admin.accessToken }),
        422,
        'cursor',
      );
    });
  });

  describe('query parameters', () => {
    it.each(['0x10', '%2010', '1e1', '010', '0', '101', '-1', '1.5', '+5', '10%20', ''])(
      'refuses limit=%s with 422 naming limit',
      async (limit) => {
        for (const path of ['/bookings', '/admin/users', '/admin/audit']) {
          expectProblem(
            await api.get(`${path}?limit=${limit}`, { token: admin.accessToken }),
            422,
            'limit',
          );
        }
      },
    );

    it('takes limit=1 and limit=100', async () => {
      const one = await api.get('/admin/audit?limit=1', { token: admin.accessToken });
      expect(one.status).toBe(200);
      expect(one.body.data).toHaveLength(1);
      expect((await api.get('/admin/audit?limit=100', { token: admin.accessToken })).status).toBe(
        200,
      );
    });

    it('refuses from after to with 422 on /bookings and /admin/audit, like /slots', async () => {
      const window = 'from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z';
      expectProblem(await api.get(`/bookings?${window}`, { token: admin.accessToken }), 422, 'to');
      expectProblem(
        await api.get(`/admin/audit?${window}`, { token: admin.accessToken }),
        422,
        'to',
      );
    });
  });
});
