import { SignJWT, importPKCS8 } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  ApiClient,
  EventRecorder,
  Platform,
  expectProblem,
  sendRawRequest,
  uniqueEmail,
  type ApiResponse,
} from '@slotbook/testing';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** SPEC §2–3 through the gateway, with all four services running. */
describe('identity through the gateway', () => {
  let platform: Platform;
  let api: ApiClient;
  let events: EventRecorder;

  beforeAll(async () => {
    events = await new EventRecorder().start([{ exchange: 'identity.events' }]);
    platform = await new Platform().start();
    api = new ApiClient(platform.gatewayUrl);
  });

  afterAll(async () => {
    await platform?.stop();
    await events?.stop();
  });

  describe('registration', () => {
    it('creates a USER by default and never returns secrets', async () => {
      const email = uniqueEmail('reg');
      const response = await api.post('/auth/register', {
        body: { email, password: 'long-enough-1', name: 'Reg' },
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        email,
        name: 'Reg',
        role: 'USER',
        active: true,
        timezone: 'UTC',
        createdAt: expect.stringMatching(/Z$/),
        updatedAt: expect.stringMatching(/Z$/),
      });
      expect(response.text).not.toMatch(/password|hash|argon/i);
    });

    it('lets a host register as HOST but never as ADMIN', async () => {
      const host = await api.post('/auth/register', {
        body: { email: uniqueEmail('host'), password: 'long-enough-1', name: 'H', role: 'HOST' },
      });
      expect(host.status).toBe(201);
      expect(host.body.role).toBe('HOST');
      const admin = await api.post('/auth/register', {
        body: { email: uniqueEmail('adm'), password: 'long-enough-1', name: 'A', role: 'ADMIN' },
      });
      expectProblem(admin, 422);
      expect(admin.body.errors).toEqual([expect.objectContaining({ path: 'role' })]);
    });

    it('refuses a taken email whatever its case with 409', async () => {
      const email = uniqueEmail('dup');
      expect(
        (
          await api.post('/auth/register', {
            body: { email, password: 'long-enough-1', name: 'A' },
          })
        ).status,
      ).toBe(201);
      const again = await api.post('/auth/register', {
        body: { email: email.toUpperCase(), password: 'long-enough-1', name: 'B' },
      });
      expectProblem(again, 409);
    });

    it('accepts exactly one of two concurrent registrations of one email', async () => {
      const email = uniqueEmail('race');
      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          api.post('/auth/register', {
            body: {
              email: i % 2 ? email : email.toUpperCase(),
              password: 'long-enough-1',
              name: 'R',
            },
          }),
        ),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    });

    it('rejects a weak password with 422 naming the field', async () => {
      const response = await api.post('/auth/register', {
        body: { email: uniqueEmail('weak'), password: 'short', name: 'W' },
      });
      expectProblem(response, 422);
      expect(response.body.errors).toEqual([
        { path: 'password', message: expect.stringMatching(/at least 8/) },
      ]);
    });

    it('rejects unknown fields and wrong types with 422 and errors[]', async () => {
      const response = await api.post('/auth/register', {
        body: { email: 42, password: 'long-enough-1', name: 'X', isAdmin: true },
      });
      expectProblem(response, 422);
      expect(response.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: 'email' }),
          { path: 'isAdmin', message: 'is not a known field' },
        ]),
      );
    });

    it('answers malformed JSON with 400 problem+json', async () => {
      const response = await api.post('/auth/register', { rawBody: '{"email": "a@b.c",' });
      expectProblem(response, 400);
    });

    it('answers a body over the limit with 413', async () => {
      const response = await api.post('/auth/register', {
        body: { email: uniqueEmail(), password: 'x'.repeat(200_000), name: 'Big' },
      });
      expectProblem(response, 413);
    });

    it('answers a body that is not what its Content-Encoding says with 400, an unknown encoding with 415', async () => {
      const body = JSON.stringify({ email: uniqueEmail(), password: 'correct-horse', name: 'Zip' });
      for (const encoding of ['gzip', 'deflate', 'br']) {
        const response = await api.post('/auth/login', {
          rawBody: body,
          headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        });
        expectProblem(response, 400);
      }
      const unknown = await api.post('/auth/login', {
        rawBody: body,
        headers: { 'content-type': 'application/json', 'content-encoding': 'compress' },
      });
      expectProblem(unknown, 415);
    });

    it('refuses the NUL character in any text of the body or the URL with 422, and writes nothing', async () => {
      const email = uniqueEmail();
      const withNul = await api.post('/auth/register', {
        body: { email, password: 'correct-horse', name: 'Nul\u0000Name' },
      });
      expectProblem(withNul, 422, 'name');
      expectProblem(
        await api.post('/auth/login', { body: { email: `a\u0000${email}`, password: 'x' } }),
        422,
        'email',
      );
      expectProblem(await api.post('/auth/register', { body: { ['k\u0000']: 1 } }), 422, 'k\u0000');
      // Nothing was written: the address is still free.
      const registered = await api.post('/auth/register', {
        body: { email, password: 'correct-horse', name: 'Clean' },
      });
      expect(registered.status).toBe(201);
      const { accessToken } = await api.login(email, 'correct-horse');
      expectProblem(await api.get('/webhooks/x%00', { token: accessToken }), 422);
      expectProblem(await api.get('/bookings?status=%00', { token: accessToken }), 422);
      expectProblem(
        await api.patch('/users/me', { token: accessToken, body: { name: 'a\u0000b' } }),
        422,
        'name',
      );
    });

    describe('a body nested deeper than 64 levels', () => {
      const arrays = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
      const objects = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
      const refusedForNesting = (response: ApiResponse) => {
        expectProblem(response, 422);
        expect(response.body.detail).toMatch(/more than 64 levels deep/);
      };

      it('is a 422 problem on every route, before authentication, however deep', async () => {
        for (const levels of [7_300, 15_000, 65]) {
          for (const body of [arrays(levels), objects(levels)]) {
            refusedForNesting(await api.post('/auth/login', { rawBody: body }));
          }
        }
        const inAField = `{"email":"a@b.c","password":"long-enough-1","name":${arrays(7_300)}}`;
        refusedForNesting(await api.post('/auth/register', { rawBody: inAField }));
        refusedForNesting(await api.post('/no-such-route', { rawBody: arrays(7_300) }));
        refusedForNesting(await api.patch('/users/me', { rawBody: objects(7_300) }));
      });

      it('is a 422 problem when it arrives gzip-encoded too', async () => {
        const response = await fetch(`${platform.gatewayUrl}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
          body: gzipSync(arrays(7_300)),
        });
        const text = await response.text();
        refusedForNesting({
          status: response.status,
          headers: response.headers,
          body: JSON.parse(text),
          text,
        });
      });

      it('stops at 64: a body nested exactly that deep reaches validation', async () => {
        // The top object is the first level; the arrays in `name` are the other 63.
        const response = await api.post('/auth/register', {
          rawBody: `{"email":"a@b.c","password":"long-enough-1","name":${arrays(63)}}`,
        });
        expectProblem(response, 422, 'name');
      });
    });

    it('publishes user.registered with the full record in a valid envelope', async () => {
      const email = uniqueEmail('evt');
      const response = await api.post('/auth/register', {
        body: { email, password: 'long-enough-1', name: 'E' },
      });
      await events.waitFor((all) => all.some((e) => e.envelope.data?.id === response.body.id));
      const [event] = events.matching((e) => e.envelope.data?.id === response.body.id);
      expect(event.routingKey).toBe('user.registered');
      expect(event.properties).toMatchObject({
        messageId: event.envelope.id,
        type: 'user.registered',
        contentType: 'application/json',
        deliveryMode: 2,
      });
      expect(event.envelope).toEqual({
        id: expect.any(String),
        type: 'user.registered',
        version: 1,
        occurredAt: expect.stringMatching(/Z$/),
        correlationId: expect.any(String),
        actorId: response.body.id,
        data: { ...response.body, version: 1 },
      });
      expect(event.envelope.correlationId).toBe(response.headers.get('x-request-id'));
    });
  });

  describe('login and tokens', () => {
    it('takes as long for an unknown email as for a wrong password', async () => {
      const email = uniqueEmail('timing');
      await api.signUp({ email });
      const timed = async (body: { email: string; password: string }) => {
        const started = performance.now();
        const response = await api.post('/auth/login', { body });
        expect(response.status).toBe(401);
        return performance.now() - started;
      };
      const known: number[] = [];
      const unknown: number[] = [];
      // Interleaved, so load from other processes weighs on both paths alike; fewer than the
      // account's login limit.
      for (let i = 0; i < 9; i += 1) {
        known.push(await timed({ email, password: `wrong-password-${i}` }));
        unknown.push(
          await timed({ email: uniqueEmail('nobody'), password: `wrong-password-${i}` }),
        );
      }
      const ratio = median(unknown) / median(known);
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    });

    it('logs in, then /users/me returns the profile', async () => {
      const email = uniqueEmail('login');
      const { accessToken, user } = await api.signUp({ email });
      const me = await api.get('/users/me', { token: accessToken });
      expect(me.status).toBe(200);
      expect(me.body).toEqual(user);
    });

    it('answers an unknown email and a wrong password with the same 401', async () => {
      const email = uniqueEmail('creds');
      await api.signUp({ email });
      const unknown = await api.post('/auth/login', {
        body: { email: uniqueEmail('nobody'), password: 'whatever-123' },
      });
      const wrong = await api.post('/auth/login', {
        body: { email, password: 'not-the-password' },
      });
      expectProblem(unknown, 401);
      expectProblem(wrong, 401);
      expect(unknown.body.detail).toBe(wrong.body.detail);
    });

    it('refuses a missing, malformed, forged, alg:none and expired token with 401', async () => {
      const { user } = await api.signUp({ email: uniqueEmail('forge') });
      const { privateKey } = generateKeyPairSync('ed25519');
      const forgedKey = await importPKCS8(
        privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        'EdDSA',
      );
      const forged = await new SignJWT({ role: 'ADMIN', sid: 'x' })
        .setProtectedHeader({ alg: 'EdDSA' })
        .setSubject(user.id)
        .setIssuer('slotbook-identity')
        .setAudience('slotbook')
        .setExpirationTime('5m')
        .sign(forgedKey);
      const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: user.id, role: 'ADMIN', sid: 'x', iss: 'slotbook-identity', aud: 'slotbook', exp: Math.floor(Date.now() / 1000) + 300 })}.`;
      const expired = await new SignJWT({ role: 'USER', sid: 'x' })
        .setProtectedHeader({ alg: 'EdDSA' })
        .setSubject(user.id)
        .setIssuer('slotbook-identity')
        .setAudience('slotbook')
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(forgedKey);
      expectProblem(await api.get('/users/me'), 401);
      expectProblem(
        await api.get('/users/me', { headers: { authorization: 'Bearer not-a-jwt' } }),
        401,
      );
      expectProblem(await api.get('/users/me', { token: forged }), 401);
      expectProblem(await api.get('/users/me', { token: none }), 401);
      expectProblem(await api.get('/users/me', { token: expired }), 401);
    });

    it('answers login and refresh with tokens that no cache may keep (RFC 6749 §5.1)', async () => {
      const email = uniqueEmail('nocache');
      await api.signUp({ email, password: 'long-enough-1' });
      const login = await api.post('/auth/login', { body: { email, password: 'long-enough-1' } });
      const refresh = await api.post('/auth/refresh', {
        body: { refreshToken: login.body.refreshToken },
      });
      for (const response of [login, refresh]) {
        expect(response.status).toBe(200);
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(response.headers.get('pragma')).toBe('no-cache');
      }
    });

    it('rotates refresh tokens: the old one is dead after use', async () => {
      const { refreshToken } = await api.signUp({ email: uniqueEmail('rot') });
      const first = await api.post('/auth/refresh', { body: { refreshToken } });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: expect.any(Number),
      });
      expect(first.body.expiresIn).toBeLessThanOrEqual(900);
      expect(first.body.refreshToken).not.toBe(refreshToken);
      expectProblem(await api.post('/auth/refresh', { body: { refreshToken } }), 401);
    });

    it('kills the whole family when a used refresh token is replayed', async () => {
      const { refreshToken } = await api.signUp({ email: uniqueEmail('reuse') });
      const rotated = await api.post('/auth/refresh', { body: { refreshToken } });
      expect(rotated.status).toBe(200);
      expectProblem(await api.post('/auth/refresh', { body: { refreshToken } }), 401);
      // The legitimate holder's newer tokens died with the family.
      expectProblem(
        await api.post('/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } }),
        401,
      );
      expectProblem(await api.get('/users/me', { token: rotated.body.accessToken }), 401);
    });

    it('logout ends the session: its refresh and access tokens stop working', async () => {
      const { refreshToken, accessToken } = await api.signUp({ email: uniqueEmail('logout') });
      const response = await api.post('/auth/logout', { body: { refreshToken } });
      expect(response.status).toBe(204);
      expectProblem(await api.post('/auth/refresh', { body: { refreshToken } }), 401);
      expectProblem(await api.get('/users/me', { token: accessToken }), 401);
    });
  });

  describe('profile', () => {
    it('updates name and timezone', async () => {
      const { accessToken } = await api.signUp({ email: uniqueEmail('prof') });
      const response = await api.patch('/users/me', {
        token: accessToken,
        body: { name: 'New Name', timezone: 'Europe/Berlin' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ name: 'New Name', timezone: 'Europe/Berlin' });
    });

    it('matches a timezone whatever its case and stores it as IANA spells it', async () => {
      const { accessToken } = await api.signUp({ email: uniqueEmail('tzcase') });
      for (const [given, stored] of [
        ['europe/berlin', 'Europe/Berlin'],
        ['asia/kolkata', 'Asia/Kolkata'],
        ['Asia/Kolkata', 'Asia/Kolkata'],
      ]) {
        const response = await api.patch('/users/me', {
          token: accessToken,
          body: { timezone: given },
        });
        expect(response.status).toBe(200);
        expect(response.body.timezone).toBe(stored);
        expect((await api.get('/users/me', { token: accessToken })).body.timezone).toBe(stored);
      }
    });

    it('rejects an unknown timezone and an empty patch with 422', async () => {
      const { accessToken } = await api.signUp({ email: uniqueEmail('tz') });
      expectProblem(
        await api.patch('/users/me', { token: accessToken, body: { timezone: 'Mars/Olympus' } }),
        422,
      );
      expectProblem(await api.patch('/users/me', { token: accessToken, body: {} }), 422);
    });

    it('changes the password only with the current one, and ends the other sessions', async () => {
      const email = uniqueEmail('pw');
      const first = await api.signUp({ email });
      const other = await api.login(email, first.password);
      expectProblem(
        await api.patch('/users/me', {
          token: first.accessToken,
          body: { password: 'brand-new-password' },
        }),
        422,
      );
      const wrong = await api.patch('/users/me', {
        token: first.accessToken,
        body: { password: 'brand-new-password', currentPassword: 'nope-nope' },
      });
      expectProblem(wrong, 422);
      const ok = await api.patch('/users/me', {
        token: first.accessToken,
        body: { password: 'brand-new-password', currentPassword: first.password },
      });
      expect(ok.status).toBe(200);
      expect((await api.get('/users/me', { token: first.accessToken })).status).toBe(200);
      expectProblem(await api.get('/users/me', { token: other.accessToken }), 401);
      expectProblem(
        await api.post('/auth/refresh', { body: { refreshToken: other.refreshToken } }),
        401,
      );
      expect(
        (await api.post('/auth/login', { body: { email, password: 'brand-new-password' } })).status,
      ).toBe(200);
    });
  });

  describe('admin', () => {
    let adminToken: string;

    beforeAll(async () => {
      adminToken = (await api.login(platform.adminEmail, platform.adminPassword)).accessToken;
    });

    it('the first admin comes from configuration', async () => {
      const me = await api.get('/users/me', { token: adminToken });
      expect(me.body).toMatchObject({ email: platform.adminEmail, role: 'ADMIN' });
    });

    it('refuses admin routes to USER and HOST with 403', async () => {
      const user = await api.signUp({ email: uniqueEmail('u') });
      const host = await api.signUp({ email: uniqueEmail('h'), role: 'HOST' });
      expectProblem(await api.get('/admin/users', { token: user.accessToken }), 403);
      expectProblem(await api.get('/admin/audit', { token: host.accessToken }), 403);
      expectProblem(
        await api.patch(`/admin/users/${user.user.id}`, {
          token: user.accessToken,
          body: { role: 'ADMIN' },
        }),
        403,
      );
    });

    it('lists users with filters and walks the pages without duplicates or gaps', async () => {
      const created = [];
      for (let i = 0; i < 5; i += 1)
        created.push((await api.signUp({ email: uniqueEmail('page'), role: 'HOST' })).user.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `/admin/users?role=HOST&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await api.get(query, { token: adminToken });
        expect(page.status).toBe(200);
        expect(page.body.data.length).toBeLessThanOrEqual(2);
        expect(page.body.data.every((u: any) => u.role === 'HOST')).toBe(true);
        seen.push(...page.body.data.map((u: any) => u.id));
        cursor = page.body.nextCursor;
        // A registration in the middle of the walk must not disturb it.
        if (seen.length === 2) await api.signUp({ email: uniqueEmail('late'), role: 'HOST' });
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining(created));
    });

    it('filters by active', async () => {
      const gone = await api.signUp({ email: uniqueEmail('inactive'), role: 'HOST' });
      await api.patch(`/admin/users/${gone.user.id}`, {
        token: adminToken,
        body: { active: false },
      });
      const inactive = await api.get('/admin/users?active=false&limit=100', { token: adminToken });
      expect(inactive.status).toBe(200);
      expect(inactive.body.data.map((u: any) => u.id)).toContain(gone.user.id);
      expect(inactive.body.data.every((u: any) => u.active === false)).toBe(true);
      const active = await api.get('/admin/users?active=true&role=HOST', { token: adminToken });
      expect(active.status).toBe(200);
      expect(active.body.data.every((u: any) => u.active === true)).toBe(true);
      expectProblem(await api.get('/admin/users?active=yes', { token: adminToken }), 422);
    });

    it('rejects a bad limit and a forged cursor with 422', async () => {
      expectProblem(await api.get('/admin/users?limit=0', { token: adminToken }), 422);
      expectProblem(await api.get('/admin/users?limit=101', { token: adminToken }), 422);
      expectProblem(await api.get('/admin/users?cursor=garbage', { token: adminToken }), 422);
    });

    it('deactivation refuses the existing access token on the next request, and login and refresh', async () => {
      const email = uniqueEmail('deact');
      const victim = await api.signUp({ email });
      expect((await api.get('/users/me', { token: victim.accessToken })).status).toBe(200);
      const response = await api.patch(`/admin/users/${victim.user.id}`, {
        token: adminToken,
        body: { active: false },
      });
      expect(response.status).toBe(200);
      expect(response.body.active).toBe(false);
      expectProblem(await api.get('/users/me', { token: victim.accessToken }), 401);
      expectProblem(
        await api.post('/auth/login', { body: { email, password: victim.password } }),
        401,
      );
      expectProblem(
        await api.post('/auth/refresh', { body: { refreshToken: victim.refreshToken } }),
        401,
      );
      await events.waitFor((all) =>
        all.some(
          (e) => e.routingKey === 'user.deactivated' && e.envelope.data.id === victim.user.id,
        ),
      );
      const reactivated = await api.patch(`/admin/users/${victim.user.id}`, {
        token: adminToken,
        body: { active: true },
      });
      expect(reactivated.body.active).toBe(true);
      expect(
        (await api.post('/auth/login', { body: { email, password: victim.password } })).status,
      ).toBe(200);
    });

    it('changes a role; the user must log in again to act with it', async () => {
      const user = await api.signUp({ email: uniqueEmail('promote') });
      const response = await api.patch(`/admin/users/${user.user.id}`, {
        token: adminToken,
        body: { role: 'HOST' },
      });
      expect(response.body.role).toBe('HOST');
      expectProblem(await api.get('/users/me', { token: user.accessToken }), 401);
      const again = await api.login(user.user.email, user.password);
      expect((await api.get('/users/me', { token: again.accessToken })).body.role).toBe('HOST');
    });

    it('answers 404 for an unknown user id', async () => {
      expectProblem(
        await api.patch('/admin/users/does-not-exist', {
          token: adminToken,
          body: { active: false },
        }),
        404,
      );
    });

    it('records identity actions in the audit trail with actor, record and request id', async () => {
      const email = uniqueEmail('audited');
      const registered = await api.post('/auth/register', {
        body: { email, password: 'long-enough-1', name: 'Au' },
        headers: { 'x-request-id': 'audit-req-1' },
      });
      await api.login(email, 'long-enough-1');
      let entries: any[] = [];
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const page = await api.get(`/admin/audit?entityId=${registered.body.id}&limit=100`, {
          token: adminToken,
        });
        expect(page.status).toBe(200);
        entries = page.body.data;
        if (
          entries.some((e) => e.action === 'user.registered') &&
          entries.some((e) => e.action === 'auth.login')
        )
          break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(entries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            action: 'user.registered',
            actorId: registered.body.id,
            entityId: registered.body.id,
            requestId: 'audit-req-1',
          }),
          expect.objectContaining({ action: 'auth.login', actorId: registered.body.id }),
        ]),
      );
    });
  });

  describe('conventions', () => {
    it('returns the caller X-Request-Id, or a generated one', async () => {
      const given = await api.get('/health/live', { headers: { 'x-request-id': 'my-request-42' } });
      expect(given.headers.get('x-request-id')).toBe('my-request-42');
      const generated = await api.get('/users/me');
      expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('returns X-Request-Id on the OpenAPI document, the docs page and paths outside the API', async () => {
      const given = await api.get('/docs-json', { headers: { 'x-request-id': 'docs-request-1' } });
      expect(given.status).toBe(200);
      expect(given.headers.get('x-request-id')).toBe('docs-request-1');
      expect((await api.get('/docs')).headers.get('x-request-id')).toMatch(UUID);
      for (const path of ['/.env', '/no-such-page', '/api/v2/users']) {
        const response = await api.get(`${platform.gatewayUrl}${path}`);
        expectProblem(response, 404);
        expect(response.headers.get('x-request-id')).toMatch(UUID);
      }
      // `/` is the web app's home page (SPEC §10).
      const home = await api.get(`${platform.gatewayUrl}/`);
      expect(home.status).toBe(200);
      expect(home.headers.get('x-request-id')).toMatch(UUID);
    });

    it('returns X-Request-Id on what Node refuses before any route runs', async () => {
      const bigHeader = await api.get('/users/me', { headers: { 'x-big': 'a'.repeat(20_000) } });
      expectProblem(bigHeader, 431);
      expect(bigHeader.headers.get('x-request-id')).toMatch(UUID);
      const query = Array.from({ length: 3_000 }, (_, i) => `p${i}=v`).join('&');
      const manyParameters = await api.get(`/bookings?${query}`);
      expectProblem(manyParameters, 431);
      expect(manyParameters.headers.get('x-request-id')).toMatch(UUID);
      const bothFramings = await sendRawRequest(
        platform.gatewayUrl,
        'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          'Content-Length: 2\r\nTransfer-Encoding: chunked',
        '2\r\n{}\r\n0\r\n\r\n',
      );
      expectProblem(bothFramings, 400);
      expect(bothFramings.headers.get('x-request-id')).toMatch(UUID);
    });

    describe('the header limit: 16 KiB as sent, request line included, and 100 fields', () => {
      /** A GET of /health/live whose head (blank line included) is `bytes` long, in `fields` fields. */
      function headOf(bytes: number, fields: number): string {
        const line = 'GET /health/live HTTP/1.1';
        const names = Array.from({ length: fields - 2 }, (_, i) => `X-Pad-${i}`);
        // `Host: x` and the `Connection: close` that sendRawRequest adds are the other two.
        const fixed =
          `${line}\r\nHost: x\r\nConnection: close\r\n\r\n`.length +
          names.reduce((sum, name) => sum + `${name}: \r\n`.length, 0);
        const padding = bytes - fixed;
        const values = names.map((_, i) =>
          'v'.repeat(Math.floor(padding / names.length) + (i < padding % names.length ? 1 : 0)),
        );
        const head = [line, 'Host: x', ...names.map((name, i) => `${name}: ${values[i]}`)].join(
          '\r\n',
        );
        expect(`${head}\r\nConnection: close\r\n\r\n`.length).toBe(bytes);
        return head;
      }

      it('serves a head of exactly 16 KiB in 100 fields', async () => {
        const response = await sendRawRequest(platform.gatewayUrl, headOf(16_384, 100));
        expect(response.status).toBe(200);
      });

      it('refuses a head one byte over 16 KiB, though Node counts only names and values', async () => {
        const response = await sendRawRequest(platform.gatewayUrl, headOf(16_385, 100));
        expectProblem(response, 431);
        expect(response.headers.get('x-request-id')).toMatch(UUID);
      });

      it('refuses a 101st field, and 2,000 short fields well under 16 KiB of names and values', async () => {
        const oneTooMany = await sendRawRequest(platform.gatewayUrl, headOf(2_000, 101));
        expectProblem(oneTooMany, 431);
        expect(oneTooMany.body.detail).toMatch(/more than 100 header fields/);
        const fields = Array.from({ length: 2_000 }, (_, i) => `X-H${i}: v`).join('\r\n');
        const many = await sendRawRequest(
          platform.gatewayUrl,
          `GET /api/v1/users/me HTTP/1.1\r\nHost: x\r\n${fields}`,
        );
        expectProblem(many, 431);
        expect(many.headers.get('x-request-id')).toMatch(UUID);
      });

      it('answers a single header over the limit with a 431 problem, before any route runs', async () => {
        const response = await api.get('/users/me', { headers: { 'x-big': 'a'.repeat(20_000) } });
        expectProblem(response, 431);
      });
    });

    it('answers an unknown route with a 404 problem', async () => {
      expectProblem(await api.get('/no-such-route'), 404);
    });

    it('serves the OpenAPI document generated from the schemas', async () => {
      const doc = await api.get('/docs-json');
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/auth/register',
          '/api/v1/users/me',
          '/api/v1/admin/audit',
          '/api/v1/availability',
          '/api/v1/hosts/{hostId}/slots',
          '/api/v1/bookings',
          '/api/v1/bookings/{id}/reschedule',
        ]),
      );
    });

    it('reports ready on the API port', async () => {
      expect((await api.get('/health/ready')).status).toBe(200);
    });

    it('answers /metrics on the API port with a 404 problem: metrics are not public', async () => {
      expectProblem(await api.get('/metrics'), 404);
    });

    it('serves Prometheus text on the METRICS_PORT of the gateway and of each service', async () => {
      await api.get('/users/me');
      const gateway = await fetch(platform.replicas.gateway[0].metricsUrl);
      expect(gateway.status).toBe(200);
      expect(gateway.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const gatewayText = await gateway.text();
      expect(gatewayText).toMatch(/^# HELP /m);
      expect(gatewayText).toContain('slotbook_http_request_seconds_count{');
      expect(gatewayText).toContain('process_cpu_seconds_total');

      const identity = platform.replicas.identity[0];
      expect((await fetch(`${identity.url}/metrics`)).status).toBe(404);
      const identityText = await (await fetch(identity.metricsUrl)).text();
      expect(identityText).toContain('slotbook_bus_commands_total{');
      // The metrics port serves nothing else.
      expect((await fetch(new URL('/', identity.metricsUrl))).status).toBe(404);
    });
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
