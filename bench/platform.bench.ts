/**
 * What a user of the platform sees, on an empty database and again once it holds
 * BENCH_BOOKINGS bookings (default 100,000); docs/benchmarks.md records the results.
 *
 * Each phase measures, through the gateway:
 *  - `GET /hosts/:id/slots` for 31 days of 5-minute slots, one request at a time: a host with
 *    no bookings, and a host with hundreds of bookings in the window;
 *  - `GET /event-types/:id/slots` for 31 days of a 5-minute event type on a weekly schedule
 *    open round the clock, whose host has BENCH_EVENT_TYPE_BOOKINGS (default 1,000) bookings in
 *    the window, made through the API;
 *  - `GET /bookings?limit=20`, one at a time: a user with no bookings and a user with many;
 *    then bursts of 10 concurrent list requests from one user (counting any 503);
 *  - booking creation on distinct slots with autocannon (BENCH_CONNECTIONS, default 64, for
 *    BENCH_SECONDS, default 20): bookings/s, latency, and the CPU time per booking of every
 *    process of the platform (services, devdb, PostgreSQL, RabbitMQ, Redis) read from /proc;
 *  - the hot slot: 200 concurrent creates of one slot, exactly one 201, latency of the 409s.
 * Between the phases, BENCH_BOOKINGS bookings over BENCH_HOSTS hosts and BENCH_USERS guests are
 * written straight into the databases as the API leaves them (BENCH_SEED=api: made through the
 * API with autocannon, which takes about 15 minutes for 100,000).
 *
 *   AMQP_URL=... REDIS_URL=... MONGO_URL=... npm run bench:platform   (a devdb of its own)
 *   BENCH_BOOKINGS=0 npm run bench:platform          # the empty-database phase only
 *   BENCH_BOOKING_REPLICAS=2 npm run bench:platform  # more booking replicas
 *   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:platform   # profiles
 *   (then npm run bench:profile-summary -- /tmp/prof/*.cpuprofile)
 */
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';
import {
  ApiClient,
  Platform,
  hostWithEventTypes,
  hostWithRange,
  mongoUrlFor,
  slotAt,
  uniqueEmail,
  type HostFixture,
} from '@slotbook/testing';
import { expectedRangeSlot, holdOf, newBooking } from '../services/booking/src/bookings/booking';
import { holdDocuments } from '../services/booking/src/bookings/slot-hold';
import { cpuPerUnit, platformClassifier, sampleCpu } from './process-cpu';
import { percentiles, round } from './stats';

