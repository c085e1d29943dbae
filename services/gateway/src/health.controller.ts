import { Controller } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  HealthController as RuntimeHealthController,
  MetricsController as RuntimeMetricsController,
} from '@slotbook/runtime';
import { Public } from './auth/auth.decorators';

/** Health and metrics are open: orchestrators and Prometheus carry no tokens. */
@Public()
@ApiExcludeController()
@Controller('health')
export class HealthController extends RuntimeHealthController {}

@Public()
@ApiExcludeController()
@Controller()
export class MetricsController extends RuntimeMetricsController {}
