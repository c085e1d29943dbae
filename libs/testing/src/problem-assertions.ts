import type { ApiResponse } from './http-client';

/**
 * Asserts an RFC 9457 problem: the status, the media type, the fields, nothing internal (no
 * stack, no driver message) — and, given a `path`, that `errors[]` names that field.
 */
export function expectProblem(response: ApiResponse, status: number, path?: string): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(response.text).not.toMatch(/at .+\.(js|ts):\d+|Mongo|E11000|stack/i);
  if (path !== undefined) {
    expect(response.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path })]),
    );
  }
}
