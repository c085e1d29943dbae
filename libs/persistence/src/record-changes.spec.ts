import { DomainError, ErrorCode } from '@slotbook/contracts';
import type { OutboxRelay } from '@slotbook/messaging';
import { LOST_RACE, RecordChanges } from './record-changes';

describe('RecordChanges', () => {
  let kicks: number;
  let changes: RecordChanges;

  beforeEach(() => {
    kicks = 0;
    changes = new RecordChanges({ kick: () => (kicks += 1) } as unknown as OutboxRelay);
  });

  /** An attempt that loses `losses` races, then writes. */
  function losing(losses: number) {
    let calls = 0;
    const attempt = async () => (++calls > losses ? 'written' : LOST_RACE);
    return { attempt, calls: () => calls };
  }

  async function refusal(run: Promise<unknown>): Promise<DomainError> {
    const error = await run.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }

  it('decides again after a lost race, and nudges the relay once written', async () => {
    const { attempt, calls } = losing(3);
    expect(await changes.of(attempt)).toBe('written');
    expect(calls()).toBe(4);
    expect(kicks).toBe(1);
  });

  it('answers 409 after 8 lost races, having written nothing', async () => {
    const { attempt, calls } = losing(Infinity);
    const error = await refusal(changes.of(attempt));
    expect(error.code).toBe(ErrorCode.Conflict);
    expect(error.message).toBe('the record is being changed by another request; retry');
    expect(calls()).toBe(8);
    expect(kicks).toBe(0);
  });

  it('with a time budget, keeps deciding past 8 attempts until the budget is spent', async () => {
    const { attempt } = losing(12);
    expect(await changes.of(attempt, { budgetMs: 5_000 })).toBe('written');
    const stuck = losing(Infinity);
    const started = Date.now();
    const error = await refusal(changes.of(stuck.attempt, { budgetMs: 300, busy: 'busy host' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(error).toMatchObject({ code: ErrorCode.Conflict, message: 'busy host' });
    expect(stuck.calls()).toBeGreaterThan(8);
  });
});
