import { execFileSync } from 'node:child_process';
import type { Platform } from '@slotbook/testing';

/**
 * What the services count of their own cost (libs/runtime's cost counters, SPEC §11), read from
 * every replica's /metrics and summed per service: `service → "kind label,label" → count`.
 */
export type CounterSample = Map<string, Map<string, number>>;

const COUNTERS: Record<string, string> = {
  slotbook_mongo_commands_total: 'mongo',
  slotbook_redis_commands_total: 'redis',
  slotbook_broker_publishes_total: 'broker',
};

const CREATED = 'booking.created published';

/**
 * Bookings made between two samples: the `booking.created` events the services published
 * (one per booking made). Not the gateway's 201s: a create the gateway gave up on (503 at its
 * timeout) may still have been made, and its work is in every other counter.
 */
export function bookingsCreated(before: CounterSample, after: CounterSample): number {
  const created = (sample: CounterSample) =>
    [...sample.values()].reduce((sum, counts) => sum + (counts.get(CREATED) ?? 0), 0);
  return created(after) - created(before);
}

export async function sampleCounters(platform: Platform): Promise<CounterSample> {
  const sample: CounterSample = new Map();
  for (const [service, replicas] of Object.entries(platform.replicas)) {
    const counts = new Map<string, number>();
    for (const replica of replicas) {
      const text = await (await fetch(replica.metricsUrl)).text();
      for (const line of text.split('\n')) {
        const match = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
        if (
          match?.[1] === 'slotbook_events_published_total' &&
          match[2] === 'type="booking.created"'
        ) {
          counts.set(CREATED, (counts.get(CREATED) ?? 0) + Number(match[3]));
        }
        const kind = match && COUNTERS[match[1]!];
        if (!kind) continue;
        const labels = [...match[2]!.matchAll(/\w+="([^"]*)"/g)].map((label) => label[1] || '-');
        const key = `${kind} ${labels.join(' ')}`;
        counts.set(key, (counts.get(key) ?? 0) + Number(match[3]));
      }
    }
    sample.set(service, counts);
  }
  return sample;
}

export interface CountsPerUnit {
  /** Per kind (mongo, redis, broker): the total over every service, then each service's share. */
  [kind: string]: { total: number; [service: string]: number | Record<string, number> };
}

/**
 * Counts per unit of work between two samples: per kind, the total, each service's total and
 * its counts by label (`booking: {insert bookings: 1, ...}`), leaving out what rounds to 0.
 */
export function countsPerUnit(
  before: CounterSample,
  after: CounterSample,
  units: number,
): CountsPerUnit {
  const result: CountsPerUnit = {};
  const per = (count: number) => Math.round((count / Math.max(1, units)) * 100) / 100;
  for (const kind of Object.values(COUNTERS)) {
    const ofKind: CountsPerUnit[string] = { total: 0 };
    let total = 0;
    for (const [service, counts] of after) {
      const byLabel: Record<string, number> = {};
      let serviceTotal = 0;
      for (const [key, value] of counts) {
        if (!key.startsWith(`${kind} `)) continue;
        const spent = value - (before.get(service)?.get(key) ?? 0);
        serviceTotal += spent;
        if (per(spent) > 0) byLabel[key.slice(kind.length + 1)] = per(spent);
      }
      total += serviceTotal;
      if (per(serviceTotal) > 0) {
        ofKind[service] = per(serviceTotal);
        ofKind[`${service} by label`] = byLabel;
      }
    }
    ofKind.total = per(total);
    result[kind] = ofKind;
  }
  return result;
}

/** PostgreSQL's statistics of one database (devdb's): transactions and rows so far. */
export type PgSample = {
  at: number;
  transactions: number;
  inserted: number;
  updated: number;
  deleted: number;
  read: number;
} | null;

/**
 * Reads pg_stat_database with psql (as /work/shared/tools/cost/opcount.sh does); null without a
 * database name. The statistics lag by up to a second: callers sample after a quiet spell.
 */
export function samplePg(database: string | undefined): PgSample {
  if (!database) return null;
  const out = execFileSync(
    'psql',
    [
      '-h',
      process.env.PGHOST ?? '127.0.0.1',
      '-U',
      process.env.PGUSER ?? 'postgres',
      '-d',
      'postgres',
      '-Atc',
      `select pg_stat_clear_snapshot(); select xact_commit + xact_rollback, tup_inserted, tup_updated, tup_deleted, tup_returned from pg_stat_database where datname = '${database}'`,
    ],
    { encoding: 'utf8' },
  );
  const [transactions, inserted, updated, deleted, read] = out
    .trim()
    .split('\n')
    .pop()!
    .split('|')
    .map(Number);
  return {
    at: Date.now(),
    transactions: transactions!,
    inserted: inserted!,
    updated: updated!,
    deleted: deleted!,
    read: read!,
  };
}

/** PostgreSQL transactions and rows per unit of work between two samples. */
export function pgPerUnit(before: PgSample, after: PgSample, units: number) {
  if (!before || !after) return null;
  const per = (a: number, b: number) => Math.round(((b - a) / Math.max(1, units)) * 100) / 100;
  return {
    transactions: per(before.transactions, after.transactions),
    rowsInserted: per(before.inserted, after.inserted),
    rowsUpdated: per(before.updated, after.updated),
    rowsDeleted: per(before.deleted, after.deleted),
    rowsRead: per(before.read, after.read),
  };
}
