/**
 * What a user of the platform sees, and what it costs, with all six services running as
 * `scripts/up.sh` runs them: on an empty database and again once it holds BENCH_BOOKINGS
 * bookings (default 100,000); docs/benchmarks.md records the results and the method.
 *
 * Each phase measures, through the gateway:
 *  - `GET /hosts/:id/slots` for 31 days of 5-minute slots, one request at a time: a host with
 *    no bookings, and a host with hundreds of bookings in the window;
 *  - `GET /event-types/:id/slots` for 31 days of a 5-minute event type on a weekly schedule
 *    open round the clock, whose host has BENCH_EVENT_TYPE_BOOKINGS (default 1,000) bookings in
 *    the window, made through the API;
 *  - `GET /bookings?limit=20`, one at a time: a user with no bookings and a user with many;
 *    then bursts of 10 concurrent list requests from one user (counting any 503);
 *  - idle: CPU of each process, database commands and PostgreSQL transactions per second over
 *    BENCH_IDLE_SECONDS (default 30) with nothing in flight;
 *  - booking creation on distinct slots with autocannon (BENCH_CONNECTIONS, default 64, for
 *    BENCH_SECONDS, default 20): creates/s, latency, and per create (means over the run, the
 *    background work it left included, so batched work counts by its share): CPU ms of every
 *    process (services, devdb, PostgreSQL, RabbitMQ, Redis; read from /proc), MongoDB commands,
 *    Redis commands and broker publishes of each service (its own counters, SPEC §11), and
 *    PostgreSQL transactions and rows of devdb's database (pg_stat_database);
 *  - the same with an `Idempotency-Key` on each create, for BENCH_KEYED_SECONDS (default 10);
 *  - the hot slot: 200 concurrent creates of one slot, exactly one 201, latency of the 409s.
 * Between the phases, BENCH_BOOKINGS bookings over BENCH_HOSTS hosts and BENCH_USERS guests are
 * written straight into the databases as the API leaves them (booking storage, identity's
 * audit, webhooks' feed; BENCH_SEED=api: made through the API with autocannon, slow).
 *
 *   npm run bench:platform                           # bench/platform.sh: a devdb, vhost of its own
 *   BENCH_BOOKINGS=0 npm run bench:platform          # the empty-database phase only
 *   BENCH_BOOKING_REPLICAS=2 npm run bench:platform  # more booking replicas
 *   BENCH_MAIL=1 npm run bench:platform              # mail on: notifications sends to a sink
 *   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:platform   # profiles
 *   (then npm run bench:profile-summary -- /tmp/prof/*.cpuprofile)
 * On a shared machine, RabbitMQ's and Redis's CPU include other users' work; PostgreSQL counts
 * only the backends of devdb's database, devdb only the one the run started.
 */
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { BookingCreated } from '@slotbook/contracts';
import { DAY_MS } from '@slotbook/scheduling';
import {
  ApiClient,
  Platform,
  freePort,
  hostWithEventTypes,
  hostWithRange,
  mongoUrlFor,
  slotAt,
  uniqueEmail,
  type HostFixture,
} from '@slotbook/testing';
import { cpuPerUnit, platformClassifier, sampleCpu, type Classifier } from './process-cpu';
import { seedBookingStorage, type SeedBooking } from './seed-booking-storage';
import {
  bookingsCreated,
  countsPerUnit,
  pgPerUnit,
  sampleCounters,
  samplePg,
  type PgSample,
} from './service-counters';
import { percentiles, round } from './stats';

