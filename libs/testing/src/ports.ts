import { createServer } from 'node:net';

// Ports are handed out below the kernel's ephemeral range (32768–60999 on Linux). A port the
// kernel picks for `listen(0)` is in that range, and so is the local port of every outgoing
// connection (to RabbitMQ, Redis, devdb, PostgreSQL): between checking such a port and the
// child binding it, one of those connections could take it (EADDRINUSE, seen in CI). Below
// the range only listeners compete, and each one is checked by binding it here first.
const FIRST = 20_000;
const COUNT = 12_000;
let next = Math.floor(Math.random() * COUNT);

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    // All interfaces, as the services listen.
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/** A port nobody listens on, never handed out twice by this process (until 12,000 later). */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < COUNT; tries++) {
    const port = FIRST + (next++ % COUNT);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in ${FIRST}–${FIRST + COUNT - 1}`);
}
