import { z } from 'zod';
import {
  CreateWebhookBody,
  DeliveryAccepted,
  DeliveryStatus,
  EventTypesParam,
  FeedPage,
  PageCursorParam,
  PageLimitParam,
  UpdateWebhookBody,
  Webhook,
  WebhookDeliveryPage,
  WebhookDeliveryParams,
  WebhookIdParam,
  WebhookPage,
  WebhookWithSecret,
} from '@slotbook/contracts';
import { createZodDto } from '../docs/zod-dto';

export class CreateWebhookDto extends createZodDto(CreateWebhookBody) {}
export class UpdateWebhookDto extends createZodDto(UpdateWebhookBody) {}
export class WebhookDto extends createZodDto(Webhook) {}
export class WebhookWithSecretDto extends createZodDto(WebhookWithSecret) {}
export class WebhookPageDto extends createZodDto(WebhookPage) {}
export class WebhookIdParamDto extends createZodDto(WebhookIdParam) {}
export class WebhookDeliveryParamsDto extends createZodDto(WebhookDeliveryParams) {}
export class WebhookDeliveryPageDto extends createZodDto(WebhookDeliveryPage) {}
export class DeliveryAcceptedDto extends createZodDto(DeliveryAccepted) {}
export class FeedPageDto extends createZodDto(FeedPage) {}

export class ListWebhooksQueryDto extends createZodDto(
  z.strictObject({ limit: PageLimitParam, cursor: PageCursorParam }),
) {}
export class ListDeliveriesQueryDto extends createZodDto(
  z.strictObject({
    status: DeliveryStatus.optional(),
    limit: PageLimitParam,
    cursor: PageCursorParam,
  }),
) {}
export class FeedQueryDto extends createZodDto(
  z.strictObject({
    after: PageCursorParam.describe(
      'a `nextCursor` of this feed; from the oldest kept event without it',
    ),
    types: EventTypesParam.describe(
      'comma-separated event types, e.g. `booking.created,booking.cancelled`',
    ),
    limit: PageLimitParam,
  }),
) {}
