import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { BrokerProbe, CommandBus } from '@slotbook/messaging';
import { REDIS } from './core/redis.provider';

@Injectable()
export class GatewayLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly bus: CommandBus,
    private readonly broker: BrokerProbe,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    await this.broker.close();
    this.redis.disconnect();
  }
}
