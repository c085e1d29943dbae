import { Controller } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthController as RuntimeHealthController } from '@slotbook/runtime';
import { Public } from './auth/auth.decorators';

/**
 * Health is open: orchestrators carry no tokens. Metrics are not served here but on
 * METRICS_PORT (the runtime's MetricsServer), so `/metrics` on the API port is a 404.
 */
@Public()
@ApiExcludeController()
@Controller('health')
export class HealthController extends RuntimeHealthController {}
