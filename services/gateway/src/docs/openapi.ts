import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { cleanupOpenApiDoc } from 'nestjs-zod';

/**
 * OpenAPI 3.1, because zod 4 writes JSON Schema 2020-12, which is 3.1's schema dialect: a
 * nested nullable field is `type: ["string", "null"]`, which nestjs-zod 5.5 does not rewrite
 * into 3.0's `nullable`, so a 3.0 document would carry 3.1 syntax (see also ./zod-dto.ts).
 */
const OPENAPI_VERSION = '3.1.0';

/** Every route of the API sits under this prefix, apart from the health probes. */
export const API_PREFIX = 'api/v1';
export const API_PREFIX_EXCLUDES = ['health/live', 'health/ready'];

/** The document: every route of the gateway, from the zod schemas that validate it. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion(OPENAPI_VERSION)
    .setTitle('Slotbook API')
    .setDescription(
      'Booking platform that never double-books. Every error is RFC 9457 ' +
        '`application/problem+json` (the `ProblemDto` schema); timestamps in must carry an ' +
        'offset, timestamps out are UTC with Z. Domain events are documented in ' +
        'docs/asyncapi.json.',
    )
    .setVersion('1')
    // Paths carry the /api/v1 prefix, so the server is the gateway's origin itself.
    .addServer('/', 'this gateway')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addTag('auth', 'accounts and sessions: register, log in, refresh, log out')
    .addTag('users', 'the signed-in user')
    .addTag('admin', 'user administration and the audit trail (ADMIN)')
    .addTag('availability', "hosts' availability ranges and their free slots")
    .addTag('schedules', 'weekly hours in a time zone, with date overrides')
    .addTag('event-types', 'what can be booked against a schedule: duration, buffers, notice')
    .addTag('bookings', 'booking slots, and what guests and hosts do with bookings')
    .addTag('manage', "a guest's booking by its manage link, with no other credential")
    .addTag('calendar', "calendar files of bookings, and a host's secret calendar feed")
    .addTag('webhooks', 'signed HTTPS deliveries of events, and the event feed (HOST, ADMIN)')
    .build();
  return cleanupOpenApiDoc(SwaggerModule.createDocument(app, config), { version: '3.1' });
}

/** OpenAPI at `/docs-json`, browsable at `/docs`. */
export function mountOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    raw: ['json'],
  });
}
