import { useState } from 'react';
import { api } from '../api/client';
import { Pager, useCursorPages } from '../components/Pager';
import { given, useListPage } from '../components/use-list-page';
import { Loading, ProblemNotice } from '../components/ProblemNotice';
import { daysWindow } from './day-boundary';

const STATUSES = ['pending', 'confirmed', 'cancelled', 'completed', 'no_show'] as const;

interface Filters {
  status: '' | (typeof STATUSES)[number];
  hostId: string;
  userId: string;
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { status: '', hostId: '', userId: '', from: '', to: '' };

/** Every booking, with the filters of GET /bookings (SPEC §5). */
export function BookingsPanel() {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const pages = useCursorPages();
  const {
    items: bookings,
    nextCursor,
    problem,
  } = useListPage(
    () =>
      api.GET('/api/v1/bookings', {
        params: {
          query: {
            limit: '20',
            ...given({
              cursor: pages.cursor,
              status: filters.status,
              hostId: filters.hostId,
              userId: filters.userId,
              ...daysWindow(filters),
            }),
          },
        },
      }),
    [filters, pages.cursor],
  );

  const text = (key: 'hostId' | 'userId' | 'from' | 'to', label: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`bookings-${key}`}>{label}</label>
      <input
        id={`bookings-${key}`}
        type={type}
        value={draft[key]}
        aria-invalid={problem?.fields[key] ? true : undefined}
        aria-describedby={problem?.fields[key] ? `bookings-${key}-error` : undefined}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
      />
      {problem?.fields[key] ? (
        <p id={`bookings-${key}-error`} className="field-error">
          {problem.fields[key]}
        </p>
      ) : null}
    </div>
  );

  return (
    <section aria-labelledby="bookings-heading" className="panel">
      <h2 id="bookings-heading">Bookings</h2>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
          pages.reset();
        }}
      >
        <div className="field">
          <label htmlFor="bookings-status">Booking status</label>
          <select
            id="bookings-status"
            value={draft.status}
            onChange={(e) => setDraft({ ...draft, status: e.target.value as Filters['status'] })}
          >
            <option value="">Any status</option>
            {STATUSES.map((status) => (
              <option key={status}>{status}</option>
            ))}
          </select>
        </div>
        {text('hostId', 'Host id')}
        {text('userId', 'User id')}
        {text('from', 'Bookings from', 'date')}
        {text('to', 'Bookings until', 'date')}
        <button type="submit">Filter bookings</button>
      </form>
      <ProblemNotice problem={problem} />
      {bookings === null ? (
        <Loading what="bookings" />
      ) : bookings.length === 0 && !problem ? (
        <p className="empty">No bookings match these filters.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Bookings</caption>
            <thead>
              <tr>
                <th scope="col">Start (UTC)</th>
                <th scope="col">Status</th>
                <th scope="col">Host</th>
                <th scope="col">Booked by</th>
              </tr>
            </thead>
            <tbody>
              {bookings.map((booking) => (
                <tr key={booking.id} data-testid="booking-row" data-status={booking.status}>
                  <td>{booking.startTime.replace('T', ' ').slice(0, 16)}</td>
                  <td>{booking.status}</td>
                  <td className="mono">{booking.hostId}</td>
                  <td>
                    {booking.guest
                      ? `${booking.guest.name} <${booking.guest.email}> (guest)`
                      : booking.userId}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="bookings"
        page={pages.page}
        nextCursor={nextCursor}
        onNext={pages.next}
        onPrevious={pages.previous}
      />
    </section>
  );
}
