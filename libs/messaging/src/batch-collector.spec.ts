import { BatchCollector } from './batch-collector';

describe('a batch collector', () => {
  it('writes items handed in together in one call and answers each caller its own result', async () => {
    const writes: number[][] = [];
    const batches = new BatchCollector<number, number>({ maxItems: 10, maxWaitMs: 20 }, (items) => {
      writes.push(items);
      return Promise.resolve(items.map((item) => item * 2));
    });
    expect(await Promise.all([1, 2, 3].map((item) => batches.add(item)))).toEqual([2, 4, 6]);
    expect(writes).toEqual([[1, 2, 3]]);
  });

  it('writes a full batch at once, without waiting for the window', async () => {
    const writes: number[][] = [];
    const batches = new BatchCollector<number>({ maxItems: 2, maxWaitMs: 60_000 }, (items) => {
      writes.push(items);
      return Promise.resolve([]);
    });
    await Promise.all([1, 2, 3, 4].map((item) => batches.add(item)));
    expect(writes).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('fails every caller of a failed write, and only them', async () => {
    let calls = 0;
    const batches = new BatchCollector<number>({ maxItems: 2, maxWaitMs: 5 }, () => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('down')) : Promise.resolve([]);
    });
    const results = await Promise.allSettled([1, 2, 3].map((item) => batches.add(item)));
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
  });

  it('writes one batch at a time: what arrives during a write goes in the next one', async () => {
    const writes: number[][] = [];
    let release: () => void = () => undefined;
    const batches = new BatchCollector<number>({ maxItems: 10, maxWaitMs: 5 }, (items) => {
      writes.push(items);
      return writes.length === 1
        ? new Promise<never[]>((resolve) => (release = () => resolve([])))
        : Promise.resolve([]);
    });
    const first = batches.add(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const later = [2, 3].map((item) => batches.add(item));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(writes).toEqual([[1]]);
    release();
    await Promise.all([first, ...later]);
    expect(writes).toEqual([[1], [2, 3]]);
  });

  it('without a window, writes at once when idle and what arrived meanwhile right after', async () => {
    const writes: number[][] = [];
    let release: () => void = () => undefined;
    const batches = new BatchCollector<number>({ maxItems: 10, maxWaitMs: 0 }, (items) => {
      writes.push(items);
      return writes.length === 1
        ? new Promise<never[]>((resolve) => (release = () => resolve([])))
        : Promise.resolve([]);
    });
    const first = batches.add(1);
    expect(writes).toEqual([[1]]);
    const later = [2, 3].map((item) => batches.add(item));
    expect(writes).toEqual([[1]]);
    release();
    await Promise.all([first, ...later]);
    expect(writes).toEqual([[1], [2, 3]]);
  });
});
