import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDto } from './problem.dto';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** The error statuses the gateway answers with (SPEC §2); 500 is a bug, not a contract. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503;

const MEANING: Record<ProblemStatus, string> = {
  400: 'the body is not valid JSON',
  401: 'no access token, an invalid or expired one, or a session that has ended',
  403: 'the role of the caller may not do this',
  404: 'not found, or not yours to see',
  409: 'a conflict with the current state',
  413: 'the body is larger than the limit (100 KiB by default)',
  422: 'well-formed but invalid: `errors[]` names each field (body, query, path or header)',
  429: 'rate limited: retry after `Retry-After` seconds',
  503: 'a service behind the gateway is down or did not answer in time; safe to retry reads',
};

/**
 * Documents the error answers of an operation: each status as `application/problem+json` with
 * the shared {@link ProblemDto} schema, described by what it means on this operation (a
 * string) or by its common meaning (`true`). Every operation asks a service over the bus, so
 * 503 is always listed.
 */
export function ApiProblemResponses(responses: Partial<Record<ProblemStatus, string | true>>) {
  const all: Partial<Record<ProblemStatus, string | true>> = { 503: true, ...responses };
  const statuses = (Object.keys(all) as `${ProblemStatus}`[]).map(
    (key) => Number(key) as ProblemStatus,
  );
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) => {
      const given = all[status];
      return ApiResponse({
        status,
        description: typeof given === 'string' ? given : MEANING[status],
        content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
        ...(status === 429
          ? {
              headers: {
                'Retry-After': {
                  description: 'seconds to wait before trying again',
                  schema: { type: 'integer', minimum: 1 },
                },
              },
            }
          : {}),
      });
    }),
  );
}
