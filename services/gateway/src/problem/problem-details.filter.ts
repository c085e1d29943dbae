import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, ErrorCode, type FieldError, type ProblemDetails } from '@slotbook/contracts';
import { loggableUrl } from '@slotbook/runtime';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  [ErrorCode.ValidationFailed]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.Conflict]: HttpStatus.CONFLICT,
  [ErrorCode.SlotTaken]: HttpStatus.CONFLICT,
  [ErrorCode.InvalidTransition]: HttpStatus.CONFLICT,
  [ErrorCode.Unauthorized]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.Forbidden]: HttpStatus.FORBIDDEN,
  [ErrorCode.RateLimited]: HttpStatus.TOO_MANY_REQUESTS,
  [ErrorCode.Unavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.Internal]: HttpStatus.INTERNAL_SERVER_ERROR,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const PROBLEM_TYPE_BASE = 'https://slotbook.dev/problems/';

/**
 * Errors from express's body parser, which reach us before any route runs: http-errors with a
 * client status, `expose` set, and a `type` for the parser's own checks (a decompression
 * failure of a body that is not what its Content-Encoding says has none).
 */
interface BodyParserError {
  type?: string;
  status: number;
  expose: true;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  if (typeof error !== 'object' || error === null) return false;
  const { status, expose } = error as Partial<BodyParserError>;
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true;
}

/**
 * The one place where errors become HTTP: every failure leaves as RFC 9457 problem+json.
 * Nothing internal (stacks, driver messages, ids) is ever copied into the body.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const response = context.getResponse<Response>();
    const request = context.getRequest<Request>();
    const { status, slug, detail, errors, retryAfter } = this.describe(exception);
    if (status >= 500 && status !== 503) {
      this.logger.error({ err: exception }, 'unhandled error');
    }
    const problem: ProblemDetails = {
      type: `${PROBLEM_TYPE_BASE}${slug}`,
      title: TITLES[status] ?? 'Error',
      status,
      detail,
      instance: loggableUrl(request.originalUrl),
      ...(errors && errors.length > 0 ? { errors } : {}),
    };
    if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
    if (response.headersSent) return;
    response.status(status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private describe(exception: unknown): {
    status: number;
    slug: string;
    detail: string;
    errors?: FieldError[];
    retryAfter?: number;
  } {
    if (exception instanceof DomainError) {
      const retryAfter = exception.details?.retryAfterSeconds;
      return {
        status: STATUS_BY_CODE[exception.code],
        slug: exception.code.toLowerCase().replace(/_/g, '-'),
        detail: exception.message,
        errors: exception.details?.errors,
        ...(typeof retryAfter === 'number' ? { retryAfter } : {}),
      };
    }
    if (isBodyParserError(exception)) {
      if (exception.type === 'entity.too.large') {
        return {
          status: 413,
          slug: 'payload-too-large',
          detail: 'the request body is larger than allowed',
        };
      }
      if (exception.type === 'entity.parse.failed') {
        return {
          status: 400,
          slug: 'malformed-json',
          detail: 'the request body is not valid JSON',
        };
      }
      if (
        exception.type === 'encoding.unsupported' ||
        exception.type === 'charset.unsupported' ||
        exception.status === 415
      ) {
        return {
          status: 415,
          slug: 'unsupported-media-type',
          detail: 'the request body encoding is not supported',
        };
      }
      return { status: 400, slug: 'bad-request', detail: 'the request body could not be read' };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const detail =
        status === 404
          ? 'no such resource'
          : status < 500
            ? (TITLES[status] ?? 'request refused').toLowerCase()
            : 'the request could not be handled';
      return {
        status,
        slug: (TITLES[status] ?? 'error').toLowerCase().replace(/\s+/g, '-'),
        detail,
      };
    }
    return {
      status: STATUS_BY_CODE[ErrorCode.Internal],
      slug: ErrorCode.Internal.toLowerCase(),
      detail: 'an unexpected error occurred',
    };
  }
}
