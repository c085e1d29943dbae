import 'reflect-metadata';
import { bootService } from '@slotbook/service-kit';
import { loadGatewayConfig } from './config';
import { startGateway } from './http/start-gateway';

bootService({
  name: 'gateway',
  config: loadGatewayConfig,
  start: startGateway,
});
