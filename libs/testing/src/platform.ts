import { generateJwtKeys } from './keys';
import { infra, mongoUrlFor, uniqueDatabase } from './infra';
import { ServiceProcess, type ServiceName } from './service-process';

export interface PlatformOptions {
  /**
   * One replica of each service by default; webhooks (SPEC §6a) and notifications (SPEC §6c)
   * only when asked for.
   */
  replicas?: Partial<Record<ServiceName, number>>;
  /** Extra environment per service (e.g. a disposable Redis for one of them). */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  adminEmail?: string;
  adminPassword?: string;
}

/**
 * The services (webhooks when asked for) running as separate processes against the real broker, Redis and
 * database: what a client of the gateway sees. Each platform has its own databases.
 */
export class Platform {
  readonly adminEmail: string;
  readonly adminPassword: string;
  readonly databases: Record<Exclude<ServiceName, 'gateway'>, string>;
  readonly replicas: Record<ServiceName, ServiceProcess[]> = {
    identity: [],
    availability: [],
    booking: [],
    webhooks: [],
    notifications: [],
    gateway: [],
  };

  constructor(private readonly options: PlatformOptions = {}) {
    this.adminEmail = options.adminEmail ?? 'admin@slotbook.test';
    this.adminPassword = options.adminPassword ?? 'admin-password-1';
    this.databases = {
      identity: uniqueDatabase('identity'),
      availability: uniqueDatabase('availability'),
      booking: uniqueDatabase('booking'),
      webhooks: uniqueDatabase('webhooks'),
      notifications: uniqueDatabase('notifications'),
    };
    const keys = generateJwtKeys();
    const common = { AMQP_URL: infra.amqpUrl, REDIS_URL: infra.redisUrl, NODE_ENV: 'test' };
    const envOf: Record<ServiceName, Record<string, string>> = {
      identity: {
        ...common,
        MONGO_URL: mongoUrlFor(this.databases.identity),
        JWT_PRIVATE_KEY: keys.privateKey,
        ADMIN_EMAIL: this.adminEmail,
        ADMIN_PASSWORD: this.adminPassword,
      },
      availability: { ...common, MONGO_URL: mongoUrlFor(this.databases.availability) },
      booking: { ...common, MONGO_URL: mongoUrlFor(this.databases.booking) },
      webhooks: { ...common, MONGO_URL: mongoUrlFor(this.databases.webhooks) },
      notifications: { ...common, MONGO_URL: mongoUrlFor(this.databases.notifications) },
      // Every platform counts its own logins: suites never throttle each other.
      gateway: {
        ...common,
        JWT_PUBLIC_KEY: keys.publicKey,
        RATE_LIMIT_NAMESPACE: `rl-${this.databases.identity}`,
      },
    };
    for (const name of Object.keys(envOf) as ServiceName[]) {
      const optIn = name === 'webhooks' || name === 'notifications';
      const count = options.replicas?.[name] ?? (optIn ? 0 : 1);
      for (let i = 0; i < count; i += 1) {
        this.replicas[name].push(
          new ServiceProcess(name, { ...envOf[name], ...(options.env?.[name] ?? {}) }),
        );
      }
    }
  }

  get gatewayUrl(): string {
    return this.replicas.gateway[0].url;
  }

  /**
   * Gateways are started last, once the services behind them consume their queues. When any
   * replica fails to start, every one is stopped before the error goes on: the caller never got
   * the platform to stop, and a replica left running would take the next spec's commands.
   */
  async start(): Promise<this> {
    const order: ServiceName[] = [
      'identity',
      'availability',
      'booking',
      'webhooks',
      'notifications',
    ];
    try {
      await settledAll(
        order.flatMap((name) => this.replicas[name].map((replica) => replica.start())),
      );
      await settledAll(this.replicas.gateway.map((replica) => replica.start()));
    } catch (error) {
      await this.stop();
      throw error;
    }
    return this;
  }

  async stop(): Promise<void> {
    const all = Object.values(this.replicas).flat();
    await Promise.all(all.map((replica) => replica.stop()));
  }

  logs(name: ServiceName): string {
    return this.replicas[name].map((replica) => replica.logs).join('\n');
  }
}

/** Waits for every promise; then throws the first rejection, if any. */
async function settledAll(promises: Array<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find(
    (result): result is PromiseRejectedResult => result.status === 'rejected',
  );
  if (failed) throw failed.reason;
}