const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 100_000);
const HOSTS = Number(process.env.BENCH_HOSTS ?? 200);
const USERS = Number(process.env.BENCH_USERS ?? 250);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
/** Creates with an `Idempotency-Key` each (SPEC §11 reports them apiece). */
const KEYED_SECONDS = Number(process.env.BENCH_KEYED_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const SEQUENTIAL = Number(process.env.BENCH_REQUESTS ?? 200);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
// Profiling (`--cpu-prof`) keeps each service sampling: ~0.05 of a core apiece with nothing to do.
const QUIET_CORES = (process.env.BENCH_NODE_ARGS ?? '').includes('--cpu-prof') ? 0.5 : 0.1;
/** devdb's PostgreSQL database (bench/platform.sh sets it): its pg_stat_database is read. */
const PG_DATABASE = process.env.BENCH_PG_DATABASE;
const SLOT_MINUTES = 5;
const SLOTS_PER_RANGE = (31 * 24 * 60) / SLOT_MINUTES;
const EVENT_TYPE_BOOKINGS = Number(process.env.BENCH_EVENT_TYPE_BOOKINGS ?? 1_000);
/** Mail on (SPEC §6c): notifications sends every mail to an SMTP sink of the bench's own. */
const MAIL = process.env.BENCH_MAIL === '1';
/** Seats of the group event type whose creates are measured apiece (SPEC §11). */
const SEATS = 10;

/** How a measured create books: a member on a range slot (with a key or not), a guest, a seat. */
type CreateKind = 'member' | 'keyed' | 'guest' | 'seated';

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
  /** A public 5-minute event type guests book, and a group one of SEATS seats, with their next slot. */
  guestType = { id: '', from: new Date(0), next: 0 };
  seatedType = { id: '', from: new Date(0), next: 0 };
  /** PostgreSQL's idle rate (per second), from the last idle measurement. */
  private idlePg: ReturnType<typeof pgPerUnit> = null;
  /** The next (host, slot) pair nobody booked yet: request n books slot n / HOSTS of host n % HOSTS. */
  private next = 0;

  constructor(
    readonly platform: Platform,
    readonly classify: Classifier,
  ) {
    this.api = new ApiClient(platform.gatewayUrl);
  }

  async setUp(): Promise<void> {
    this.hosts = await inBatches(HOSTS, 8, () =>
      hostWithRange(this.api, { slots: SLOTS_PER_RANGE, slotMinutes: SLOT_MINUTES }),
    );
    this.guests = await inBatches(USERS, 8, () => this.newGuest());
    await this.setUpEventType();
    const from = new Date(Math.ceil((Date.now() + DAY_MS) / DAY_MS) * DAY_MS);
    const [guestHost, seatedHost] = await Promise.all([
      hostWithEventTypes(this.api, [{ duration: SLOT_MINUTES, public: true }]),
      hostWithEventTypes(this.api, [{ duration: SLOT_MINUTES, seatsPerSlot: SEATS }]),
    ]);
    this.guestType = { id: guestHost.eventTypes[0]!.id, from, next: 0 };
    this.seatedType = { id: seatedHost.eventTypes[0]!.id, from, next: 0 };
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
      // Every slot is distinct: a 409 is a retry of a create that went through (see inBatches).
      if (response.status !== 201 && response.status !== 409) {
        throw new Error(`event type booking: ${response.text}`);
      }
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

  private nextBooking(kind: CreateKind): { token?: string; body: string } {
    const minutes = (n: number) => n * SLOT_MINUTES * 60_000;
    if (kind === 'guest') {
      const n = this.guestType.next++;
      const startTime = new Date(this.guestType.from.getTime() + minutes(n)).toISOString();
      const guest = { name: 'Bench Guest', email: `guest-${n}-${randomUUID()}@bench.test` };
      return { body: JSON.stringify({ eventTypeId: this.guestType.id, startTime, guest }) };
    }
    if (kind === 'seated') {
      // SEATS members in turn fill each slot, one seat each.
      const n = this.seatedType.next++;
      const slot = Math.floor(n / SEATS);
      const startTime = new Date(this.seatedType.from.getTime() + minutes(slot)).toISOString();
      const body = JSON.stringify({ eventTypeId: this.seatedType.id, startTime });
      return { token: this.guests[n % SEATS]!.token, body };
    }
    const { host, startTime, guest } = this.nextSlot();
    return { token: guest.token, body: JSON.stringify({ hostId: host.hostId, startTime }) };
  }

  /**
   * Writes `amount` confirmed bookings straight into the databases, as the API leaves them once
   * their events are relayed, audited and recorded: the booking's storage (one function,
   * bench/seed-booking-storage.ts), identity's audit entry, webhooks' feed entry. Much faster
   * than through the API (BENCH_SEED=api), and the same data for the reads.
   */
  async seedDirect(amount: number) {
    const started = performance.now();
    const [bookingDb, identityDb, webhooksDb] = await Promise.all(
      [
        this.platform.databases.booking,
        this.platform.databases.identity,
        this.platform.databases.webhooks,
      ].map((name) => mongoose.createConnection(mongoUrlFor(name)).asPromise()),
    );
    try {
      // The feed's positions are taken the way the service takes them, all at once.
      const counter = await webhooksDb
        .collection<{ _id: string; reserved: number; settled: number }>('feed_counters')
        .findOneAndUpdate(
          { _id: 'feed' },
          { $inc: { reserved: amount } },
          { returnDocument: 'after' },
        );
      if (!counter) throw new Error('the webhooks feed counter is missing');
      let seq = counter.reserved - amount;
      const settledBefore = seq;
      for (let done = 0; done < amount;) {
        const size = Math.min(1_000, amount - done);
        const bookings: SeedBooking[] = [];
        const audit: object[] = [];
        const feed: object[] = [];
        for (let i = 0; i < size; i += 1) {
          const { host, startTime: start, guest } = this.nextSlot();
          const startTime = new Date(start);
          const now = new Date();
          const booking: SeedBooking = {
            id: randomUUID(),
            hostId: host.hostId,
            userId: guest.id,
            rangeId: host.rangeId,
            startTime,
            endTime: new Date(startTime.getTime() + SLOT_MINUTES * 60_000),
            createdAt: now,
          };
          bookings.push(booking);
          audit.push({
            _id: randomUUID(),
            action: BookingCreated.type,
            actorId: guest.id,
            entityType: 'booking',
            entityId: booking.id,
            requestId: randomUUID(),
            occurredAt: now,
          });
          seq += 1;
          const eventId = randomUUID();
          feed.push({
            _id: eventId,
            seq,
            seqBlock: Math.floor(seq / 100),
            ownerId: host.hostId,
            type: BookingCreated.type,
            envelope: {
              id: eventId,
              type: BookingCreated.type,
              version: 1,
              occurredAt: now.toISOString(),
              correlationId: randomUUID(),
              actorId: guest.id,
              data: { ...booking, status: 'confirmed', notes: null, eventTypeId: null },
            },
            recordedAt: now,
            recordedDay: Math.floor(now.getTime() / DAY_MS),
          });
        }
        await Promise.all([
          seedBookingStorage(bookingDb, bookings),
          identityDb.collection('audit').insertMany(audit as never[]),
          webhooksDb.collection('feed_events').insertMany(feed as never[]),
        ]);
        done += size;
      }
      await webhooksDb
        .collection<{ _id: string; settled: number }>('feed_counters')
        .updateOne({ _id: 'feed', settled: settledBefore }, { $set: { settled: seq } });
    } finally {
      await Promise.all([bookingDb.close(), identityDb.close(), webhooksDb.close()]);
    }
    const seconds = (performance.now() - started) / 1000;
    return { created: amount, seconds: round(seconds), written: 'directly' };
  }

  /** Books on distinct slots with autocannon: `amount` requests, or for `seconds`. */
  async create(options: { amount?: number; seconds?: number; kind?: CreateKind }) {
    const kind = options.kind ?? 'member';
    const before = sampleCpu(this.classify);
    const countersBefore = await sampleCounters(this.platform);
    const pgBefore = samplePg(PG_DATABASE);
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
            const { token, body } = this.nextBooking(kind);
            return {
              ...request,
              headers: {
                'content-type': 'application/json',
                ...(token ? { authorization: `Bearer ${token}` } : {}),
                ...(kind === 'keyed' ? { 'idempotency-key': randomUUID() } : {}),
              },
              body,
            };
          },
        },
      ],
    });
    // The background work of these bookings (events relayed and audited) is theirs too.
    const drainSeconds = await untilQuiet(this.classify);
    const after = sampleCpu(this.classify);
    const countersAfter = await sampleCounters(this.platform);
    const pgAfter = await samplePgSettled(this.idlePg);
    const created = result['2xx'];
    // Per-create figures divide by every booking made: those in flight at the stop, and those
    // the gateway answered 503 for but booking made anyway, included.
    const made = bookingsCreated(countersBefore, countersAfter);
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
      /** Bookings made (booking.created events published): the per-create divisor. */
      made,
      cpuMsPerBooking: cpuPerUnit(before, after, made),
      /** The services' own counters (mongo, redis, broker) per create, by service and label. */
      countsPerBooking: countsPerUnit(countersBefore, countersAfter, made),
      pgPerBooking: pgPerUnit(pgBefore, pgAfter, made),
    };
  }

  /** What the platform spends per second with nothing in flight. */
  async idle(seconds = IDLE_SECONDS) {
    await untilQuiet(this.classify);
    const before = sampleCpu(this.classify);
    const countersBefore = await sampleCounters(this.platform);
    const pgBefore = samplePg(PG_DATABASE);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const after = sampleCpu(this.classify);
    const countersAfter = await sampleCounters(this.platform);
    const pgAfter = samplePg(PG_DATABASE);
    this.idlePg = pgPerUnit(pgBefore, pgAfter, seconds);
    return {
      seconds,
      cpuMsPerSecond: cpuPerUnit(before, after, seconds),
      countsPerSecond: countsPerUnit(countersBefore, countersAfter, seconds),
      pgPerSecond: pgPerUnit(pgBefore, pgAfter, seconds),
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
      idle: await this.idle(),
      create: await this.create({ seconds: SECONDS }),
      keyedCreate: await this.create({ seconds: KEYED_SECONDS, kind: 'keyed' }),
      guestCreate: await this.create({ seconds: KEYED_SECONDS, kind: 'guest' }),
      seatedCreate: await this.create({ seconds: KEYED_SECONDS, kind: 'seated' }),
      hotSlot: await this.hotSlot(),
    };
    console.log(JSON.stringify(result, null, 2));
    return result;
  }
}