const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 100_000);
const HOSTS = Number(process.env.BENCH_HOSTS ?? 200);
const USERS = Number(process.env.BENCH_USERS ?? 1_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const SEQUENTIAL = Number(process.env.BENCH_REQUESTS ?? 200);
const SLOT_MINUTES = 5;
const SLOTS_PER_RANGE = (31 * 24 * 60) / SLOT_MINUTES;
const EVENT_TYPE_BOOKINGS = Number(process.env.BENCH_EVENT_TYPE_BOOKINGS ?? 1_000);
const DAY_MS = 24 * 60 * 60_000;

interface Guest {
  id: string;
  email: string;
  password: string;
  token: string;
}

class Bench {
  readonly api: ApiClient;
  hosts: HostFixture[] = [];
  guests: Guest[] = [];
  /** A 5-minute event type on a round-the-clock schedule, and the 31 days its bookings fill. */
  eventType = { id: '', from: new Date(0), to: new Date(0) };
  /** The next (host, slot) pair nobody booked yet: request n books slot n / HOSTS of host n % HOSTS. */
  private next = 0;

  constructor(
    readonly platform: Platform,
    readonly servicePids: Set<number>,
  ) {
    this.api = new ApiClient(platform.gatewayUrl);
  }

  async setUp(): Promise<void> {
    this.hosts = await inBatches(HOSTS, 8, () =>
      hostWithRange(this.api, { slots: SLOTS_PER_RANGE, slotMinutes: SLOT_MINUTES }),
    );
    this.guests = await inBatches(USERS, 8, () => this.newGuest());
    await this.setUpEventType();
  }

  /** The event type's host gets EVENT_TYPE_BOOKINGS bookings spread over the window. */
  private async setUpEventType(): Promise<void> {
    const host = await hostWithEventTypes(this.api, [
      { duration: SLOT_MINUTES, bookingHorizonDays: 60 },
    ]);
    const from = new Date(Math.ceil((Date.now() + DAY_MS) / DAY_MS) * DAY_MS);
    this.eventType = {
      id: host.eventTypes[0]!.id,
      from,
      to: new Date(from.getTime() + 31 * DAY_MS),
    };
    const step = Math.floor(SLOTS_PER_RANGE / Math.max(1, EVENT_TYPE_BOOKINGS));
    await inBatches(EVENT_TYPE_BOOKINGS, 8, async (i) => {
      const startTime = new Date(from.getTime() + i * step * SLOT_MINUTES * 60_000);
      const response = await this.api.post('/bookings', {
        token: this.guests[i % this.guests.length]!.token,
        body: { eventTypeId: this.eventType.id, startTime: startTime.toISOString() },
      });
      if (response.status !== 201) throw new Error(`event type booking: ${response.text}`);
    });
  }

  eventTypeSlotsPath(): string {
    const { id, from, to } = this.eventType;
    return `/event-types/${id}/slots?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
  }

  async newGuest(): Promise<Guest> {
    const email = uniqueEmail('bench');
    const signed = await this.api.signUp({ email });
    return { id: signed.user.id, email, password: signed.password, token: signed.accessToken };
  }

  /** Access tokens live 15 minutes; the data-scale phase takes longer than that. */
  async refreshTokens(): Promise<void> {
    await inBatches(this.guests.length, 8, async (i) => {
      const guest = this.guests[i]!;
      guest.token = (await this.api.login(guest.email, guest.password)).accessToken;
    });
  }

  /** The next free slot and who books it. */
  private nextSlot(): { host: HostFixture; startTime: string; guest: Guest } {
    const n = this.next++;
    const host = this.hosts[n % this.hosts.length]!;
    const slot = Math.floor(n / this.hosts.length);
    if (slot >= SLOTS_PER_RANGE) throw new Error('out of free slots: raise BENCH_HOSTS');
    return { host, startTime: slotAt(host, slot), guest: this.guests[n % this.guests.length]! };
  }

  private nextBooking(): { token: string; body: string } {
    const { host, startTime, guest } = this.nextSlot();
    return { token: guest.token, body: JSON.stringify({ hostId: host.hostId, startTime }) };
  }

  /**
   * Writes `amount` confirmed bookings straight into the databases, as the API leaves them once
   * their events are relayed and audited: a booking, its settled claim, its audit entry.
   * Much faster than through the API (BENCH_SEED=api), and the same data for the reads.
   */
  async seedDirect(amount: number) {
    const started = performance.now();
    const [bookingDb, identityDb] = await Promise.all(
      [this.platform.databases.booking, this.platform.databases.identity].map((name) =>
        mongoose.createConnection(mongoUrlFor(name)).asPromise(),
      ),
    );
    try {
      for (let done = 0; done < amount;) {
        const size = Math.min(1_000, amount - done);
        const bookings: object[] = [];
        const held: object[] = [];
        const audit: object[] = [];
        for (let i = 0; i < size; i += 1) {
          const { host, startTime: start, guest } = this.nextSlot();
          const startTime = new Date(start);
          const endTime = new Date(startTime.getTime() + SLOT_MINUTES * 60_000);
          const now = new Date();
          const id = randomUUID();
          // Stored as booking stores a create: the booking (its event relayed), and its time.
          const booking = newBooking(
            { id, actor: { id: guest.id, role: 'USER' }, startTime, notes: null, commandId: id },
            { ...expectedRangeSlot(host.hostId, endTime), rangeId: host.rangeId },
            now,
          );
          bookings.push({ ...booking, outbox: [], outboxPending: false });
          held.push(...holdDocuments(holdOf(booking), now));
          audit.push({
            _id: randomUUID(),
            action: 'booking.created',
            actorId: guest.id,
            entityType: 'booking',
            entityId: id,
            requestId: randomUUID(),
            occurredAt: now,
          });
        }
        await Promise.all([
          bookingDb.collection('held_time').insertMany(held as never[]),
          bookingDb.collection('bookings').insertMany(bookings as never[]),
          identityDb.collection('audit').insertMany(audit as never[]),
        ]);
        done += size;
      }
    } finally {
      await Promise.all([bookingDb.close(), identityDb.close()]);
    }
    const seconds = (performance.now() - started) / 1000;
    return { created: amount, seconds: round(seconds), written: 'directly' };
  }

  /** Books on distinct slots with autocannon: `amount` requests, or for `seconds`. */
  async create(options: { amount?: number; seconds?: number }) {
    const classify = platformClassifier(this.servicePids);
    const before = sampleCpu(classify);
    const result = await autocannon({
      url: this.platform.gatewayUrl,
      connections: CONNECTIONS,
      ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? SECONDS }),
      timeout: 10,
      requests: [
        {
          method: 'POST',
          path: '/api/v1/bookings',
          setupRequest: (request) => {
            const { token, body } = this.nextBooking();
            return {
              ...request,
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body,
            };
          },
        },
      ],
    });
    // The background work of these bookings (events relayed and audited) is theirs too.
    const drainSeconds = await untilQuiet(this.servicePids);
    const after = sampleCpu(classify);
    const created = result['2xx'];
    return {
      connections: CONNECTIONS,
      seconds: round(result.duration),
      requests: result.requests.total,
      created,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      bookingsPerSecond: round(created / result.duration),
      latencyMs: {
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        max: result.latency.max,
      },
      /** How long after the load stopped the platform was busy with its background work. */
      drainSeconds,
      cpuMsPerBooking: cpuPerUnit(before, after, created),
    };
  }

  /** Makes `amount` bookings in chunks short enough for the guests' tokens to stay valid. */
  async seed(amount: number) {
    // Access tokens live 15 minutes: a chunk must take less than that.
    const chunk = 50_000;
    let created = 0;
    let seconds = 0;
    while (created < amount) {
      await this.refreshTokens();
      const done = await this.create({ amount: Math.min(chunk, amount - created) });
      if (done.created < done.requests) throw new Error(`seeding: ${JSON.stringify(done)}`);
      created += done.created;
      seconds += done.seconds;
      console.error(`seeded ${created} of ${amount} bookings`);
    }
    return { created, seconds: round(seconds), bookingsPerSecond: round(created / seconds) };
  }

  async sequential(path: string, token: string) {
    const url = `${this.platform.gatewayUrl}/api/v1${path}`;
    const headers = { authorization: `Bearer ${token}` };
    const once = async () => {
      const started = performance.now();
      const response = await fetch(url, { headers });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${path}: status ${response.status}`);
      return performance.now() - started;
    };
    for (let i = 0; i < 20; i += 1) await once();
    const latencies: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i += 1) latencies.push(await once());
    const stats = percentiles(latencies);
    return {
      requests: SEQUENTIAL,
      p50: round(stats.p50),
      p95: round(stats.p95),
      p99: round(stats.p99),
    };
  }

  slotsPath(host: HostFixture): string {
    const from = host.start.toISOString();
    const to = new Date(host.start.getTime() + SLOTS_PER_RANGE * SLOT_MINUTES * 60_000);
    return `/hosts/${host.hostId}/slots?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to.toISOString())}`;
  }

  /** Bursts of 10 concurrent list requests from one user: how many answered 503 (or failed). */
  async concurrentLists(token: string, bursts = 20) {
    const statuses = new Map<number, number>();
    const latencies: number[] = [];
    for (let burst = 0; burst < bursts; burst += 1) {
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          const started = performance.now();
          const response = await this.api.get('/bookings?limit=20', { token });
          latencies.push(performance.now() - started);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        }),
      );
    }
    return { statuses: Object.fromEntries(statuses), p99: round(percentiles(latencies).p99) };
  }

  async hotSlot(rounds = 5) {
    const host = await hostWithRange(this.api, { slots: 8, slotMinutes: 30 });
    const wins: number[] = [];
    const conflicts: number[] = [];
    const other: number[] = [];
    for (let slot = 0; slot < rounds; slot += 1) {
      let winners = 0;
      await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const started = performance.now();
          const response = await this.api.post('/bookings', {
            token: this.guests[i % this.guests.length]!.token,
            body: { hostId: host.hostId, startTime: slotAt(host, slot) },
          });
          const took = performance.now() - started;
          if (response.status === 201) {
            winners += 1;
            wins.push(took);
          } else if (response.status === 409) conflicts.push(took);
          else other.push(response.status);
        }),
      );
      if (winners !== 1) throw new Error(`hot slot ${slot}: ${winners} bookings were created`);
    }
    const stats = percentiles(conflicts);
    return {
      rounds,
      racers: 200,
      createdPerRound: 1,
      conflicts: conflicts.length,
      otherStatuses: other,
      conflictLatencyMs: { p50: round(stats.p50), p99: round(stats.p99), max: round(stats.max) },
    };
  }

  async phase(label: string) {
    const quietHost = await hostWithRange(this.api, {
      slots: SLOTS_PER_RANGE,
      slotMinutes: SLOT_MINUTES,
    });
    const newcomer = await this.newGuest();
    const regular = this.guests[0]!;
    const bookedHost = this.hosts[0]!;
    const result = {
      phase: label,
      slotsOfHostWithoutBookings: await this.sequential(this.slotsPath(quietHost), regular.token),
      slotsOfHostWithBookings: await this.sequential(this.slotsPath(bookedHost), regular.token),
      eventTypeSlotsOfHostWithBookings: {
        bookingsInWindow: EVENT_TYPE_BOOKINGS,
        ...(await this.sequential(this.eventTypeSlotsPath(), regular.token)),
      },
      listOfUserWithoutBookings: await this.sequential('/bookings?limit=20', newcomer.token),
      listOfUserWithBookings: await this.sequential('/bookings?limit=20', regular.token),
      tenConcurrentLists: await this.concurrentLists(regular.token),
      create: await this.create({ seconds: SECONDS }),
      hotSlot: await this.hotSlot(),
    };
    console.log(JSON.stringify(result, null, 2));
    return result;
  }
}

