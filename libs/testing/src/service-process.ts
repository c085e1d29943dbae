import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './ports';

export type ServiceName =
  'identity' | 'availability' | 'booking' | 'webhooks' | 'notifications' | 'gateway';

const REPO_ROOT = join(__dirname, '..', '..', '..');

/** One running replica of a service, started from its build output like in production. */
export class ServiceProcess {
  private child?: ChildProcess;
  private output: string[] = [];
  port = 0;
  /** Where the replica serves Prometheus `/metrics` (METRICS_PORT), apart from its API port. */
  metricsPort = 0;

  constructor(
    readonly name: ServiceName,
    private env: Record<string, string>,
  ) {}

  /** Changes the environment for the next start (e.g. a restart with other settings). */
  withEnv(overrides: Record<string, string>): this {
    this.env = { ...this.env, ...overrides };
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get metricsUrl(): string {
    return `http://127.0.0.1:${this.metricsPort}/metrics`;
  }

  /** The process id while it runs (benchmarks read its CPU time). */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get logs(): string {
    return this.output.join('');
  }

  async start(timeoutMs = 30_000): Promise<void> {
    if (!this.port) this.port = await freePort();
    if (!this.metricsPort) this.metricsPort = await freePort();
    this.output = [];
    // SLOTBOOK_NODE_ARGS (e.g. `--cpu-prof`, for benchmarks) goes to node itself, not to NODE_OPTIONS.
    const nodeArgs = (this.env.SLOTBOOK_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(
      process.execPath,
      [...nodeArgs, join(REPO_ROOT, 'services', this.name, 'dist', 'main.js')],
      {
        cwd: process.cwd(),
        env: {
          PATH: process.env.PATH ?? '',
          LOG_LEVEL: 'warn',
          ...this.env,
          PORT: String(this.port),
          METRICS_PORT: String(this.metricsPort),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 400) this.output.splice(0, 100);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    try {
      await this.waitReady(timeoutMs);
    } catch (error) {
      // A replica that never became ready must not live on: it would consume the shared
      // queues of the suites that follow, against a database nobody else uses.
      await this.kill();
      throw error;
    }
  }

  /** SIGTERM and wait: the graceful path. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  /** SIGKILL: the process dies where it stands, as in a crash. */
  kill(): Promise<void> {
    return this.stop('SIGKILL');
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited during start:\n${this.logs}`);
      try {
        const response = await fetch(`${this.url}/health/ready`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${this.logs}`);
  }
}