/**
 * Waits until the platform's own processes (the services and devdb; the shared broker, Redis
 * and PostgreSQL serve others too) are nearly idle, and answers how long that took (seconds,
 * counted from the call, in steps of half a second).
 */
async function untilQuiet(classify: Classifier, maxMs = 300_000): Promise<number> {
  const shared = new Set(['postgres', 'rabbitmq', 'redis', 'total']);
  const started = Date.now();
  for (;;) {
    const before = sampleCpu(classify);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // CPU ms per 1 ms of wall time: below QUIET_CORES over our own processes is quiet.
    const spent = cpuPerUnit(before, sampleCpu(classify), 500);
    const busy = Object.entries(spent)
      .filter(([kind]) => !shared.has(kind))
      .reduce((sum, [, value]) => sum + value, 0);
    if (busy < QUIET_CORES) return round((Date.now() - started - 500) / 1000);
    if (Date.now() - started > maxMs) {
      const own = Object.entries(spent).filter(([kind]) => !shared.has(kind));
      const named = own.map(([kind, value]) => `${kind} ${round(value)}`).join(', ');
      throw new Error(`still ${round(busy)} of a core busy (${named})`);
    }
  }
}

/**
 * pg_stat_database once the backends have reported: PostgreSQL 15 flushes a backend's counts
 * within 10 s of it going idle. What the idle platform did during that wait is taken off.
 */
