import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { GatewayModule } from '../app.module';
import { GatewayEnv } from '../config';
import { API_PREFIX, API_PREFIX_EXCLUDES, buildOpenApiDocument } from './openapi';

/**
 * Writes the OpenAPI document of /docs-json to the file named by the first argument, without a
 * broker, Redis or a port: Nest's preview mode reads the routes without creating providers. The
 * web app generates its API types from it at build time, so a contract change breaks its type
 * check (SPEC §10).
 */
async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: write-openapi <output.json>');
  // Placeholders: in preview mode nothing connects, and the document does not depend on them.
  const config = GatewayEnv.parse({
    AMQP_URL: 'amqp://preview.invalid',
    REDIS_URL: 'redis://preview.invalid',
    JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----',
    LOG_LEVEL: 'silent',
  });
  const app = await NestFactory.create(GatewayModule.forRoot(config), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: API_PREFIX_EXCLUDES });
  writeFileSync(out, `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`);
  await app.close();
}

void main().catch((error: unknown) => {
  process.stderr.write(
    `write-openapi failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
