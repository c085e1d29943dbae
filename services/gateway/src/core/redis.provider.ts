import Redis from 'ioredis';
import type { Provider } from '@nestjs/common';
import { countRedisCommands } from '@slotbook/runtime';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

export const REDIS = Symbol('REDIS');

export const redisProvider: Provider = {
  provide: REDIS,
  inject: [GATEWAY_CONFIG],
  useFactory: (config: GatewayConfig) =>
    countRedisCommands(
      new Redis(config.REDIS_URL, {
        maxRetriesPerRequest: 1,
        connectTimeout: 2_000,
        enableOfflineQueue: false,
      }),
    ),
};