async function samplePgSettled(idlePerSecond: ReturnType<typeof pgPerUnit>): Promise<PgSample> {
  const waitMs = 11_000;
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  const sample = samplePg(PG_DATABASE);
  if (!sample || !idlePerSecond) return sample;
  const idle = (perSecond: number) => Math.round((perSecond * waitMs) / 1000);
  return {
    ...sample,
    transactions: sample.transactions - idle(idlePerSecond.transactions),
    inserted: sample.inserted - idle(idlePerSecond.rowsInserted),
    updated: sample.updated - idle(idlePerSecond.rowsUpdated),
    deleted: sample.deleted - idle(idlePerSecond.rowsDeleted),
    read: sample.read - idle(idlePerSecond.rowsRead),
  };
}

/** The figures issue 16 and SPEC §11 set targets for, one line per phase. */
function headlines(phases: Array<Awaited<ReturnType<Bench['phase']>>>): string {
  const services = ['gateway', 'identity', 'availability', 'booking', 'webhooks', 'notifications'];
  return phases
    .map(({ phase, create, keyedCreate, guestCreate, seatedCreate, hotSlot, idle }) => {
      const cpu = create.cpuMsPerBooking;
      const nodeCpu = services.reduce((sum, name) => sum + (cpu[name] ?? 0), 0);
      const idleMax = Object.entries(idle.cpuMsPerSecond)
        .filter(([name]) => services.includes(name) || name === 'devdb')
        .sort(([, a], [, b]) => b - a)[0];
      return [
        `${phase}: ${create.bookingsPerSecond} creates/s, p50 ${create.latencyMs.p50} ms, p99 ${create.latencyMs.p99} ms (${create.non2xx} not 2xx; ${create.made} made in all)`,
        `  per create: ${create.countsPerBooking.mongo!.total} db commands, ${create.countsPerBooking.redis!.total} Redis, ${create.countsPerBooking.broker!.total} publishes, ${create.pgPerBooking?.transactions ?? '?'} pg transactions, ${cpu.total} ms CPU (Node services ${round(nodeCpu)})`,
        ...(
          [
            ['keyed', keyedCreate],
            ['guest', guestCreate],
            ['seated', seatedCreate],
          ] as const
        ).map(
          ([kind, run]) =>
            `  ${kind} creates: ${run.bookingsPerSecond}/s, p99 ${run.latencyMs.p99} ms (${run.non2xx} not 2xx); per create: ${run.countsPerBooking.mongo!.total} db commands, ${run.countsPerBooking.redis!.total} Redis, ${run.countsPerBooking.broker!.total} publishes, ${run.cpuMsPerBooking.total} ms CPU`,
        ),
        `  hot slot: 1 winner of 200 (x${hotSlot.rounds}), 409 p99 ${hotSlot.conflictLatencyMs.p99} ms; idle: ${idle.countsPerSecond.mongo!.total} db commands/s, busiest own process ${idleMax?.[0]} ${idleMax?.[1]} ms/s`,
      ].join('\n');
    })
    .join('\n');
}

