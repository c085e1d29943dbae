import {
  Module,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type Redis from 'ioredis';
import { createZodValidationPipe } from 'nestjs-zod';
import type { ZodError } from 'zod';
import { DomainError, fieldErrorsFromZod } from '@slotbook/contracts';
import { BrokerProbe } from '@slotbook/messaging';
import {
  MetricsModule,
  READINESS_CHECKS,
  brokerReadiness,
  loggerModule,
  redisReadiness,
} from '@slotbook/runtime';
import { AccessTokenVerifier } from './auth/access-token.verifier';
import { AuthGuard } from './auth/auth.guard';
import { AvailabilityRoutesModule } from './availability/availability-routes.module';
import { BookingRoutesModule } from './booking/booking-routes.module';
import { CalendarRoutesModule } from './calendar/calendar-routes.module';
import type { GatewayConfig } from './config';
import { CoreModule } from './core/core.module';
import { REDIS } from './core/redis.provider';
import { GatewayLifecycle } from './gateway.lifecycle';
import { HealthController } from './health.controller';
import { HttpMetricsMiddleware } from './http/http-metrics.middleware';
import { JsonBodyMiddleware } from './http/json-body.middleware';
import { IdentityRoutesModule } from './identity/identity-routes.module';
import { ProblemDetailsFilter } from './problem/problem-details.filter';
import { MailRoutesModule } from './mail/mail-routes.module';
import { WebhooksRoutesModule } from './webhooks/webhooks-routes.module';

/** Every body, query and path parameter is validated by its zod schema; failures are 422. */
const ValidationPipe = createZodValidationPipe({
  createValidationException: (error) =>
    DomainError.validation('the request is invalid', fieldErrorsFromZod(error as ZodError)),
});

@Module({})
export class GatewayModule implements NestModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        loggerModule('gateway', config.LOG_LEVEL),
        MetricsModule.forRoot(config.METRICS_PORT),
        CoreModule.forRoot(config),
        IdentityRoutesModule,
        AvailabilityRoutesModule,
        BookingRoutesModule,
        CalendarRoutesModule,
        WebhooksRoutesModule,
        MailRoutesModule,
      ],
      controllers: [HealthController],
      providers: [
        {
          provide: READINESS_CHECKS,
          inject: [BrokerProbe, REDIS],
          useFactory: (broker: BrokerProbe, redis: Redis) => [
            brokerReadiness(broker),
            redisReadiness(redis),
          ],
        },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useClass: ValidationPipe },
        { provide: APP_GUARD, useClass: AuthGuard },
        AccessTokenVerifier,
        GatewayLifecycle,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware, JsonBodyMiddleware).forRoutes('*path');
  }
}
