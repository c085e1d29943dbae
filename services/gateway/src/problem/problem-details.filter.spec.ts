import { HttpException, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { DomainError, ErrorCode } from '@slotbook/contracts';
import { ProblemDetailsFilter } from './problem-details.filter';

function capture(exception: unknown) {
  const sent: { status?: number; type?: string; body?: string; headers: Record<string, string> } = {
    headers: {},
  };
  const response = {
    headersSent: false,
    setHeader: (name: string, value: string) => (sent.headers[name.toLowerCase()] = value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    type(value: string) {
      sent.type = value;
      return this;
    },
    send(body: string) {
      sent.body = body;
      return this;
    },
  };
  const host = {
    switchToHttp: () => ({
      getResponse: () => response,
      getRequest: () => ({ originalUrl: '/api/v1/x' }),
    }),
  } as unknown as ArgumentsHost;
  new ProblemDetailsFilter().catch(exception, host);
  return { ...sent, problem: JSON.parse(sent.body ?? '{}') };
}

describe('problem details: every error leaves the gateway the same way', () => {
  it.each([
    [ErrorCode.ValidationFailed, 422],
    [ErrorCode.NotFound, 404],
    [ErrorCode.Conflict, 409],
    [ErrorCode.SlotTaken, 409],
    [ErrorCode.InvalidTransition, 409],
    [ErrorCode.Unauthorized, 401],
    [ErrorCode.Forbidden, 403],
    [ErrorCode.RateLimited, 429],
    [ErrorCode.Unavailable, 503],
  ])('maps %s to %i as application/problem+json', (code, status) => {
    const sent = capture(new DomainError(code, 'what happened'));
    expect(sent.status).toBe(status);
    expect(sent.type).toBe('application/problem+json');
    expect(sent.problem).toEqual({
      type: expect.stringMatching(/^https:\/\/slotbook\.dev\/problems\//),
      title: expect.any(String),
      status,
      detail: 'what happened',
      instance: '/api/v1/x',
    });
  });

  it('carries field errors of a validation failure', () => {
    const sent = capture(
      DomainError.validation('bad', [{ path: 'startTime', message: 'is in the past' }]),
    );
    expect(sent.problem.errors).toEqual([{ path: 'startTime', message: 'is in the past' }]);
  });

  it('sets Retry-After for a rate limit', () => {
    const sent = capture(
      new DomainError(ErrorCode.RateLimited, 'slow down', { retryAfterSeconds: 7 }),
    );
    expect(sent.headers['retry-after']).toBe('7');
  });

  it('turns body-parser failures (http-errors: a client status, exposed) into 400, 413 and 415', () => {
    const parserError = (error: Error, fields: { type?: string; status: number }) =>
      Object.assign(error, { ...fields, expose: true });
    expect(
      capture(
        parserError(new SyntaxError('Unexpected token'), {
          type: 'entity.parse.failed',
          status: 400,
        }),
      ).status,
    ).toBe(400);
    expect(
      capture(parserError(new Error('too large'), { type: 'entity.too.large', status: 413 }))
        .status,
    ).toBe(413);
    expect(
      capture(parserError(new Error('unsupported'), { type: 'encoding.unsupported', status: 415 }))
        .status,
    ).toBe(415);
    // A body that is not what its Content-Encoding says: zlib's error, with no `type`.
    const corrupt = capture(parserError(new Error('incorrect header check'), { status: 400 }));
    expect(corrupt.status).toBe(400);
    expect(corrupt.problem.detail).toBe('the request body could not be read');
    // Anything else that merely carries a status is not the client's fault.
    expect(capture(Object.assign(new Error('upstream'), { status: 400 })).status).toBe(500);
  });

  it('answers an unknown route with a 404 problem', () => {
    expect(capture(new NotFoundException('Cannot GET /nope')).problem).toMatchObject({
      status: 404,
      detail: 'no such resource',
    });
    expect(capture(new HttpException('x', 405)).status).toBe(405);
  });

  it('never leaks what an unexpected error says', () => {
    const error = new Error(
      'E11000 duplicate key error collection: secret.users index: emailLower_1',
    );
    const sent = capture(error);
    expect(sent.status).toBe(500);
    expect(sent.body).not.toContain('E11000');
    expect(sent.body).not.toContain('secret');
  });
});
