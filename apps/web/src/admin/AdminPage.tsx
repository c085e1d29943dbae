import { useCallback, useEffect, useRef, useState } from 'react';
import { SignIn } from '../account/SignIn';
import { signOut, useMe } from '../account/use-me';
import { Loading, ProblemNotice } from '../components/ProblemNotice';
import { AuditPanel } from './AuditPanel';
import { BookingsPanel } from './BookingsPanel';
import { UsersPanel } from './UsersPanel';

/** The audit trail is written from events a moment after a change: look again shortly after. */
const AUDIT_RECHECKS_MS = [700, 2000, 5000];

/** `/admin`: users, bookings and the audit trail, for ADMINs (SPEC §10). */
export function AdminPage() {
  const me = useMe();
  const [auditSignal, setAuditSignal] = useState(0);
  const timers = useRef<number[]>([]);

  useEffect(() => () => timers.current.forEach((timer) => clearTimeout(timer)), []);

  const userChanged = useCallback(() => {
    timers.current.forEach((timer) => clearTimeout(timer));
    timers.current = AUDIT_RECHECKS_MS.map((delay) =>
      window.setTimeout(() => setAuditSignal((value) => value + 1), delay),
    );
  }, []);

  useEffect(() => {
    document.title = 'Admin · Slotbook';
  }, []);

  if (!me.signedIn) return <SignIn purpose="Sign in with an ADMIN account to manage Slotbook." />;
  if (!me.user)
    return (
      <main className="page">
        {me.problem ? <ProblemNotice problem={me.problem} /> : <Loading what="your account" />}
      </main>
    );
  if (me.user.role !== 'ADMIN')
    return (
      <main className="page narrow">
        <h1>Admin console</h1>
        <p role="alert" className="notice notice-error">
          Only ADMINs may use the console; you are signed in as {me.user.email} ({me.user.role}).
        </p>
        <p>
          <a href="/app">Go to your bookings</a>
        </p>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </main>
    );

  return (
    <main className="page wide">
      <header className="page-header">
        <h1>Admin console</h1>
        <p>
          Signed in as {me.user.email}.{' '}
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </p>
      </header>
      <UsersPanel me={me.user} onChanged={userChanged} />
      <BookingsPanel />
      <AuditPanel refreshSignal={auditSignal} />
    </main>
  );
}
