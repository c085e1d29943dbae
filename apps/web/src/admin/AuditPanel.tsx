import { useState } from 'react';
import { api } from '../api/client';
import { Pager, useCursorPages } from '../components/Pager';
import { given, useListPage } from '../components/use-list-page';
import { Loading, ProblemNotice } from '../components/ProblemNotice';
import { daysWindow } from './day-boundary';

interface Filters {
  actorId: string;
  action: string;
  entityId: string;
  from: string;
  to: string;
}

/**
 * The trail reads oldest first (the API's order), so it opens on today's entries (UTC) to
 * show the latest actions on its first pages.
 */
const TODAY: Filters = {
  actorId: '',
  action: '',
  entityId: '',
  from: new Date().toISOString().slice(0, 10),
  to: '',
};

/** The audit trail with its filters (SPEC §3 GET /admin/audit), oldest first. */
export function AuditPanel({ refreshSignal }: { refreshSignal: number }) {
  const [draft, setDraft] = useState<Filters>(TODAY);
  const [filters, setFilters] = useState<Filters>(TODAY);
  const pages = useCursorPages();
  const {
    items: entries,
    nextCursor,
    problem,
  } = useListPage(
    () =>
      api.GET('/api/v1/admin/audit', {
        params: {
          query: {
            limit: '100',
            ...given({
              cursor: pages.cursor,
              actorId: filters.actorId,
              action: filters.action,
              entityId: filters.entityId,
              ...daysWindow(filters),
            }),
          },
        },
      }),
    [filters, pages.cursor, refreshSignal],
    // Refreshed in place after a user change: the trail stays on screen meanwhile.
    { keepWhileLoading: true },
  );

  const field = (key: keyof Filters, label: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`audit-${key}`}>{label}</label>
      <input
        id={`audit-${key}`}
        type={type}
        value={draft[key]}
        aria-invalid={problem?.fields[key] ? true : undefined}
        aria-describedby={problem?.fields[key] ? `audit-${key}-error` : undefined}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
      />
      {problem?.fields[key] ? (
        <p id={`audit-${key}-error`} className="field-error">
          {problem.fields[key]}
        </p>
      ) : null}
    </div>
  );

  return (
    <section aria-labelledby="audit-heading" className="panel">
      <h2 id="audit-heading">Audit trail</h2>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
          pages.reset();
        }}
      >
        {field('action', 'Action (e.g. user.deactivated)')}
        {field('actorId', 'Actor id')}
        {field('entityId', 'Record id')}
        {field('from', 'Audit from', 'date')}
        {field('to', 'Audit until', 'date')}
        <button type="submit">Filter audit trail</button>
      </form>
      <ProblemNotice problem={problem} />
      {entries === null ? (
        <Loading what="the audit trail" />
      ) : entries.length === 0 && !problem ? (
        <p className="empty">No audit entries match these filters.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Audit trail</caption>
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col">Action</th>
                <th scope="col">Actor</th>
                <th scope="col">Record</th>
                <th scope="col">Request</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id} data-testid="audit-row" data-action={entry.action}>
                  <td>{entry.occurredAt.replace('T', ' ').slice(0, 19)}</td>
                  <td>{entry.action}</td>
                  <td className="mono">{entry.actorId ?? '—'}</td>
                  <td className="mono">
                    {entry.entityType} {entry.entityId ?? ''}
                  </td>
                  <td className="mono">{entry.requestId ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="audit entries"
        page={pages.page}
        nextCursor={nextCursor}
        onNext={pages.next}
        onPrevious={pages.previous}
      />
    </section>
  );
}
