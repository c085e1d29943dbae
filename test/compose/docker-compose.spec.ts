import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * SPEC §7: `docker compose up` runs RabbitMQ (with its management UI), Redis, one MongoDB per
 * service and the four services, with health checks and restart policies, and booking and
 * availability scale out as competing consumers. No Docker engine is needed to check the shape.
 */

const ROOT = join(__dirname, '..', '..');

interface ComposeService {
  image?: string;
  build?:
    string | { context?: string; dockerfile?: string; args?: Record<string, string> | string[] };
  container_name?: string;
  hostname?: string;
  ports?: Array<string | number | { target?: number; published?: string | number }>;
  expose?: Array<string | number>;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: {
    test?: string | string[];
    interval?: string;
    retries?: number;
    disable?: boolean;
  };
  restart?: string;
  volumes?: string[];
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as ComposeFile;
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

const APP_SERVICES = [
  'identity',
  'availability',
  'booking',
  'webhooks',
  'notifications',
  'gateway',
] as const;
const SERVICES_WITH_DATABASE = [
  'identity',
  'availability',
  'booking',
  'webhooks',
  'notifications',
] as const;
/** The services that keep something in Redis (webhooks and notifications keep nothing there). */
const SERVICES_WITH_REDIS = ['identity', 'availability', 'booking', 'gateway'] as const;
const SCALABLE_SERVICES = ['availability', 'booking', 'webhooks', 'notifications'] as const;
const INFRA_SERVICES = [
  'rabbitmq',
  'redis',
  'mongo-identity',
  'mongo-availability',
  'mongo-booking',
  'mongo-webhooks',
  'mongo-notifications',
] as const;
const PORTS: Record<(typeof APP_SERVICES)[number], number> = {
  gateway: 3000,
  identity: 3001,
  availability: 3002,
  booking: 3003,
  webhooks: 3004,
  notifications: 3005,
};
const METRICS_PORTS: Record<(typeof APP_SERVICES)[number], number> = {
  gateway: 9300,
  identity: 9301,
  availability: 9302,
  booking: 9303,
  webhooks: 9304,
  notifications: 9305,
};

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function environment(name: string): Record<string, string> {
  const env = service(name).environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value ?? '')]));
}

function dependencies(name: string): Record<string, string | undefined> {
  const deps = service(name).depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((dep) => [dep, undefined]));
  return Object.fromEntries(Object.entries(deps).map(([dep, spec]) => [dep, spec?.condition]));
}

function publishedPorts(name: string): string[] {
  return (service(name).ports ?? []).map((port) => {
    if (typeof port === 'object') return `${port.published ?? ''}:${port.target ?? ''}`;
    return String(port);
  });
}

function healthcheckCommand(name: string): string {
  const test = service(name).healthcheck?.test ?? [];
  return Array.isArray(test) ? test.join(' ') : test;
}

function buildArgs(name: string): Record<string, string> {
  const build = service(name).build;
  if (!build || typeof build === 'string' || !build.args) return {};
  if (Array.isArray(build.args)) {
    return Object.fromEntries(build.args.map((arg) => arg.split('=', 2) as [string, string]));
  }
  return build.args;
}

