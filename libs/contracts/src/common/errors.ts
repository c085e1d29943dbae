import { z } from 'zod';

/** The one error vocabulary of the platform; each code maps to exactly one HTTP status. */
export const ErrorCode = {
  ValidationFailed: 'VALIDATION_FAILED',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  SlotTaken: 'SLOT_TAKEN',
  InvalidTransition: 'INVALID_TRANSITION',
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  RateLimited: 'RATE_LIMITED',
  Unavailable: 'UNAVAILABLE',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const FieldError = z.object({ path: z.string(), message: z.string() });
export type FieldError = z.infer<typeof FieldError>;

/** How a failure crosses the bus: never an exception, always this shape. */
export const BusError = z.object({
  code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  details: z
    .object({ errors: z.array(FieldError).optional() })
    .catchall(z.unknown())
    .optional(),
});
export type BusError = z.infer<typeof BusError>;

/** A typed domain error. Services throw it; the bus carries it as a {@link BusError}. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: BusError['details'],
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static notFound(what: string): DomainError {
    return new DomainError(ErrorCode.NotFound, `${what} not found`);
  }

  static validation(message: string, errors: FieldError[] = []): DomainError {
    return new DomainError(ErrorCode.ValidationFailed, message, { errors });
  }

  toBusError(): BusError {
    return {
      code: this.code,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
    };
  }

  static fromBusError(error: BusError): DomainError {
    return new DomainError(error.code, error.message, error.details);
  }
}

/** Turns zod issues into the `errors[]` of a problem document (`path` in dotted form). */
export function fieldErrorsFromZod(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: path ? `${path}.${key}` : key,
        message: 'is not a known field',
      }));
    }
    return [{ path: path || '(root)', message: issue.message }];
  });
}
