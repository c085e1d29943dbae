import { AdminPage } from './admin/AdminPage';
import { BookingPage } from './booking/BookingPage';
import { HostPage } from './host/HostPage';
import { ManagePage } from './manage/ManagePage';

/** The routes of SPEC §10; the gateway answers each with this app. */
export function App() {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const book = /^\/book\/([^/]+)$/.exec(path);
  if (book) return <BookingPage eventTypeId={decodeURIComponent(book[1])} />;
  const manage = /^\/manage\/([^/]+)$/.exec(path);
  if (manage) return <ManagePage token={decodeURIComponent(manage[1])} />;
  if (path === '/app') return <HostPage />;
  if (path === '/admin') return <AdminPage />;
  return (
    <main className="page narrow">
      <h1>Slotbook</h1>
      <p>Bookings without double bookings.</p>
      <ul>
        <li>
          <a href="/app">Your bookings</a> (sign in)
        </li>
        <li>
          <a href="/admin">Admin console</a>
        </li>
      </ul>
      <p>A host shares a booking link of the form /book/&lt;event type id&gt;.</p>
    </main>
  );
}
