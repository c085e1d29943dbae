import { Logger } from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import { CommandServer, commandServerRmqOptions } from './command-server';

/** The reply path of the shared command server, against a channel that is already gone. */
describe('CommandServer replies', () => {
  const context = new RmqContext([{}, {}, 'test.pattern'] as never);

  function serverWithChannel(sendToQueue: () => Promise<unknown>): CommandServer {
    const server = new CommandServer(commandServerRmqOptions('amqp://127.0.0.1', 'test.q', 1));
    (server as unknown as { channel: unknown }).channel = { sendToQueue };
    return server;
  }

  it('logs a reply that the closing channel refused instead of leaving the rejection unhandled', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const server = serverWithChannel(() => Promise.reject(new Error('channel closed')));
      server.sendMessage(
        { response: { ok: true }, id: '1' },
        'amq.rabbitmq.reply-to.x',
        'c-1',
        context,
      );
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(warn).toHaveBeenCalledWith(
        expect.objectContaining({ correlationId: 'c-1' }),
        expect.stringContaining('reply not sent'),
      );
    } finally {
      process.off('unhandledRejection', onUnhandled);
      warn.mockRestore();
    }
  });

  it('does not throw when there is no channel to reply on', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const server = new CommandServer(commandServerRmqOptions('amqp://127.0.0.1', 'test.q', 1));
    expect(() => server.sendMessage({ id: '2' }, 'reply-to', 'c-2', context)).not.toThrow();
    warn.mockRestore();
  });
});
