import { Global, Module, type DynamicModule } from '@nestjs/common';
import { BrokerProbe, CommandBus } from '@slotbook/messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { PageCursors } from '../pagination/page-cursors';
import { REDIS, redisProvider } from './redis.provider';

/** What every route module needs: configuration, the command bus, Redis, page cursors. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        redisProvider,
        {
          provide: CommandBus,
          useFactory: () =>
            new CommandBus({ amqpUrl: config.AMQP_URL, timeoutMs: config.RPC_TIMEOUT_MS }),
        },
        { provide: BrokerProbe, useFactory: () => new BrokerProbe(config.AMQP_URL) },
        PageCursors,
      ],
      exports: [GATEWAY_CONFIG, REDIS, CommandBus, BrokerProbe, PageCursors],
    };
  }
}
