import { describeProblem, type Problem } from '../api/problem';

/** A problem answer in words, announced to screen readers. */
export function ProblemNotice({ problem, extra }: { problem: Problem | null; extra?: string }) {
  if (!problem) return null;
  const fieldErrors = Object.entries(problem.fields);
  return (
    <div role="alert" className="notice notice-error">
      <p>{describeProblem(problem)}</p>
      {extra ? <p>{extra}</p> : null}
      {fieldErrors.length > 0 && extra === undefined ? (
        <ul>
          {fieldErrors.map(([path, message]) => (
            <li key={path}>
              {path}: {message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" className="loading" aria-live="polite">
      Loading {what}…
    </p>
  );
}
