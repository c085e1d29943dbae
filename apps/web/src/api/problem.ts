import type { components } from './generated/api';

export type ProblemBody = components['schemas']['ProblemDto'];

/** A problem+json answer (or a network failure), with what a page needs to show it. */
export interface Problem {
  status: number;
  title: string;
  detail: string;
  /** Field errors by path, e.g. `guest.email` or `responses.topic`. */
  fields: Record<string, string>;
  /** Seconds to wait, from Retry-After on a 429. */
  retryAfter?: number;
}

/** Turns an openapi-fetch error answer into a Problem. */
export function problemOf(error: unknown, response: Response | undefined): Problem {
  const body = (error ?? {}) as Partial<ProblemBody>;
  const status = response?.status ?? 0;
  const fields: Record<string, string> = {};
  for (const entry of body.errors ?? []) fields[entry.path] ??= entry.message;
  const retry = Number(response?.headers.get('Retry-After'));
  return {
    status,
    title: body.title ?? (status ? `Error ${status}` : 'No answer'),
    detail:
      body.detail ??
      (status ? 'The server refused the request.' : 'The server could not be reached.'),
    fields,
    retryAfter: status === 429 && Number.isFinite(retry) && retry > 0 ? retry : undefined,
  };
}

/** A failure before any answer (offline, aborted). */
export function networkProblem(): Problem {
  return problemOf(undefined, undefined);
}

/** "1 second", "40 seconds", "15 minutes". */
export function waitInWords(seconds: number): string {
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/** The whole problem in words, for a notice; a 429 says how long to wait. */
export function describeProblem(problem: Problem): string {
  const wait =
    problem.retryAfter !== undefined
      ? ` Please wait ${waitInWords(problem.retryAfter)} and try again.`
      : '';
  const detail = /[.!?]$/.test(problem.detail) ? problem.detail : `${problem.detail}.`;
  return `${problem.title}: ${detail}${wait}`;
}