describe('docker-compose.yml', () => {
  it('runs RabbitMQ with the management UI, Redis 7 and one MongoDB 7 per service', () => {
    expect(service('rabbitmq').image).toMatch(/^rabbitmq:3\.13-management/);
    expect(service('redis').image).toMatch(/^redis:7/);
    for (const db of INFRA_SERVICES.filter((name) => name.startsWith('mongo-'))) {
      expect(service(db).image).toMatch(/^mongo:7/);
    }
  });

  it('runs the six services, each built from the one Dockerfile with its SERVICE build argument', () => {
    for (const name of APP_SERVICES) {
      const build = service(name).build;
      expect(build).toBeDefined();
      const dockerfileName =
        typeof build === 'object' ? (build.dockerfile ?? 'Dockerfile') : 'Dockerfile';
      expect(dockerfileName).toBe('Dockerfile');
      expect(buildArgs(name)).toEqual({ SERVICE: name });
    }
  });

  it('defines no services beyond the infrastructure and the six application services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [...INFRA_SERVICES, ...APP_SERVICES].sort(),
    );
  });

  describe.each([...INFRA_SERVICES, ...APP_SERVICES])('%s', (name) => {
    it('has a health check', () => {
      const healthcheck = service(name).healthcheck;
      expect(healthcheck?.disable).not.toBe(true);
      expect(healthcheckCommand(name)).not.toBe('');
    });

    it('is restarted unless stopped', () => {
      expect(service(name).restart).toBe('unless-stopped');
    });
  });

  it('checks RabbitMQ with rabbitmq-diagnostics ping and publishes AMQP (5672) and the management UI (15672)', () => {
    expect(healthcheckCommand('rabbitmq')).toMatch(/rabbitmq-diagnostics.*-q.*ping/);
    expect(publishedPorts('rabbitmq')).toEqual(
      expect.arrayContaining(['5672:5672', '15672:15672']),
    );
  });

  it('checks Redis with redis-cli ping', () => {
    expect(healthcheckCommand('redis')).toMatch(/redis-cli.*ping/);
  });

  it.each(['mongo-identity', 'mongo-availability', 'mongo-booking', 'mongo-webhooks'])(
    'checks %s with a mongosh ping and keeps its data in its own volume',
    (name) => {
      expect(healthcheckCommand(name)).toMatch(/mongosh.*ping/);
      const dataVolume = (service(name).volumes ?? []).find((volume) =>
        volume.endsWith(':/data/db'),
      );
      expect(dataVolume).toBe(`${name}-data:/data/db`);
      expect(compose.volumes).toHaveProperty(`${name}-data`);
    },
  );

  it.each(APP_SERVICES)('checks %s through GET /health/ready on its own port', (name) => {
    expect(healthcheckCommand(name)).toContain(`http://127.0.0.1:${PORTS[name]}/health/ready`);
    expect(environment(name).PORT).toBe(String(PORTS[name]));
  });

  it.each(APP_SERVICES)('starts %s only once RabbitMQ is healthy', (name) => {
    expect(dependencies(name)).toMatchObject({ rabbitmq: 'service_healthy' });
    expect(environment(name).AMQP_URL).toMatch(/^amqp:\/\/([^@]+@)?rabbitmq:5672/);
  });

  it.each(SERVICES_WITH_REDIS)('starts %s only once Redis is healthy', (name) => {
    expect(dependencies(name)).toMatchObject({ redis: 'service_healthy' });
    expect(environment(name).REDIS_URL).toMatch(/^redis:\/\/redis:6379/);
  });

  it.each(SERVICES_WITH_DATABASE)('starts %s only once its own MongoDB is healthy', (name) => {
    expect(dependencies(name)).toMatchObject({ [`mongo-${name}`]: 'service_healthy' });
  });

  it('waits for every dependency to be healthy, not merely started', () => {
    for (const name of APP_SERVICES) {
      for (const [dep, condition] of Object.entries(dependencies(name))) {
        expect({ service: name, dep, condition }).toEqual({
          service: name,
          dep,
          condition: 'service_healthy',
        });
      }
    }
  });

  it.each(SERVICES_WITH_DATABASE)(
    'gives %s its own MONGO_URL, pointing at its own MongoDB and its own database',
    (name) => {
      const url = new URL(environment(name).MONGO_URL);
      expect(url.protocol).toBe('mongodb:');
      expect(url.hostname).toBe(`mongo-${name}`);
      expect(url.pathname).toBe(`/${name}`);
    },
  );

  it('gives the gateway no database', () => {
    expect(environment('gateway').MONGO_URL).toBeUndefined();
    expect(Object.keys(dependencies('gateway')).filter((dep) => dep.startsWith('mongo'))).toEqual(
      [],
    );
  });

  it.each(SCALABLE_SERVICES)(
    'lets %s scale out (--scale): no container_name and no fixed host port',
    (name) => {
      expect(service(name).container_name).toBeUndefined();
      expect(service(name).hostname).toBeUndefined();
      expect(service(name).ports ?? []).toEqual([]);
    },
  );

  it('publishes the gateway on port 3000 and no other application service on the host', () => {
    expect(publishedPorts('gateway')).toEqual(['3000:3000']);
    for (const name of APP_SERVICES.filter((app) => app !== 'gateway')) {
      expect(publishedPorts(name)).toEqual([]);
    }
  });

  it.each(APP_SERVICES)(
    'serves the metrics of %s on its METRICS_PORT, on the compose network only',
    (name) => {
      expect(environment(name).METRICS_PORT).toBe(String(METRICS_PORTS[name]));
      expect((service(name).expose ?? []).map(String)).toEqual([String(METRICS_PORTS[name])]);
      expect(
        publishedPorts(name).filter((port) => port.endsWith(`:${METRICS_PORTS[name]}`)),
      ).toEqual([]);
    },
  );

  it('takes the JWT keys from the environment and refuses to start without them', () => {
    expect(environment('identity').JWT_PRIVATE_KEY).toMatch(/^\$\{JWT_PRIVATE_KEY:\?.+\}$/);
    expect(environment('gateway').JWT_PUBLIC_KEY).toMatch(/^\$\{JWT_PUBLIC_KEY:\?.+\}$/);
    expect(environment('gateway').JWT_PRIVATE_KEY).toBeUndefined();
  });

  it('seeds the identity admin from ADMIN_EMAIL and ADMIN_PASSWORD together', () => {
    const env = environment('identity');
    expect(env.ADMIN_EMAIL).toMatch(/^\$\{ADMIN_EMAIL/);
    expect(env.ADMIN_PASSWORD).toMatch(/^\$\{ADMIN_PASSWORD/);
  });
});

describe('Dockerfile', () => {
  const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((match) => ({
    image: match[1],
    name: match[2],
  }));

  it('has a build stage on node:20 and a runtime stage on node:20-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const resolve = (image: string) => image.replace('${NODE_VERSION}', '20');
    expect(dockerfile).toMatch(/^ARG NODE_VERSION=20$/m);
    expect(resolve(stages[0].image)).toBe('node:20');
    expect(resolve(stages[stages.length - 1].image)).toBe('node:20-slim');
  });

  it('compiles with npm ci and tsc -b in the build stage', () => {
    expect(dockerfile).toMatch(/RUN npm ci\b/);
    expect(dockerfile).toMatch(/RUN npx tsc -b tsconfig\.build\.json/);
  });

  it('ships production dependencies only, copied from the build stage', () => {
    expect(dockerfile).toMatch(/npm prune --omit=dev|npm ci --omit=dev/);
    expect(dockerfile).toMatch(new RegExp(`COPY --from=${stages[0].name} .*node_modules`));
  });

  it('selects the service with ARG SERVICE and runs services/$SERVICE/dist/main.js', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^ARG SERVICE$/m);
    expect(runtime).toContain('services/${SERVICE}/dist/main.js');
    expect(runtime).toMatch(/^CMD .*node services\/\$\{SERVICE\}\/dist\/main\.js/m);
  });

  it('does not run the service as root', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER node$/m);
  });
});
