import { RequestContext } from './request-context';

describe('RequestContext', () => {
  it('carries the request id through awaits and timers started inside the request', async () => {
    const seen = await RequestContext.run('req-1', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return RequestContext.requestId();
    });
    expect(seen).toBe('req-1');
  });

  it('gives work detached from a request, and what it schedules later, no request id', async () => {
    const later = await RequestContext.run('req-2', () =>
      RequestContext.detached(
        () =>
          new Promise<string | undefined>((resolve) =>
            setTimeout(() => resolve(RequestContext.requestId()), 1),
          ),
      ),
    );
    expect(later).toBeUndefined();
  });
});
