import { useCallback, useEffect, useState } from 'react';
import { publicApi, type ManagedBooking, type Slot } from '../api/client';
import { networkProblem, problemOf, type Problem } from '../api/problem';
import { SlotPicker } from '../booking/SlotPicker';
import { Instant } from '../components/Instant';
import { Loading, ProblemNotice } from '../components/ProblemNotice';
import { browserZone, dateIn, formatInstant, monthOf } from '../time/zoned';

const STATUS_WORDS: Record<ManagedBooking['status'], string> = {
  pending: 'Waiting for the host to confirm',
  confirmed: 'Confirmed',
  cancelled: 'Cancelled',
  completed: 'Completed',
  no_show: 'Marked as no-show',
};

/** A span of minutes as a person says it: "30 days", "2 hours", "45 minutes". */
function inWords(minutes: number): string {
  const [count, unit] =
    minutes % 1440 === 0
      ? [minutes / 1440, 'day']
      : minutes % 60 === 0
        ? [minutes / 60, 'hour']
        : [minutes, 'minute'];
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** `/manage/:token`: a guest sees, cancels or reschedules one booking by its link (SPEC §10). */
export function ManagePage({ token }: { token: string }) {
  const [booking, setBooking] = useState<ManagedBooking | null>(null);
  const [loadProblem, setLoadProblem] = useState<Problem | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [rescheduling, setRescheduling] = useState(false);
  const [zone, setZone] = useState(browserZone);
  const [slot, setSlot] = useState<Slot | null>(null);
  const [reloadSignal, setReloadSignal] = useState(0);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    publicApi
      .GET('/api/v1/manage/{token}', { params: { path: { token } } })
      .then(({ data, error, response }) => {
        if (data) {
          setBooking(data);
          // The zone the guest booked in, until they choose another.
          const guestZone = data.guest?.timeZone;
          if (guestZone) setZone(guestZone);
        } else setLoadProblem(problemOf(error, response));
      })
      .catch(() => setLoadProblem(networkProblem()));
  }, [token]);

  useEffect(load, [load]);

  if (loadProblem)
    return (
      <main className="page">
        <h1>Booking not found</h1>
        <ProblemNotice
          problem={loadProblem}
          extra={
            loadProblem.status === 404
              ? 'This link is unknown or has expired. Use the link from your confirmation email.'
              : undefined
          }
        />
      </main>
    );
  if (!booking)
    return (
      <main className="page">
        <Loading what="your booking" />
      </main>
    );

  const active = booking.status === 'pending' || booking.status === 'confirmed';
  const title = booking.eventType?.title ?? 'Booking';

  const cancel = async () => {
    setBusy(true);
    setProblem(null);
    setNotice(null);
    try {
      const { data, error, response } = await publicApi.POST('/api/v1/manage/{token}/cancel', {
        params: { path: { token } },
        body: reason ? { reason } : {},
      });
      if (data) {
        setBooking({ ...booking, ...data });
        // The status above now reads "Cancelled"; the notice says what follows, not the word again.
        setNotice('Done: your host is told, and the time is free for others.');
      } else setProblem(problemOf(error, response));
    } catch {
      setProblem(networkProblem());
    } finally {
      setBusy(false);
    }
  };

  const reschedule = async () => {
    if (!slot) return;
    setBusy(true);
    setProblem(null);
    setNotice(null);
    try {
      const { data, error, response } = await publicApi.POST('/api/v1/manage/{token}/reschedule', {
        params: { path: { token } },
        body: { startTime: slot.startTime },
      });
      if (data) {
        setBooking({ ...booking, ...data });
        setRescheduling(false);
        setSlot(null);
        setNotice(`Rescheduled to ${formatInstant(Date.parse(data.startTime), zone)}.`);
      } else {
        setProblem(problemOf(error, response));
        if (response.status === 409) {
          setSlot(null);
          setReloadSignal((value) => value + 1);
        }
      }
    } catch {
      setProblem(networkProblem());
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="page manage-page">
      <header className="event-header">
        <p className="host">{booking.host?.name ?? 'Your host'}</p>
        <h1>{title}</h1>
      </header>
      <dl className="booking-facts">
        <dt>When</dt>
        <dd data-testid="booking-start">
          <Instant iso={booking.startTime} zone={zone} />
        </dd>
        <dt>Status</dt>
        <dd data-testid="booking-status" data-status={booking.status}>
          {STATUS_WORDS[booking.status]}
        </dd>
        {booking.guest ? (
          <>
            <dt>Guest</dt>
            <dd>
              {booking.guest.name} ({booking.guest.email})
            </dd>
          </>
        ) : null}
        {booking.cancellationReason ? (
          <>
            <dt>Reason</dt>
            <dd>{booking.cancellationReason}</dd>
          </>
        ) : null}
      </dl>
      <p>
        <a href={`/api/v1/manage/${token}/ics`} download="booking.ics">
          Add to calendar
        </a>
      </p>
      {notice ? (
        <p role="status" className="notice notice-success">
          {notice}
        </p>
      ) : null}
      <ProblemNotice
        problem={problem}
        extra={
          problem?.status === 422 && (booking.eventType?.minimumCancelNotice ?? 0) > 0
            ? `Guests may cancel or move this booking up to ${inWords(booking.eventType?.minimumCancelNotice ?? 0)} before its start; please contact your host.`
            : undefined
        }
      />
      {active ? (
        <div className="manage-actions">
          <section aria-labelledby="cancel-heading">
            <h2 id="cancel-heading">Cancel</h2>
            <div className="field">
              <label htmlFor="cancel-reason">Reason for cancelling (optional)</label>
              <textarea
                id="cancel-reason"
                rows={2}
                value={reason}
                aria-describedby={problem?.fields.reason ? 'cancel-reason-error' : undefined}
                onChange={(e) => setReason(e.target.value)}
              />
              {problem?.fields.reason ? (
                <p id="cancel-reason-error" className="field-error">
                  {problem.fields.reason}
                </p>
              ) : null}
            </div>
            <button type="button" className="danger" disabled={busy} onClick={cancel}>
              Cancel booking
            </button>
          </section>
          <section aria-labelledby="reschedule-heading">
            <h2 id="reschedule-heading">Change the time</h2>
            {!rescheduling ? (
              <button type="button" onClick={() => setRescheduling(true)} disabled={busy}>
                Reschedule
              </button>
            ) : booking.eventTypeId ? (
              <>
                <SlotPicker
                  eventTypeId={booking.eventTypeId}
                  zone={zone}
                  onZoneChange={setZone}
                  selected={slot}
                  onSelect={setSlot}
                  reloadSignal={reloadSignal}
                  initialMonth={monthOf(dateIn(Date.parse(booking.startTime), zone))}
                />
                <div className="row">
                  <button
                    type="button"
                    className="primary"
                    disabled={!slot || busy}
                    onClick={reschedule}
                  >
                    Confirm reschedule
                  </button>
                  <button
                    type="button"
                    onClick={() => {
                      setRescheduling(false);
                      setSlot(null);
                    }}
                  >
                    Keep the current time
                  </button>
                </div>
              </>
            ) : (
              <p>This booking is not of an event type; ask your host to move it.</p>
            )}
          </section>
        </div>
      ) : null}
    </main>
  );
}
