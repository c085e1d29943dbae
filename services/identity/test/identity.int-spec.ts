import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import {
  ChangeUserAccess,
  DomainError,
  IDENTITY_QUEUE,
  IdentityCommand,
  ListUsers,
  LogIn,
  RefreshSession,
  RegisterUser,
  RevocationKeys,
  type TokenPair,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import {
  ServiceProcess,
  generateJwtKeys,
  infra,
  mongoUrlFor,
  uniqueDatabase,
  uniqueEmail,
} from '@slotbook/testing';

/** identity alone, driven over the bus like the gateway does, two replicas on one queue. */
describe('identity service over the bus', () => {
  const keys = generateJwtKeys();
  const database = uniqueDatabase('identity');
  const env = {
    AMQP_URL: infra.amqpUrl,
    REDIS_URL: infra.redisUrl,
    MONGO_URL: mongoUrlFor(database),
    JWT_PRIVATE_KEY: keys.privateKey,
  };
  const replicas = [new ServiceProcess('identity', env), new ServiceProcess('identity', env)];
  let bus: CommandBus;
  let redis: Redis;

  beforeAll(async () => {
    await Promise.all(replicas.map((replica) => replica.start()));
    bus = new CommandBus({ amqpUrl: infra.amqpUrl, timeoutMs: 5_000 });
    redis = new Redis(infra.redisUrl);
  });

  afterAll(async () => {
    await bus?.close();
    redis?.disconnect();
    await Promise.all(replicas.map((replica) => replica.stop()));
  });

  async function handledBy(replica: ServiceProcess): Promise<number> {
    const metrics = await (await fetch(replica.metricsUrl)).text();
    return metrics
      .split('\n')
      .filter((line) => line.startsWith('slotbook_bus_commands_total{'))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  }

  it('spreads commands over both replicas (competing consumers) and answers every one', async () => {
    const before = await Promise.all(replicas.map(handledBy));
    const users = await Promise.all(
      Array.from({ length: 30 }, () =>
        bus.send(RegisterUser, {
          email: uniqueEmail('cc'),
          password: 'long-enough-1',
          name: 'CC',
          role: 'USER',
        }),
      ),
    );
    expect(new Set(users.map((user) => user.id)).size).toBe(30);
    const after = await Promise.all(replicas.map(handledBy));
    const handled = after.map((count, i) => count - before[i]);
    expect(handled[0] + handled[1]).toBeGreaterThanOrEqual(30);
    expect(handled[0]).toBeGreaterThan(0);
    expect(handled[1]).toBeGreaterThan(0);
  });

  it('keeps one account per email across replicas, whatever the case', async () => {
    const email = uniqueEmail('unique');
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        bus.send(RegisterUser, {
          email: i % 2 ? email : email.toUpperCase(),
          password: 'long-enough-1',
          name: 'U',
          role: 'USER',
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const rejected of results.filter(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    )) {
      expect(rejected.reason).toBeInstanceOf(DomainError);
      expect(rejected.reason.code).toBe('CONFLICT');
    }
  });

  it('validates commands itself: a command the gateway would never send is refused', async () => {
    const error = await bus
      .sendRaw(IDENTITY_QUEUE, IdentityCommand.RegisterUser, {
        email: 'x@y.z',
        password: 'short',
        name: 'S',
        role: 'ADMIN',
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    const forbidden = await bus
      .send(ListUsers, {
        actor: { id: randomUUID(), role: 'USER' },
        query: { limit: 10 },
      })
      .catch((e: unknown) => e);
    expect(forbidden).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('writes the revocation of a deactivated user to Redis before answering', async () => {
    const user = await bus.send(RegisterUser, {
      email: uniqueEmail('rev'),
      password: 'long-enough-1',
      name: 'R',
      role: 'USER',
    });
    const admin = { id: randomUUID(), role: 'ADMIN' as const };
    await bus.send(ChangeUserAccess, {
      actor: admin,
      userId: user.id,
      changes: { active: false },
    });
    expect(await redis.get(RevocationKeys.inactiveUser(user.id))).toBe('1');
    await bus.send(ChangeUserAccess, {
      actor: admin,
      userId: user.id,
      changes: { active: true },
    });
    expect(await redis.get(RevocationKeys.inactiveUser(user.id))).toBeNull();
  });

  it('lets exactly one of two concurrent refreshes of one token through, and then the family is dead', async () => {
    const email = uniqueEmail('refresh');
    await bus.send(RegisterUser, {
      email,
      password: 'long-enough-1',
      name: 'F',
      role: 'USER',
    });
    const pair = await bus.send(LogIn, {
      email,
      password: 'long-enough-1',
    });
    const results = await Promise.allSettled(
      [1, 2].map(() =>
        bus.send(RefreshSession, {
          refreshToken: pair.refreshToken,
        }),
      ),
    );
    const winners = results.filter(
      (r): r is PromiseFulfilledResult<TokenPair> => r.status === 'fulfilled',
    );
    expect(winners.length).toBeLessThanOrEqual(1);
    if (winners.length === 1) {
      const next = await bus
        .send(RefreshSession, {
          refreshToken: winners[0].value.refreshToken,
        })
        .catch((e: unknown) => e);
      expect(next).toMatchObject({ code: 'UNAUTHORIZED' });
    }
  });

  it('finishes in-flight commands on SIGTERM and leaves the rest to the other replica', async () => {
    const pending = Array.from({ length: 20 }, () =>
      bus.send(RegisterUser, {
        email: uniqueEmail('drain'),
        password: 'long-enough-1',
        name: 'D',
        role: 'USER',
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    await replicas[0].stop('SIGTERM');
    const users = await Promise.all(pending);
    expect(users).toHaveLength(20);
    await replicas[0].start();
  });
});
