import { connect } from 'node:net';
import type { ApiResponse } from './http-client';

/**
 * Sends `head` (a request line and header fields, without the blank line that ends them) and
 * `body` to `baseUrl` over a plain socket, exactly as written: for what `fetch` will not send
 * (conflicting framing headers, thousands of fields). The request asks the server to close the
 * connection; the answer is read until it does.
 */
export async function sendRawRequest(
  baseUrl: string,
  head: string,
  body = '',
): Promise<ApiResponse> {
  const { hostname, port } = new URL(baseUrl);
  const received = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.write(`${head}\r\nConnection: close\r\n\r\n${body}`);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    // A server that answers before reading all of a refused request may reset the connection
    // after its answer arrived.
    socket.on('error', (error) =>
      chunks.length > 0 ? resolve(Buffer.concat(chunks)) : reject(error),
    );
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
  });
  return parseResponse(received.toString('latin1'));
}

function parseResponse(raw: string): ApiResponse {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) throw new Error(`not an HTTP answer: ${JSON.stringify(raw.slice(0, 200))}`);
  const [statusLine, ...fieldLines] = raw.slice(0, headEnd).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  const headers = new Headers();
  for (const line of fieldLines) {
    const colon = line.indexOf(':');
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  let bytes = raw.slice(headEnd + 4);
  const length = headers.get('content-length');
  if (length !== null) bytes = bytes.slice(0, Number(length));
  else if (headers.get('transfer-encoding') === 'chunked') bytes = dechunk(bytes);
  const text = Buffer.from(bytes, 'latin1').toString('utf8');
  const body: unknown =
    (headers.get('content-type') ?? '').includes('json') && text.length > 0
      ? JSON.parse(text)
      : text;
  return { status, headers, body, text };
}

/** The payload of a chunked body (one byte per character), trailers ignored. */
function dechunk(chunked: string): string {
  let payload = '';
  let at = 0;
  for (;;) {
    const lineEnd = chunked.indexOf('\r\n', at);
    const size = parseInt(chunked.slice(at, lineEnd), 16);
    if (!(size > 0)) return payload;
    payload += chunked.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}
