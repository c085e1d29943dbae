import { useEffect, useRef, useState, type FormEvent } from 'react';
import { publicApi, type EventType, type Slot } from '../api/client';
import { networkProblem, problemOf, type Problem } from '../api/problem';
import { Instant } from '../components/Instant';
import { Loading, ProblemNotice } from '../components/ProblemNotice';
import { browserZone, formatInstant, monthOf } from '../time/zoned';
import { FieldError, QuestionField, responsesOf, type Answer } from './QuestionField';
import { SlotPicker } from './SlotPicker';

interface Confirmed {
  startTime: string;
  status: string;
  /** Only guests get one (SPEC §5b). */
  manageToken?: string;
}

/** `/book/:eventTypeId`: a guest books a public event type (SPEC §10). */
export function BookingPage({ eventTypeId }: { eventTypeId: string }) {
  const [eventType, setEventType] = useState<EventType | null>(null);
  const [loadProblem, setLoadProblem] = useState<Problem | null>(null);
  const [zone, setZone] = useState(browserZone);
  const [slot, setSlot] = useState<Slot | null>(null);
  const [reloadSignal, setReloadSignal] = useState(0);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [notes, setNotes] = useState('');
  const [answers, setAnswers] = useState<Record<string, Answer>>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const [taken, setTaken] = useState(false);
  const [sending, setSending] = useState(false);
  const [confirmed, setConfirmed] = useState<Confirmed | null>(null);
  const confirmation = useRef<HTMLDivElement>(null);
  const initialMonth = new URLSearchParams(location.search).get('month');

  useEffect(() => {
    publicApi
      .GET('/api/v1/event-types/{id}', { params: { path: { id: eventTypeId } } })
      .then(({ data, error, response }) => {
        if (data) {
          setEventType(data);
          document.title = `${data.title} · Slotbook`;
        } else setLoadProblem(problemOf(error, response));
      })
      .catch(() => setLoadProblem(networkProblem()));
  }, [eventTypeId]);

  useEffect(() => {
    if (confirmed) confirmation.current?.focus();
  }, [confirmed]);

  if (loadProblem)
    return (
      <main className="page">
        <h1>Booking page unavailable</h1>
        <ProblemNotice
          problem={loadProblem}
          extra={
            loadProblem.status === 401 || loadProblem.status === 404
              ? 'This event type does not exist or is not open to bookings without an account.'
              : undefined
          }
        />
      </main>
    );
  if (!eventType)
    return (
      <main className="page">
        <Loading what="the event type" />
      </main>
    );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!slot || sending) return;
    setSending(true);
    setProblem(null);
    setTaken(false);
    try {
      const { data, error, response } = await publicApi.POST('/api/v1/bookings', {
        params: { header: { 'Idempotency-Key': crypto.randomUUID() } },
        body: {
          eventTypeId,
          startTime: slot.startTime,
          guest: { name, email, timeZone: zone },
          responses: responsesOf(eventType.bookingFields, answers),
          ...(notes ? { notes } : {}),
        },
      });
      if (data) {
        setConfirmed({
          startTime: data.startTime,
          status: data.status,
          manageToken: data.manageToken,
        });
      } else if (response.status === 409) {
        setTaken(true);
        setProblem(problemOf(error, response));
        setSlot(null);
        setReloadSignal((value) => value + 1);
      } else setProblem(problemOf(error, response));
    } catch {
      setProblem(networkProblem());
    } finally {
      setSending(false);
    }
  };

  const fieldError = (path: string) => problem?.fields[path];
  const otherErrors = problem
    ? Object.keys(problem.fields).filter(
        (path) =>
          !['guest.name', 'guest.email', 'notes'].includes(path) && !path.startsWith('responses.'),
      )
    : [];

  return (
    <main className="page booking-page">
      <header className="event-header">
        <p className="host">{eventType.host.name ?? 'Your host'}</p>
        <h1>{eventType.title}</h1>
        <p className="duration">{eventType.duration} minutes</p>
        {eventType.description ? <p className="description">{eventType.description}</p> : null}
      </header>

      {confirmed ? (
        <div
          className="notice notice-success"
          data-testid="booking-confirmed"
          role="status"
          tabIndex={-1}
          ref={confirmation}
        >
          <h2>{confirmed.status === 'pending' ? 'Booking requested' : 'Booking confirmed'}</h2>
          <p>
            <Instant iso={confirmed.startTime} zone={zone} />
          </p>
          {confirmed.status === 'pending' ? (
            <p>The host confirms this booking; you will hear by email.</p>
          ) : null}
          {confirmed.manageToken ? (
            <p className="links">
              <a href={`/manage/${confirmed.manageToken}`}>Manage booking</a>
              <a href={`/api/v1/manage/${confirmed.manageToken}/ics`} download="booking.ics">
                Add to calendar
              </a>
            </p>
          ) : null}
        </div>
      ) : (
        <div className="booking-layout">
          {taken ? (
            <div role="alert" className="notice notice-error">
              <p>
                Sorry, that time was booked by someone else a moment ago. The day&apos;s free times
                are listed again: please choose another.
              </p>
            </div>
          ) : null}
          <SlotPicker
            eventTypeId={eventTypeId}
            zone={zone}
            onZoneChange={setZone}
            selected={slot}
            onSelect={(chosen) => {
              setSlot(chosen);
              if (chosen) setTaken(false);
            }}
            reloadSignal={reloadSignal}
            initialMonth={
              initialMonth && /^\d{4}-\d{2}$/.test(initialMonth)
                ? monthOf(`${initialMonth}-01`)
                : undefined
            }
          />
          {slot ? (
            <form
              className="booking-form"
              onSubmit={submit}
              noValidate
              aria-labelledby="form-heading"
            >
              <h2 id="form-heading">Your details</h2>
              <p className="chosen">
                {formatInstant(Date.parse(slot.startTime), zone)}
                {slot.seatsLeft !== undefined
                  ? ` · ${slot.seatsLeft} seat${slot.seatsLeft === 1 ? '' : 's'} left`
                  : null}
              </p>
              <div className="field">
                <label htmlFor="guest-name">Name</label>
                <input
                  id="guest-name"
                  autoComplete="name"
                  required
                  value={name}
                  aria-invalid={fieldError('guest.name') ? true : undefined}
                  aria-describedby={fieldError('guest.name') ? 'guest-name-error' : undefined}
                  onChange={(e) => setName(e.target.value)}
                />
                <FieldError id="guest-name-error" message={fieldError('guest.name')} />
              </div>
              <div className="field">
                <label htmlFor="guest-email">Email</label>
                <input
                  id="guest-email"
                  type="email"
                  autoComplete="email"
                  required
                  value={email}
                  aria-invalid={fieldError('guest.email') ? true : undefined}
                  aria-describedby={fieldError('guest.email') ? 'guest-email-error' : undefined}
                  onChange={(e) => setEmail(e.target.value)}
                />
                <FieldError id="guest-email-error" message={fieldError('guest.email')} />
              </div>
              {eventType.bookingFields.map((field) => (
                <QuestionField
                  key={field.slug}
                  field={field}
                  value={answers[field.slug]}
                  error={fieldError(`responses.${field.slug}`)}
                  onChange={(value) => setAnswers((all) => ({ ...all, [field.slug]: value }))}
                />
              ))}
              <div className="field">
                <label htmlFor="guest-notes">Additional notes</label>
                <textarea
                  id="guest-notes"
                  rows={3}
                  value={notes}
                  aria-describedby={fieldError('notes') ? 'guest-notes-error' : undefined}
                  onChange={(e) => setNotes(e.target.value)}
                />
                <FieldError id="guest-notes-error" message={fieldError('notes')} />
              </div>
              {problem && !taken ? (
                <ProblemNotice
                  problem={problem}
                  extra={
                    otherErrors.length
                      ? otherErrors.map((path) => `${path}: ${problem.fields[path]}`).join('; ')
                      : Object.keys(problem.fields).length
                        ? 'Please correct the fields marked above.'
                        : undefined
                  }
                />
              ) : null}
              <button type="submit" className="primary" disabled={sending}>
                {sending ? 'Booking…' : 'Confirm booking'}
              </button>
            </form>
          ) : null}
        </div>
      )}
    </main>
  );
}
