import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

/**
 * Parses JSON bodies as a Nest middleware, so that malformed JSON (400) and bodies over the
 * limit (413) reach the problem-details filter like every other error.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly parse: ReturnType<typeof express.json>;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.parse = express.json({
      limit: config.BODY_LIMIT,
      strict: false,
      type: ['application/json', 'application/*+json'],
    });
  }

  async use(request: Request, response: Response, next: NextFunction): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.parse(request, response, (error?: unknown) => (error ? reject(error) : resolve()));
    });
    // A POST without a body (e.g. /cancel with no reason) is an empty object, not a type error.
    if (request.body === undefined && ['POST', 'PATCH', 'PUT'].includes(request.method))
      request.body = {};
    next();
  }
}
