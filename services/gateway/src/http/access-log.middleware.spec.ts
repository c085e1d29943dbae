import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { logRequests } from './access-log.middleware';

/** A server whose requests go through the request log, answered as the path says. */
async function serverWithLog(lines: Array<Record<string, unknown>>): Promise<Server> {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const log = logRequests(() => pino({ messageKey: 'msg' }, sink));
  const server = createServer((req, res) => {
    (req as { id?: string }).id = 'req-1';
    log(req, res, () => {
      if (req.url?.startsWith('/hang')) return; // the caller gives up first
      res.statusCode = req.url?.startsWith('/fail') ? 503 : 200;
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function call(server: Server, path: string, abortAfterMs?: number): Promise<void> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', () => resolve());
    if (abortAfterMs !== undefined) setTimeout(() => req.destroy(), abortAfterMs);
    req.end();
  });
}

describe('the request log', () => {
  it('writes one line a request, secrets replaced, health checks left out', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const server = await serverWithLog(lines);
    try {
      await call(server, '/api/v1/manage/s3cretT0ken/cancel');
      await call(server, '/health/live');
      await call(server, '/fail');
      await call(server, '/hang', 50);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      server.close();
    }
    expect(lines.map((line) => [line.msg, line.req, line.res])).toEqual([
      [
        'request completed',
        { id: 'req-1', method: 'GET', url: '/api/v1/manage/:token/cancel' },
        { statusCode: 200 },
      ],
      ['request errored', { id: 'req-1', method: 'GET', url: '/fail' }, { statusCode: 503 }],
      ['request aborted', { id: 'req-1', method: 'GET', url: '/hang' }, { statusCode: null }],
    ]);
    expect(lines[1]!.level).toBe(50);
    expect(JSON.stringify(lines)).not.toContain('s3cretT0ken');
    expect(typeof lines[0]!.responseTime).toBe('number');
  });
});
