import Redis from 'ioredis';
import { Logger, type Provider } from '@nestjs/common';
import { countRedisCommands } from '@slotbook/runtime';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

export const REDIS = Symbol('REDIS');

const logger = new Logger('Redis');

export const redisProvider: Provider = {
  provide: REDIS,
  inject: [GATEWAY_CONFIG],
  useFactory: (config: GatewayConfig) => {
    const redis = new Redis(config.REDIS_URL, {
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      enableOfflineQueue: false,
    });
    // Without a listener ioredis reports every failed reconnect as an unhandled error.
    redis.on('error', (err: unknown) => logger.warn({ err }, 'redis unavailable'));
    return countRedisCommands(redis);
  },
};
