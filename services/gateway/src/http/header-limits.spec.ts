import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  HEADER_BLOCK_LIMIT_BYTES,
  HEADER_COUNT_LIMIT,
  headerBlockBytes,
  refuseOversizedHeaders,
} from './header-limits';

function requestWith(fields: Array<[string, string]>, url = '/api/v1/users/me'): IncomingMessage {
  return { method: 'GET', url, httpVersion: '1.1', rawHeaders: fields.flat() } as IncomingMessage;
}

function answerTo(request: IncomingMessage) {
  const answer = { passed: false, status: 0, headers: {} as Record<string, unknown>, body: '' };
  const response = {
    set statusCode(status: number) {
      answer.status = status;
    },
    setHeader: (name: string, value: unknown) => (answer.headers[name.toLowerCase()] = value),
    end: (body: string) => (answer.body = body),
  } as unknown as ServerResponse;
  refuseOversizedHeaders(request, response, () => (answer.passed = true));
  return answer;
}

describe('the header limits', () => {
  it('counts the head as sent: request line, each field as "Name: value" CRLF, the blank line', () => {
    const fields: Array<[string, string]> = [
      ['Host', 'example.test'],
      ['X-Request-Id', 'abc'],
    ];
    const sent = 'GET /api/v1/users/me HTTP/1.1\r\nHost: example.test\r\nX-Request-Id: abc\r\n\r\n';
    expect(headerBlockBytes(requestWith(fields))).toBe(sent.length);
  });

  it(`lets through ${HEADER_COUNT_LIMIT} fields in ${HEADER_BLOCK_LIMIT_BYTES} bytes`, () => {
    const fields = Array.from({ length: HEADER_COUNT_LIMIT }, (_, i): [string, string] => [
      `X-F${i}`,
      'v',
    ]);
    const request = requestWith(fields);
    const room = HEADER_BLOCK_LIMIT_BYTES - headerBlockBytes(request);
    fields[0][1] += 'v'.repeat(room);
    expect(headerBlockBytes(requestWith(fields))).toBe(HEADER_BLOCK_LIMIT_BYTES);
    expect(answerTo(requestWith(fields)).passed).toBe(true);
  });

  it('refuses one byte more with a 431 problem', () => {
    const request = requestWith([['Host', 'x']]);
    const answer = answerTo(
      requestWith([
        ['Host', 'x'],
        ['X-Pad', 'v'.repeat(HEADER_BLOCK_LIMIT_BYTES - headerBlockBytes(request) - 8)],
      ]),
    );
    expect(answer).toMatchObject({
      passed: false,
      status: 431,
      headers: { 'content-type': 'application/problem+json', connection: 'close' },
    });
    expect(JSON.parse(answer.body)).toMatchObject({
      status: 431,
      title: 'Request Header Fields Too Large',
      detail: 'the request line and headers are larger than 16 KiB',
    });
  });

  it(`refuses field ${HEADER_COUNT_LIMIT + 1}, however small`, () => {
    const fields = Array.from({ length: HEADER_COUNT_LIMIT + 1 }, (_, i): [string, string] => [
      `X-${i}`,
      '',
    ]);
    const answer = answerTo(requestWith(fields));
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.body).detail).toBe(
      `the request has more than ${HEADER_COUNT_LIMIT} header fields`,
    );
  });
});
