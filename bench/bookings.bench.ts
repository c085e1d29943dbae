/**
 * Booking benchmarks through the gateway (docs/benchmarks.md records the results):
 *  1. sustained creation on distinct slots with 64 concurrent connections;
 *  2. the hot-slot race: 200 concurrent creates for one slot, latency of the 409s.
 *
 *   npm run bench:bookings                      # starts its own platform (needs scripts/test.sh's env)
 *   BENCH_SECONDS=30 BENCH_CONNECTIONS=64 npm run bench:bookings
 *   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:bookings   # profiles
 *   BENCH_BOOKING_ENV="OUTBOX_PUBLISH_ON_WRITE=false OUTBOX_INTERVAL_MS=600000" ...  # booking's env
 */
import {
  ApiClient,
  Platform,
  hostWithRange,
  slotAt,
  uniqueEmail,
  type HostFixture,
} from '@slotbook/testing';
import { percentiles, round } from './stats';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const HOSTS = 8;
const SLOTS_PER_HOST = 31 * 24 * 12; // a 31-day range of 5-minute slots

async function sustained(api: ApiClient, hosts: HostFixture[], tokens: string[]) {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const worker = async (w: number) => {
    while (Date.now() < deadline) {
      const n = next++;
      const host = hosts[n % hosts.length];
      const slot = Math.floor(n / hosts.length);
      if (slot >= SLOTS_PER_HOST) return;
      const started = performance.now();
      const response = await api.post('/bookings', {
        token: tokens[w % tokens.length],
        body: { hostId: host.hostId, startTime: slotAt(host, slot) },
      });
      latencies.push(performance.now() - started);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(w)));
  const elapsed = (Date.now() - started) / 1000;
  return {
    requests: latencies.length,
    perSecond: round(latencies.length / elapsed),
    statuses: Object.fromEntries(statuses),
    ...percentiles(latencies),
  };
}

async function hotSlot(api: ApiClient, host: HostFixture, tokens: string[], rounds: number) {
  const conflicts: number[] = [];
  const wins: number[] = [];
  for (let slot = 0; slot < rounds; slot += 1) {
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const started = performance.now();
        const response = await api.post('/bookings', {
          token: tokens[i % tokens.length],
          body: { hostId: host.hostId, startTime: slotAt(host, 5000 + slot) },
        });
        (response.status === 201 ? wins : conflicts).push(performance.now() - started);
      }),
    );
  }
  return {
    rounds,
    created: wins.length,
    conflicts: conflicts.length,
    conflictLatency: percentiles(conflicts),
  };
}

async function main(): Promise<void> {
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": node flags for every service.
  const profile = { SLOTBOOK_NODE_ARGS: process.env.BENCH_NODE_ARGS ?? '' };
  const platform = process.env.BENCH_GATEWAY_URL
    ? null
    : await new Platform({
        replicas: { booking: 2 },
        env: {
          identity: profile,
          availability: profile,
          booking: { ...profile, ...bookingEnv() },
          gateway: profile,
        },
      }).start();
  const api = new ApiClient(process.env.BENCH_GATEWAY_URL ?? platform!.gatewayUrl);
  try {
    const hosts: HostFixture[] = [];
    for (let i = 0; i < HOSTS; i += 1)
      hosts.push(await hostWithRange(api, { slots: SLOTS_PER_HOST, slotMinutes: 5 }));
    const tokens: string[] = [];
    for (let i = 0; i < 16; i += 1)
      tokens.push((await api.signUp({ email: uniqueEmail('bench') })).accessToken);
    // Warm-up: JIT, connection pools, indexes.
    await Promise.all(
      tokens.map((token, i) =>
        api.post('/bookings', {
          token,
          body: { hostId: hosts[0].hostId, startTime: slotAt(hosts[0], SLOTS_PER_HOST - 1 - i) },
        }),
      ),
    );
    const load = await sustained(api, hosts, tokens);
    const race = await hotSlot(api, hosts[HOSTS - 1], tokens, 5);
    console.log(
      JSON.stringify(
        {
          seconds: SECONDS,
          connections: CONNECTIONS,
          bookingReplicas: platform ? 2 : 'external',
          sustained: load,
          hotSlot: race,
        },
        null,
        2,
      ),
    );
  } finally {
    await platform?.stop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/** BENCH_BOOKING_ENV: `KEY=value` pairs, space-separated, added to the booking replicas' env. */
function bookingEnv(): Record<string, string> {
  const pairs = (process.env.BENCH_BOOKING_ENV ?? '').split(' ').filter(Boolean);
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`BENCH_BOOKING_ENV: "${pair}" is not KEY=value`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}
