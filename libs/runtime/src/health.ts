import { Controller, Get, HttpCode, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';

/** A dependency the service needs to be ready: its database, the broker, Redis. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: ReadinessCheck): Promise<[string, 'up' | 'down']> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return [check.name, 'up'];
  } catch {
    return [check.name, 'down'];
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
  ): Promise<{ status: 'up' | 'down'; checks: Record<string, string> }> {
    const results = await Promise.all(this.checks.map(runCheck));
    const down = results.some(([, state]) => state === 'down');
    res.status(down ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK);
    return { status: down ? 'down' : 'up', checks: Object.fromEntries(results) };
  }
}

export function redisReadiness(redis: { ping(): Promise<unknown> }): ReadinessCheck {
  return {
    name: 'redis',
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
