import { Inject, Injectable } from '@nestjs/common';
import { ManageTokenCodec } from '@slotbook/runtime';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

/**
 * The gateway's manage links (SPEC §5b), under its MANAGE_TOKEN_SECRET: made for a guest's
 * create and read from `/manage/:token`. Notifications makes the same links for its mail.
 */
@Injectable()
export class ManageTokens extends ManageTokenCodec {
  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    super(config.MANAGE_TOKEN_SECRET);
  }
}
