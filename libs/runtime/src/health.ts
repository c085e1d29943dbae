import { Controller, Get, HttpCode, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';

/**
 * A dependency the service checks for readiness: its database, the broker, Redis. A required
 * one that is down makes the service not ready (503); an optional one (`required: false`: the
 * service serves without it, e.g. booking's lock, backed by the unique index) is reported as
 * down in the body while the service stays ready, `status: "degraded"`.
 */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  /** Default true. */
  required?: boolean;
}

export type ReadinessStatus = 'up' | 'degraded' | 'down';

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: ReadinessCheck): Promise<[ReadinessCheck, 'up' | 'down']> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return [check, 'up'];
  } catch {
    return [check, 'down'];
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/health/live` and `/health/ready`. A service lists this controller and provides
 * {@link READINESS_CHECKS}: its database, the broker, Redis.
 */
@Controller('health')
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  @Get('live')
  @HttpCode(HttpStatus.OK)
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('ready')
  async ready(
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ status: ReadinessStatus; checks: Record<string, string> }> {
    const results = await Promise.all(this.checks.map(runCheck));
    const failing = results.filter(([, state]) => state === 'down').map(([check]) => check);
    const status: ReadinessStatus = failing.some((check) => check.required !== false)
      ? 'down'
      : failing.length > 0
        ? 'degraded'
        : 'up';
    res.status(status === 'down' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK);
    return {
      status,
      checks: Object.fromEntries(results.map(([check, state]) => [check.name, state])),
    };
  }
}

/** `required: false` where the service serves without Redis (locks backed by the database). */
export function redisReadiness(
  redis: { ping(): Promise<unknown> },
  options: { required?: boolean } = {},
): ReadinessCheck {
  return {
    name: 'redis',
    required: options.required ?? true,
    check: async () => {
      await redis.ping();
    },
  };
}

export function brokerReadiness(connection: { isConnected(): boolean }): ReadinessCheck {
  return {
    name: 'broker',
    check: async () => {
      if (!connection.isConnected()) throw new Error('not connected');
    },
  };
}
