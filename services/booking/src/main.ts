import 'reflect-metadata';
import { BOOKING_QUEUE } from '@slotbook/contracts';
import { startCommandService } from '@slotbook/messaging';
import { BookingModule } from './app.module';
import { loadBookingConfig } from './config';

async function main(): Promise<void> {
  const config = loadBookingConfig();
  await startCommandService({
    module: BookingModule.forRoot(config),
    amqpUrl: config.AMQP_URL,
    queue: BOOKING_QUEUE,
    prefetchCount: config.PREFETCH_COUNT,
    port: config.PORT,
  });
}

void main().catch((error: unknown) => {
  process.stderr.write(
    `booking failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
