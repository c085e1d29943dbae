/**
 * The CPU side of bench/naive/side-by-side.sh, measured as /work/shared/tools/cost/breakdown.sh
 * measures it (utime + stime of every process from /proc/<pid>/stat, children reaped included,
 * before the load generator starts and after 5 s of drain, divided by the 201s), with the
 * processes grouped as bench/process-cpu.ts groups them plus the naive API.
 *
 *   cpu-per-create.ts sample                         one sample: {"t": ms, "cpu": {group: s}}
 *   cpu-per-create.ts line SYSTEM ROUND LOAD A B     one run's JSON line from load.mjs's line
 *                                                    and the samples before (A) and after (B)
 *   cpu-per-create.ts summary FILE                   the ratio line from the runs' lines
 *
 * Slotbook's stack is its six services, the mail sink scripts/up.sh starts (a booking's mails
 * are part of its cost), RabbitMQ and Redis.
 *
 * Env for `sample`: SLOTBOOK_PIDS (the services' pids from .run/*.pid, comma-separated; empty:
 * every Slotbook service on the machine), DEVDB_LISTEN (host:port of the devdb both systems
 * use), PG_DATABASE (devdb's PostgreSQL database: backends of other databases are not counted).
 */
import { readFileSync } from 'node:fs';
import { platformClassifier, sampleCpu, type Classifier } from '../process-cpu';

/** The processes each system needs to make a booking; devdb and PostgreSQL serve both. */
const STACKS: Record<string, string[]> = {
  slotbook: [
    'gateway',
    'identity',
    'availability',
    'booking',
    'webhooks',
    'notifications',
    'mail-sink',
    'devdb',
    'postgres',
    'rabbitmq',
    'redis',
  ],
  naive: ['naive', 'devdb', 'postgres'],
};
const ALL_GROUPS = [...new Set(Object.values(STACKS).flat())];