/**
 * Runs `make` for 0..count-1, `width` at a time. Set-up steps are tried up to three times: on a
 * busy machine a signup or login may meet the gateway's timeout (503), and each step makes
 * fresh records, so trying again is safe.
 */
async function inBatches<T>(count: number, width: number, make: (i: number) => Promise<T>) {
  const attempt = async (i: number, left: number): Promise<T> => {
    try {
      return await make(i);
    } catch (error) {
      if (left <= 1) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return attempt(i, left - 1);
    }
  };
  const results: T[] = [];
  for (let start = 0; start < count; start += width) {
    const batch = Array.from({ length: Math.min(width, count - start) }, (_, i) =>
      attempt(start + i, 3),
    );
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

async function main(): Promise<void> {
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": node flags for every service.
  const nodeArgs = { SLOTBOOK_NODE_ARGS: process.env.BENCH_NODE_ARGS ?? '' };
  const sink = MAIL ? await startMailSink() : null;
  const platform = new Platform({
    // All six, as scripts/up.sh runs them: webhooks' share of a create is part of its cost.
    // Notifications runs with mail off unless BENCH_MAIL=1: then its share counts too.
    replicas: {
      booking: Number(process.env.BENCH_BOOKING_REPLICAS ?? 1),
      webhooks: 1,
      notifications: 1,
    },
    env: {
      identity: nodeArgs,
      availability: nodeArgs,
      booking: nodeArgs,
      webhooks: nodeArgs,
      notifications: { ...nodeArgs, ...(sink ? { SMTP_URL: sink.url } : {}) },
      // The benchmark signs up its guests from one address.
      gateway: {
        ...nodeArgs,
        LOGIN_LIMIT_PER_ADDRESS: '1000000',
        AUTH_LIMIT_PER_ADDRESS: '1000000',
        GUEST_BOOKING_LIMIT_PER_ADDRESS: '1000000',
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
    const devdb = new URL(process.env.MONGO_URL ?? '');
    const classify = platformClassifier(
      pids,
      PG_DATABASE ? { devdbListen: devdb.host, pgDatabase: PG_DATABASE } : undefined,
    );
    const bench = new Bench(platform, classify);
    console.error(`setting up ${HOSTS} hosts and ${USERS} guests`);
    await bench.setUp();
    const empty = await bench.phase('empty database');
    let full: Awaited<ReturnType<Bench['phase']>> | null = null;
    if (BOOKINGS > 0) {
      console.error(
        `seeding ${BOOKINGS} bookings (BENCH_SEED=${process.env.BENCH_SEED ?? 'direct'})`,
      );
      const seeding =
        process.env.BENCH_SEED === 'api'
          ? await bench.seed(BOOKINGS)
          : await bench.seedDirect(BOOKINGS);
      console.log(JSON.stringify({ seeding }, null, 2));
      // What the seeding left behind (events to relay and audit, autovacuum) is not measured.
      await untilQuiet(classify);
      await bench.refreshTokens();
      full = await bench.phase(`${BOOKINGS} bookings in the database`);
    }
    console.log(JSON.stringify({ summary: { empty, full } }));
    console.log(headlines([empty, ...(full ? [full] : [])]));
  } finally {
    await platform.stop();
    await sink?.close();
  }
}

/** An SMTP server that takes every mail and keeps none. */
async function startMailSink(): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
