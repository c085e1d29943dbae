/**
 * Free-slot listing benchmark through the gateway (docs/benchmarks.md records the results):
 * one host with a 31-day range of 5-minute slots (8,928 slots); after a warm-up, the whole
 * window is fetched BENCH_REQUESTS times, one request after another, and the latency
 * percentiles of the full round trip (request sent → last byte of the body read) are printed.
 *
 *   npm run bench:slots                                   # starts its own platform (test env)
 *   BENCH_GATEWAY_URL=http://127.0.0.1:3000 npm run bench:slots
 *   BENCH_REQUESTS=1000 BENCH_WARMUP=100 npm run bench:slots
 *   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:slots   # profiles
 */
import { ApiClient, Platform, hostWithRange } from '@slotbook/testing';
import { percentiles, round } from './stats';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 50);
const SLOT_MINUTES = 5;
const SLOTS = (31 * 24 * 60) / SLOT_MINUTES;

async function main(): Promise<void> {
  const nodeArgs = { SLOTBOOK_NODE_ARGS: process.env.BENCH_NODE_ARGS ?? '' };
  const platform = process.env.BENCH_GATEWAY_URL
    ? null
    : new Platform({
        env: { gateway: nodeArgs, availability: nodeArgs, booking: nodeArgs, identity: nodeArgs },
      });
  try {
    await platform?.start();
    const api = new ApiClient(process.env.BENCH_GATEWAY_URL ?? platform!.gatewayUrl);
    const host = await hostWithRange(api, { slots: SLOTS, slotMinutes: SLOT_MINUTES });
    const guest = await api.signUp({ email: `bench-slots-${Date.now()}@slotbook.test` });
    const from = host.start.toISOString();
    const to = new Date(host.start.getTime() + SLOTS * SLOT_MINUTES * 60_000).toISOString();
    const url = `${api.baseUrl}/api/v1/hosts/${host.hostId}/slots?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    const headers = { authorization: `Bearer ${guest.accessToken}` };

    const first = await fetch(url, { headers });
    const body = (await first.json()) as { data: unknown[] };
    if (first.status !== 200 || body.data.length !== SLOTS) {
      throw new Error(`unexpected answer: ${first.status}, ${body.data?.length} slots`);
    }
    const bytes = JSON.stringify(body).length;

    const fetchOnce = async (): Promise<number> => {
      const started = performance.now();
      const response = await fetch(url, { headers });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      return performance.now() - started;
    };
    for (let i = 0; i < WARMUP; i += 1) await fetchOnce();
    const latencies: number[] = [];
    for (let i = 0; i < REQUESTS; i += 1) latencies.push(await fetchOnce());

    const stats = percentiles(latencies);
    console.log(
      JSON.stringify(
        {
          slots: SLOTS,
          bodyBytes: bytes,
          warmup: WARMUP,
          requests: REQUESTS,
          sequential: true,
          latencyMs: {
            p50: round(stats.p50),
            p95: round(stats.p95),
            p99: round(stats.p99),
            max: round(stats.max),
          },
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
