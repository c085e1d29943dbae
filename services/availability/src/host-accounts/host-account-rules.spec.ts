import type { Role } from '@slotbook/contracts';
import { isBookable, supersedes, type HostAccount } from './host-account-rules';

const account = (role: Role, active: boolean, version: number): HostAccount => ({
  role,
  active,
  version,
});

describe('whether a host can be booked', () => {
  it('books an active HOST', () => {
    expect(isBookable(account('HOST', true, 3))).toBe(true);
  });

  it('never books a deactivated HOST, nor a USER or an ADMIN, active or not', () => {
    expect(isBookable(account('HOST', false, 2))).toBe(false);
    for (const role of ['USER', 'ADMIN'] as const) {
      expect(isBookable(account(role, true, 2))).toBe(false);
      expect(isBookable(account(role, false, 2))).toBe(false);
    }
  });

  it('books a host it has no record of (one that only registered)', () => {
    expect(isBookable(null)).toBe(true);
  });
});

describe('which account event is kept', () => {
  it('keeps a newer version and ignores an older or the same one, whatever the order of arrival', () => {
    const stored = account('HOST', false, 4);
    expect(supersedes(account('HOST', true, 5), stored)).toBe(true);
    expect(supersedes(account('HOST', true, 4), stored)).toBe(false);
    expect(supersedes(account('HOST', true, 3), stored)).toBe(false);
  });

  it('records any change after registration when nothing is stored, and a HOST’s registration (for its name), not another’s', () => {
    expect(supersedes(account('HOST', false, 2), null)).toBe(true);
    expect(supersedes(account('USER', true, 2), null)).toBe(true);
    expect(supersedes(account('HOST', true, 1), null)).toBe(true);
    expect(supersedes(account('USER', true, 1), null)).toBe(false);
    expect(supersedes(account('ADMIN', true, 1), null)).toBe(false);
  });

  it('ignores a HOST’s registration that arrives after a later change', () => {
    expect(supersedes(account('HOST', true, 1), account('HOST', false, 2))).toBe(false);
  });

  it('ends with the newest state whichever order a run of changes is delivered in', () => {
    const changes = [
      account('HOST', false, 2),
      account('HOST', true, 3),
      account('USER', true, 4),
      account('HOST', true, 5),
      account('HOST', false, 6),
    ];
    for (const order of permutations(changes)) {
      let stored: HostAccount | null = null;
      for (const change of order) if (supersedes(change, stored)) stored = change;
      expect(stored).toEqual(account('HOST', false, 6));
      expect(isBookable(stored)).toBe(false);
    }
  });
});

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [
      item,
      ...rest,
    ]),
  );
}