interface Sample {
  t: number;
  cpu: Record<string, number>;
}
interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  driverCpuMs?: number;
}
interface RunLine {
  system: string;
  round: number;
  rps: number;
  p99: number;
  cpuMsPerCreate: number;
  ok: number;
  cpuMs: number;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

function classifier(): Classifier {
  const pids = (process.env.SLOTBOOK_PIDS ?? '').split(',').filter(Boolean).map(Number);
  const platform = platformClassifier(pids.length > 0 ? new Set(pids) : undefined, {
    devdbListen: process.env.DEVDB_LISTEN ?? '127.0.0.1:27017',
    pgDatabase: process.env.PG_DATABASE ?? 'slotbook_devdb',
  });
  const pgDatabase = process.env.PG_DATABASE ?? 'slotbook_devdb';
  return (proc) => {
    if (proc.cmdline.includes('bench/naive/naive-api')) return 'naive';
    // scripts/up.sh's SMTP sink catches the mails a booking sends: Slotbook's work.
    if (proc.cmdline.includes('scripts/mail-sink.js')) return 'mail-sink';
    // The load generator and this harness (whose shell reaps the generator's CPU) are neither
    // system's work nor the rest of the machine's.
    if (/(^| )\S*(load\.mjs|side-by-side\.sh|cpu-per-create\.ts)( |$)/.test(proc.cmdline)) {
      return 'driver';
    }
    // breakdown.sh counts every PostgreSQL process; on a shared machine, backends of other
    // databases are someone else's work. The postmaster and its background workers (WAL
    // writer, checkpointer, autovacuum) do ours too, so they count, as in breakdown.sh.
    if (proc.comm === 'postgres' || proc.cmdline.startsWith('postgres')) {
      const backend = /^postgres: \S+ (\S+) (\S+\(\d+\)|\[local\])/.exec(proc.cmdline);
      return !backend || backend[1] === pgDatabase ? 'postgres' : 'other';
    }
    return platform(proc) ?? 'other';
  };
}

function sample(): Sample {
  const cpu = Object.fromEntries(sampleCpu(classifier()));
  return { t: Date.now(), cpu };
}

/** CPU ms each group spent between two samples. */
function spentMs(before: Sample, after: Sample): Record<string, number> {
  const spent: Record<string, number> = {};
  for (const [group, seconds] of Object.entries(after.cpu)) {
    spent[group] = Math.max(0, seconds - (before.cpu[group] ?? 0)) * 1000;
  }
  return spent;
}

function line(system: string, roundNo: number, load: LoadResult, before: Sample, after: Sample) {
  const spent = spentMs(before, after);
  const sum = (groups: string[]) => groups.reduce((total, g) => total + (spent[g] ?? 0), 0);
  const creates = Math.max(1, load.ok);
  const stack = STACKS[system];
  if (!stack) throw new Error(`unknown system '${system}'`);
  const cpuMs = sum(stack);
  const perCreate = Object.fromEntries(
    ALL_GROUPS.filter((g) => (spent[g] ?? 0) > 0).map((g) => [g, round2(spent[g]! / creates)]),
  );
  const wallSeconds = (after.t - before.t) / 1000;
  return {
    system,
    round: roundNo,
    rps: load.rps,
    p50: load.p50,
    p99: load.p99,
    ok: load.ok,
    non2xx: load.non2xx,
    errors: load.errors,
    timeouts: load.timeouts,
    // The system's own processes and the devdb and PostgreSQL under both.
    cpuMsPerCreate: round2(cpuMs / creates),
    // Every counted process, the other system's idle ones included.
    cpuMsPerCreateAllGroups: round2(sum(ALL_GROUPS) / creates),
    perCreateMs: perCreate,
    cpuMs: Math.round(cpuMs),
    // Cores busy with work that is neither system's nor the load generator's: noise.
    otherCores: round2((spent.other ?? 0) / 1000 / wallSeconds),
    // load.mjs's own count; its process is not in any group above.
    driverCpuMsPerCreate: round2((load.driverCpuMs ?? 0) / creates),
  };
}

function summary(file: string) {
  const runs = readFileSync(file, 'utf8')
    .split('\n')
    .filter((text) => text.trim().startsWith('{'))
    .map((text) => JSON.parse(text) as RunLine);
  const of = (system: string) => {
    const mine = runs.filter((run) => run.system === system);
    const creates = mine.reduce((total, run) => total + run.ok, 0);
    return {
      runs: mine.length,
      rps: Math.round(mine.reduce((total, run) => total + run.rps, 0) / Math.max(1, mine.length)),
      p99Max: Math.max(0, ...mine.map((run) => run.p99)),
      // Pooled over the runs: all CPU over all creates.
      cpuMsPerCreate: round2(
        mine.reduce((total, run) => total + run.cpuMs, 0) / Math.max(1, creates),
      ),
    };
  };
  const slotbook = of('slotbook');
  const naive = of('naive');
  const rpsRatio = round2(slotbook.rps / Math.max(1, naive.rps));
  const cpuRatio = round2(slotbook.cpuMsPerCreate / Math.max(0.01, naive.cpuMsPerCreate));
  return {
    ratio: { rps: rpsRatio, cpuPerCreate: cpuRatio },
    // Issue 16: at least 1.5x the naive API's creates/s at no more than its CPU per create.
    target: { rps: '>= 1.5', cpuPerCreate: '<= 1' },
    met: rpsRatio >= 1.5 && cpuRatio <= 1,
    slotbook,
    naive,
  };
}

const [command, ...args] = process.argv.slice(2);
const readJson = <T>(text: string | undefined): T => JSON.parse(text ?? '') as T;
switch (command) {
  case 'sample':
    console.log(JSON.stringify(sample()));
    break;
  case 'line': {
    const [system, roundNo, load, before, after] = args;
    const result = line(
      system ?? '',
      Number(roundNo),
      readJson<LoadResult>(load),
      readJson<Sample>(before),
      readJson<Sample>(after),
    );
    console.log(JSON.stringify(result));
    break;
  }
  case 'summary':
    console.log(JSON.stringify(summary(args[0] ?? '/dev/stdin')));
    break;
  default:
    console.error('usage: cpu-per-create.ts sample | line SYSTEM ROUND LOAD A B | summary FILE');
    process.exit(2);
}
