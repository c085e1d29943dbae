import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Actor, Role } from '@slotbook/contracts';

export const IS_PUBLIC = 'slotbook:public';
export const GUESTS_WELCOME = 'slotbook:guests-welcome';
export const ROLES = 'slotbook:roles';

/** The route needs no access token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * The route serves callers without a token too (guests, SPEC §5b): a request with no
 * `Authorization` header goes on with no actor; one with a header is authenticated as always.
 */
export const GuestsWelcome = () => SetMetadata(GUESTS_WELCOME, true);

/** Only these roles may call the route (403 for any other authenticated caller). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

export interface AuthenticatedRequest {
  actor?: Actor;
}

/** The verified caller of the request. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw new Error('CurrentActor used on a public route');
  return actor;
});

/** The verified caller, or undefined for a request without a token (`@GuestsWelcome()`). */
export const MaybeActor = createParamDecorator(
  (_: unknown, context: ExecutionContext): Actor | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().actor,
);