/**
 * Waits until the platform's processes (database and broker included) are nearly idle, and
 * answers how long that took (seconds, counted from the call, in steps of half a second).
 */
async function untilQuiet(servicePids: Set<number>, maxMs = 300_000): Promise<number> {
  const classify = platformClassifier(servicePids);
  const started = Date.now();
  for (;;) {
    const before = sampleCpu(classify);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // CPU ms per 1 ms of wall time, over all processes: below 0.1 of a core is quiet.
    const busy = cpuPerUnit(before, sampleCpu(classify), 500).total;
    if (busy < 0.1) return round((Date.now() - started - 500) / 1000);
    if (Date.now() - started > maxMs) throw new Error(`still ${busy} of a core busy`);
  }
}

async function inBatches<T>(count: number, width: number, make: (i: number) => Promise<T>) {
  const results: T[] = [];
  for (let start = 0; start < count; start += width) {
    const batch = Array.from({ length: Math.min(width, count - start) }, (_, i) => make(start + i));
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

async function main(): Promise<void> {
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": node flags for every service.
  const nodeArgs = { SLOTBOOK_NODE_ARGS: process.env.BENCH_NODE_ARGS ?? '' };
  const platform = new Platform({
    replicas: { booking: Number(process.env.BENCH_BOOKING_REPLICAS ?? 1) },
    env: {
      identity: nodeArgs,
      availability: nodeArgs,
      booking: nodeArgs,
      // The benchmark signs up its guests from one address.
      gateway: {
        ...nodeArgs,
        LOGIN_LIMIT_PER_ADDRESS: '1000000',
        AUTH_LIMIT_PER_ADDRESS: '1000000',
      },
    },
  });
  await platform.start();
  try {
    const pids = new Set(
      Object.values(platform.replicas)
        .flat()
        .map((replica) => replica.pid)
        .filter((pid): pid is number => pid !== undefined),
    );
    const bench = new Bench(platform, pids);
    console.error(`setting up ${HOSTS} hosts and ${USERS} guests`);
    await bench.setUp();
    const empty = await bench.phase('empty database');
    let full: unknown = null;
    if (BOOKINGS > 0) {
      console.error(`making ${BOOKINGS} bookings through the API`);
      const seeding =
        process.env.BENCH_SEED === 'api'
          ? await bench.seed(BOOKINGS)
          : await bench.seedDirect(BOOKINGS);
      console.log(JSON.stringify({ seeding }, null, 2));
      // What the seeding left behind (events to relay and audit, autovacuum) is not measured.
      await untilQuiet(pids);
      await bench.refreshTokens();
      full = await bench.phase(`${BOOKINGS} bookings in the database`);
    }
    console.log(JSON.stringify({ summary: { empty, full } }));
  } finally {
    await platform.stop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
