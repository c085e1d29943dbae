import { useEffect, useState } from 'react';
import { SignIn } from '../account/SignIn';
import { signOut, useMe } from '../account/use-me';
import { api, type Booking, type EventType, type User } from '../api/client';
import { networkProblem, problemOf, type Problem } from '../api/problem';
import { Pager, useCursorPages } from '../components/Pager';
import { given, useListPage } from '../components/use-list-page';
import { Instant } from '../components/Instant';
import { Loading, ProblemNotice } from '../components/ProblemNotice';
import { browserZone } from '../time/zoned';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

type Action = 'confirm' | 'cancel' | 'no-show';

/** `/app`: the signed-in member's bookings from a week ago on; hosts act on theirs (SPEC §10). */
export function HostPage() {
  const me = useMe();
  useEffect(() => {
    document.title = 'Your bookings · Slotbook';
  }, []);
  if (!me.signedIn) return <SignIn purpose="Sign in to see your bookings." />;
  if (!me.user)
    return (
      <main className="page">
        {me.problem ? <ProblemNotice problem={me.problem} /> : <Loading what="your account" />}
      </main>
    );
  return (
    <main className="page wide">
      <header className="page-header">
        <h1>Your bookings</h1>
        <p>
          Signed in as {me.user.email} ({me.user.role}).{' '}
          {me.user.role === 'ADMIN' ? <a href="/admin">Admin console</a> : null}{' '}
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </p>
      </header>
      {me.user.role === 'HOST' ? <EventTypeLinks me={me.user} /> : null}
      <BookingList me={me.user} />
    </main>
  );
}

function EventTypeLinks({ me }: { me: User }) {
  const [types, setTypes] = useState<EventType[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [copied, setCopied] = useState<string | null>(null);

  useEffect(() => {
    api
      .GET('/api/v1/hosts/{hostId}/event-types', { params: { path: { hostId: me.id } } })
      .then(({ data, error, response }) => {
        if (data) setTypes(data.data);
        else {
          setTypes([]);
          setProblem(problemOf(error, response));
        }
      })
      .catch(() => setProblem(networkProblem()));
  }, [me.id]);

  const copy = async (eventType: EventType) => {
    const link = `${location.origin}/book/${eventType.id}`;
    try {
      await navigator.clipboard.writeText(link);
      setCopied(`Copied the link of ${eventType.title}: ${link}`);
    } catch {
      setCopied(`Copy this link by hand: ${link}`);
    }
  };

  return (
    <section aria-labelledby="types-heading" className="panel">
      <h2 id="types-heading">Your event types</h2>
      <ProblemNotice problem={problem} />
      {types === null ? (
        <Loading what="event types" />
      ) : types.length === 0 ? (
        <p className="empty">You have no event types yet.</p>
      ) : (
        <ul className="event-types">
          {types.map((eventType) => (
            <li key={eventType.id} data-testid="event-type" data-id={eventType.id}>
              <span>
                {eventType.title} ({eventType.duration} min){eventType.public ? '' : ' · private'}
              </span>{' '}
              <a href={`/book/${eventType.id}`}>/book/{eventType.id}</a>{' '}
              <button
                type="button"
                onClick={() => void copy(eventType)}
                aria-label={`Copy booking link of ${eventType.title}`}
              >
                Copy booking link
              </button>
            </li>
          ))}
        </ul>
      )}
      {copied ? (
        <p role="status" className="notice notice-success">
          {copied}
        </p>
      ) : null}
    </section>
  );
}

function BookingList({ me }: { me: User }) {
  const [from] = useState(() => new Date(Date.now() - WEEK_MS).toISOString());
  const pages = useCursorPages();
  const {
    items: bookings,
    setItems: setBookings,
    nextCursor,
    problem,
  } = useListPage(
    () =>
      api.GET('/api/v1/bookings', {
        params: { query: { from, limit: '20', ...given({ cursor: pages.cursor }) } },
      }),
    [from, pages.cursor],
  );
  const [actionProblem, setActionProblem] = useState<Problem | null>(null);
  // The device's zone: where the person reading the list is now.
  const zone = browserZone();

  const act = async (booking: Booking, action: Action) => {
    setActionProblem(null);
    const path = { path: { id: booking.id } };
    try {
      const answer =
        action === 'confirm'
          ? await api.POST('/api/v1/bookings/{id}/confirm', { params: path })
          : action === 'cancel'
            ? await api.POST('/api/v1/bookings/{id}/cancel', { params: path, body: {} })
            : await api.POST('/api/v1/bookings/{id}/no-show', { params: path });
      if (answer.data) {
        const updated = answer.data;
        setBookings((all) => all?.map((b) => (b.id === updated.id ? updated : b)) ?? null);
      } else setActionProblem(problemOf(answer.error, answer.response));
    } catch {
      setActionProblem(networkProblem());
    }
  };

  return (
    <section aria-labelledby="bookings-heading" className="panel">
      <h2 id="bookings-heading">Bookings from a week ago on</h2>
      <ProblemNotice problem={problem} />
      <ProblemNotice problem={actionProblem} />
      {bookings === null ? (
        <Loading what="bookings" />
      ) : bookings.length === 0 && !problem ? (
        <p className="empty">No bookings from a week ago on.</p>
      ) : (
        <ul className="booking-list">
          {bookings.map((booking) => {
            const hosting = booking.hostId === me.id;
            const started = Date.parse(booking.startTime) <= Date.now();
            const active = booking.status === 'pending' || booking.status === 'confirmed';
            const who = booking.guest
              ? `${booking.guest.name} (${booking.guest.email})`
              : hosting
                ? 'a member'
                : 'you';
            return (
              <li
                key={booking.id}
                data-testid="booking-row"
                data-id={booking.id}
                data-status={booking.status}
              >
                <p>
                  <strong>
                    <Instant iso={booking.startTime} zone={zone} />
                  </strong>{' '}
                  <span className={`status status-${booking.status}`}>{booking.status}</span>
                </p>
                <p>{hosting ? `Booked by ${who}` : 'You booked this'}</p>
                <div className="row">
                  {hosting && booking.status === 'pending' ? (
                    <button type="button" onClick={() => void act(booking, 'confirm')}>
                      Confirm
                    </button>
                  ) : null}
                  {active && !started ? (
                    <button
                      type="button"
                      className="danger"
                      onClick={() => void act(booking, 'cancel')}
                    >
                      Cancel
                    </button>
                  ) : null}
                  {hosting && booking.status === 'confirmed' && started ? (
                    <button type="button" onClick={() => void act(booking, 'no-show')}>
                      Mark no-show
                    </button>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ul>
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
