import { useState } from 'react';
import { api, type User } from '../api/client';
import { networkProblem, problemOf, type Problem } from '../api/problem';
import { Pager, useCursorPages } from '../components/Pager';
import { given, useListPage } from '../components/use-list-page';
import { Loading, ProblemNotice } from '../components/ProblemNotice';

const ROLES = ['ADMIN', 'HOST', 'USER'] as const;
type Role = (typeof ROLES)[number];

/**
 * Users with role and active filters; deactivate, reactivate, change role (SPEC §3, §10). An
 * ADMIN cannot lock themself out from here.
 */
export function UsersPanel({ me, onChanged }: { me: User; onChanged: () => void }) {
  const [role, setRole] = useState<'' | Role>('');
  const [active, setActive] = useState<'' | 'true' | 'false'>('');
  const pages = useCursorPages();
  const {
    items: users,
    setItems: setUsers,
    nextCursor,
    problem,
  } = useListPage(
    () =>
      api.GET('/api/v1/admin/users', {
        params: { query: { limit: '20', ...given({ cursor: pages.cursor, role, active }) } },
      }),
    [role, active, pages.cursor],
  );
  const [rowProblem, setRowProblem] = useState<{ id: string; problem: Problem } | null>(null);

  const update = async (user: User, change: { role?: Role; active?: boolean }) => {
    setRowProblem(null);
    try {
      const { data, error, response } = await api.PATCH('/api/v1/admin/users/{id}', {
        params: { path: { id: user.id } },
        body: change,
      });
      if (data) {
        setUsers((all) => all?.map((u) => (u.id === data.id ? data : u)) ?? null);
        onChanged();
      } else setRowProblem({ id: user.id, problem: problemOf(error, response) });
    } catch {
      setRowProblem({ id: user.id, problem: networkProblem() });
    }
  };

  return (
    <section aria-labelledby="users-heading" className="panel">
      <h2 id="users-heading">Users</h2>
      <div className="filters">
        <div className="field">
          <label htmlFor="users-role">Filter by role</label>
          <select
            id="users-role"
            value={role}
            onChange={(e) => {
              setRole(e.target.value as '' | Role);
              pages.reset();
            }}
          >
            <option value="">All roles</option>
            {ROLES.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="users-active">Filter by status</label>
          <select
            id="users-active"
            value={active}
            onChange={(e) => {
              setActive(e.target.value as '' | 'true' | 'false');
              pages.reset();
            }}
          >
            <option value="">Active and deactivated</option>
            <option value="true">Active</option>
            <option value="false">Deactivated</option>
          </select>
        </div>
      </div>
      <ProblemNotice problem={problem} />
      {rowProblem ? <ProblemNotice problem={rowProblem.problem} /> : null}
      {users === null ? (
        <Loading what="users" />
      ) : users.length === 0 && !problem ? (
        <p className="empty">No users match these filters.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.id} data-testid="user-row" data-email={user.email}>
                  <td>{user.email}</td>
                  <td>{user.name}</td>
                  <td>
                    <select
                      aria-label={`Role of ${user.email}`}
                      value={user.role}
                      disabled={user.id === me.id}
                      onChange={(e) => update(user, { role: e.target.value as Role })}
                    >
                      {ROLES.map((name) => (
                        <option key={name}>{name}</option>
                      ))}
                    </select>
                  </td>
                  <td data-active={String(user.active)}>
                    {user.active ? 'Active' : 'Deactivated'}
                  </td>
                  <td>
                    {user.id === me.id ? (
                      <span>(you)</span>
                    ) : user.active ? (
                      <button
                        type="button"
                        className="danger"
                        onClick={() => update(user, { active: false })}
                      >
                        Deactivate
                      </button>
                    ) : (
                      <button type="button" onClick={() => update(user, { active: true })}>
                        Reactivate
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="users"
        page={pages.page}
        nextCursor={nextCursor}
        onNext={pages.next}
        onPrevious={pages.previous}
      />
    </section>
  );
}
