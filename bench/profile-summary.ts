/**
 * Summarises V8 CPU profiles written by `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR"`: for
 * each profile, the service it belongs to, how long it was busy, and the functions with the
 * most CPU time, by self time and by inclusive time (what they and their callees took).
 *
 *   npm run bench:profile-summary -- /tmp/prof/*.cpuprofile
 *   BENCH_TOP=30 npm run bench:profile-summary -- /tmp/prof/*.cpuprofile
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const TOP = Number(process.env.BENCH_TOP ?? 15);

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.split('/').slice(-2).join('/');
  return `${functionName || '(anonymous)'} ${where}:${lineNumber}`;
}

function top(times: Map<string, number>): string[] {
  return [...times]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(([name, micros]) => `${(micros / 1000).toFixed(0).padStart(8)} ms  ${name}`);
}

function summarise(file: string): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parentOf.set(child, node.id);

  const sampled = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    sampled.set(id, (sampled.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );

  let total = 0;
  let idle = 0;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, micros] of sampled) {
    total += micros;
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') {
      idle += micros;
      continue;
    }
    self.set(label(node), (self.get(label(node)) ?? 0) + micros);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const name = label(byId.get(at)!);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
    }
  }
  const service =
    profile.nodes
      .map((node) => /services\/(\w+)\/dist/.exec(node.callFrame.url)?.[1])
      .find(Boolean) ?? 'unknown';
  return [
    `== ${file}: ${service}, busy ${((total - idle) / 1e6).toFixed(1)} s of ${(total / 1e6).toFixed(1)} s`,
    '-- self time',
    ...top(self),
    '-- inclusive time',
    ...top(inclusive),
  ].join('\n');
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: npm run bench:profile-summary -- <file.cpuprofile>...');
  process.exit(2);
}
console.log(files.map(summarise).join('\n\n'));
