import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/**
 * CPU time of every process that serves a request, read from /proc: the services, devdb,
 * PostgreSQL, RabbitMQ and Redis. A process's total is its own user + system time, and for the
 * first process of a group (PostgreSQL's postmaster, RabbitMQ's VM) also the time of the
 * children it has already reaped (PostgreSQL forks a backend per connection), so a difference
 * of two samples is the CPU the group spent in between.
 */
export type CpuSample = Map<string, number>;

interface ProcStat {
  pid: number;
  ppid: number;
  /** own user + system time, in clock ticks */
  own: number;
  /** reaped children's user + system time, in clock ticks */
  reaped: number;
  comm: string;
  cmdline: string;
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

function readStat(pid: number): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    // Fields after the command name start at field 3 (state).
    const fields = stat.slice(close + 2).split(' ');
    const at = (field: number) => Number(fields[field - 3]);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    return {
      pid,
      ppid: at(4),
      own: at(14) + at(15),
      reaped: at(16) + at(17),
      comm,
      cmdline,
    };
  } catch {
    return null; // gone meanwhile
  }
}

/** Which part of the platform a process is, or null for a process that is not ours to count. */
export type Classifier = (process: ProcStat) => string | null;

/**
 * The default classification. `servicePids`, when given, limits the Node services to those
 * processes (a platform the benchmark started itself), so services of other runs on the same
 * machine are not counted. `own`, when given, limits devdb to the one listening there and
 * PostgreSQL to the backends serving its database: other runs on a shared machine are not ours.
 */
export function platformClassifier(
  servicePids?: Set<number>,
  own?: { devdbListen: string; pgDatabase: string },
): Classifier {
  return (proc) => {
    const service =
      /services\/(gateway|identity|availability|booking|webhooks|notifications)\/dist\/main\.js/.exec(
        proc.cmdline,
      );
    if (service) return !servicePids || servicePids.has(proc.pid) ? service[1]! : null;
    const args = proc.cmdline.split(' ');
    if (/(^|\/)devdb( |$)/.test(args[0] ?? '')) {
      return !own || args.includes(own.devdbListen) ? 'devdb' : null;
    }
    if (proc.comm === 'postgres' || proc.cmdline.startsWith('postgres')) {
      return !own || args.includes(own.pgDatabase) ? 'postgres' : null;
    }
    if (proc.comm === 'redis-server') return 'redis';
    if (/rabbit|beam\.smp|erl_child_setup|epmd|inet_gethost/.test(proc.comm + proc.cmdline))
      return 'rabbitmq';
    return null;
  };
}

/** Seconds of CPU each part of the platform has used so far. */
export function sampleCpu(classify: Classifier): CpuSample {
  const stats = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is ProcStat => stat !== null);
  const kinds = new Map<number, string>();
  for (const stat of stats) {
    const kind = classify(stat);
    if (kind) kinds.set(stat.pid, kind);
  }
  const totals: CpuSample = new Map();
  for (const stat of stats) {
    const kind = kinds.get(stat.pid);
    if (!kind) continue;
    const isGroupRoot = kinds.get(stat.ppid) !== kind;
    const ticks = stat.own + (isGroupRoot ? stat.reaped : 0);
    totals.set(kind, (totals.get(kind) ?? 0) + ticks / TICKS_PER_SECOND);
  }
  return totals;
}

/** CPU milliseconds per unit of work between two samples, per part and in total. */
export function cpuPerUnit(
  before: CpuSample,
  after: CpuSample,
  units: number,
): Record<string, number> {
  const result: Record<string, number> = {};
  let total = 0;
  for (const [kind, seconds] of after) {
    const spent = Math.max(0, seconds - (before.get(kind) ?? 0));
    total += spent;
    result[kind] = Math.round(((spent * 1000) / Math.max(1, units)) * 100) / 100;
  }
  result.total = Math.round(((total * 1000) / Math.max(1, units)) * 100) / 100;
  return result;
}
