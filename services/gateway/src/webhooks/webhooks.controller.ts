import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  CreateWebhook,
  DeleteWebhook,
  GetWebhook,
  ListDeliveries,
  ListWebhooks,
  PingWebhook,
  RedeliverDelivery,
  RotateWebhookSecret,
  UpdateWebhook,
  type Actor,
  type DeliveryAccepted,
  type Page,
  type Webhook,
  type WebhookDelivery,
  type WebhookWithSecret,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { PageCursors, filterOf } from '../pagination/page-cursors';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import {
  CreateWebhookDto,
  DeliveryAcceptedDto,
  ListDeliveriesQueryDto,
  ListWebhooksQueryDto,
  UpdateWebhookDto,
  WebhookDeliveryPageDto,
  WebhookDeliveryParamsDto,
  WebhookDto,
  WebhookIdParamDto,
  WebhookPageDto,
  WebhookWithSecretDto,
} from './webhooks.dtos';

const NOT_YOURS = 'no such webhook, or not yours to see';

/** `/webhooks`: SPEC §6a. HOSTs (events about their own records) and ADMINs (all). */
@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('HOST', 'ADMIN')
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly bus: CommandBus,
    private readonly cursors: PageCursors,
  ) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Subscribe an HTTPS endpoint to events' })
  @ApiProblemResponses({
    400: true,
    401: true,
    403: 'a USER has no webhooks',
    409: 'the account has as many webhooks as it may (`WEBHOOK_MAX_PER_OWNER`, 20 by default)',
    413: true,
    422: 'an unknown event type, or a URL that is not https or does not resolve to public addresses',
  })
  @ApiCreatedResponse({
    type: WebhookWithSecretDto,
    description: 'the subscription with its signing `secret`, shown only here',
  })
  create(@CurrentActor() actor: Actor, @Body() body: CreateWebhookDto): Promise<WebhookWithSecret> {
    return this.bus.send(CreateWebhook, { ...body, actor });
  }

  @Get()
  @ApiOperation({ summary: 'List your webhooks (an ADMIN: all of them)' })
  @ApiProblemResponses({ 401: true, 403: 'a USER has no webhooks', 422: 'a bad limit or cursor' })
  @ApiOkResponse({ type: WebhookPageDto, description: 'oldest first; never a secret' })
  list(@CurrentActor() actor: Actor, @Query() query: ListWebhooksQueryDto): Promise<Page<Webhook>> {
    const scope = { route: 'GET /webhooks', actor, filter: filterOf(query) };
    return this.cursors.page(scope, query.cursor, (cursor) =>
      this.bus.send(ListWebhooks, {
        actor,
        query: { limit: query.limit, cursor },
      }),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'A webhook (its owner or an ADMIN)' })
  @ApiProblemResponses({ 401: true, 403: 'a USER has no webhooks', 404: NOT_YOURS, 422: true })
  @ApiOkResponse({ type: WebhookDto, description: 'never the secret' })
  get(@CurrentActor() actor: Actor, @Param() params: WebhookIdParamDto): Promise<Webhook> {
    return this.bus.send(GetWebhook, {
      actor,
      webhookId: params.id,
    });
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the URL, the events or whether a webhook is active' })
  @ApiProblemResponses({
    400: true,
    401: true,
    403: 'a USER has no webhooks',
    404: NOT_YOURS,
    409: 'changed by another request meanwhile; retry',
    413: true,
    422: 'an unknown event type, or a refused URL',
  })
  @ApiOkResponse({ type: WebhookDto, description: 'the webhook after the change' })
  update(
    @CurrentActor() actor: Actor,
    @Param() params: WebhookIdParamDto,
    @Body() body: UpdateWebhookDto,
  ): Promise<Webhook> {
    return this.bus.send(UpdateWebhook, {
      actor,
      webhookId: params.id,
      changes: body,
    });
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a webhook; nothing more is delivered to it' })
  @ApiProblemResponses({ 401: true, 403: 'a USER has no webhooks', 404: NOT_YOURS, 422: true })
  @ApiNoContentResponse({ description: 'deleted' })
  async delete(@CurrentActor() actor: Actor, @Param() params: WebhookIdParamDto): Promise<void> {
    await this.bus.send(DeleteWebhook, {
      actor,
      webhookId: params.id,
    });
  }

  @Post(':id/rotate-secret')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Replace the signing secret; the old one keeps signing for 24 h' })
  @ApiProblemResponses({
    401: true,
    403: 'a USER has no webhooks',
    404: NOT_YOURS,
    409: 'changed by another request meanwhile; retry',
    422: true,
  })
  @ApiOkResponse({
    type: WebhookWithSecretDto,
    description: 'the webhook with its new `secret`, shown only here',
  })
  rotateSecret(
    @CurrentActor() actor: Actor,
    @Param() params: WebhookIdParamDto,
  ): Promise<WebhookWithSecret> {
    return this.bus.send(RotateWebhookSecret, {
      actor,
      webhookId: params.id,
    });
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'The delivery log of a webhook, newest first' })
  @ApiProblemResponses({
    401: true,
    403: 'a USER has no webhooks',
    404: NOT_YOURS,
    422: 'a bad status, limit or cursor',
  })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  deliveries(
    @CurrentActor() actor: Actor,
    @Param() params: WebhookIdParamDto,
    @Query() query: ListDeliveriesQueryDto,
  ): Promise<Page<WebhookDelivery>> {
    const scope = {
      route: 'GET /webhooks/:id/deliveries',
      actor,
      filter: { ...filterOf(query), webhookId: params.id },
    };
    return this.cursors.page(scope, query.cursor, (cursor) =>
      this.bus.send(ListDeliveries, {
        actor,
        webhookId: params.id,
        query: { limit: query.limit, status: query.status, cursor },
      }),
    );
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Deliver again: a new round of attempts, the first one soon' })
  @ApiProblemResponses({
    401: true,
    403: 'a USER has no webhooks',
    404: 'no such webhook or delivery, or not yours to see',
    409: 'the webhook is inactive, or the delivery changed meanwhile (retry)',
    422: true,
  })
  @ApiAcceptedResponse({ type: DeliveryAcceptedDto, description: 'the delivery is due again' })
  redeliver(
    @CurrentActor() actor: Actor,
    @Param() params: WebhookDeliveryParamsDto,
  ): Promise<DeliveryAccepted> {
    return this.bus.send(RedeliverDelivery, {
      actor,
      webhookId: params.id,
      deliveryId: params.deliveryId,
    });
  }

  @Post(':id/ping')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Deliver a `ping` event to the webhook' })
  @ApiProblemResponses({
    401: true,
    403: 'a USER has no webhooks',
    404: NOT_YOURS,
    409: 'the webhook is inactive',
    422: true,
  })
  @ApiAcceptedResponse({ type: DeliveryAcceptedDto, description: 'the ping is on its way' })
  ping(
    @CurrentActor() actor: Actor,
    @Param() params: WebhookIdParamDto,
  ): Promise<DeliveryAccepted> {
    return this.bus.send(PingWebhook, {
      actor,
      webhookId: params.id,
    });
  }
}
