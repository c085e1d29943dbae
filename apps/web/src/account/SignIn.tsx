import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { networkProblem, problemOf, type Problem } from '../api/problem';
import { session } from '../api/session';
import { ProblemNotice } from '../components/ProblemNotice';

/** Email and password, then the token pair is kept for this tab (SPEC §10 sign-in hooks). */
export function SignIn({ purpose }: { purpose: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [sending, setSending] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setProblem(null);
    try {
      const { data, error, response } = await api.POST('/api/v1/auth/login', {
        body: { email, password },
      });
      if (data) session.save({ accessToken: data.accessToken, refreshToken: data.refreshToken });
      else setProblem(problemOf(error, response));
    } catch {
      setProblem(networkProblem());
    } finally {
      setSending(false);
    }
  };

  return (
    <main className="page narrow">
      <h1>Sign in</h1>
      <p>{purpose}</p>
      <form onSubmit={submit} noValidate className="sign-in">
        <div className="field">
          <label htmlFor="sign-in-email">Email</label>
          <input
            id="sign-in-email"
            type="email"
            autoComplete="username"
            required
            value={email}
            aria-invalid={problem?.fields.email ? true : undefined}
            aria-describedby={problem?.fields.email ? 'sign-in-email-error' : undefined}
            onChange={(e) => setEmail(e.target.value)}
          />
          {problem?.fields.email ? (
            <p id="sign-in-email-error" className="field-error">
              {problem.fields.email}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="sign-in-password">Password</label>
          <input
            id="sign-in-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            aria-invalid={problem?.fields.password ? true : undefined}
            aria-describedby={problem?.fields.password ? 'sign-in-password-error' : undefined}
            onChange={(e) => setPassword(e.target.value)}
          />
          {problem?.fields.password ? (
            <p id="sign-in-password-error" className="field-error">
              {problem.fields.password}
            </p>
          ) : null}
        </div>
        <ProblemNotice problem={problem} />
        <button type="submit" className="primary" disabled={sending}>
          Sign in
        </button>
      </form>
    </main>
  );
}
