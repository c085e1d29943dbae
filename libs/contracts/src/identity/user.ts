import { z } from 'zod';
import { Role } from '../common/actor';
import { InstantOut } from '../common/timestamp';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** Length bounds only (NIST 800-63B); the upper bound keeps hashing cost bounded. */
export const Password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, { message: `must be at least ${PASSWORD_MIN_LENGTH} characters` })
  .max(PASSWORD_MAX_LENGTH, { message: `must be at most ${PASSWORD_MAX_LENGTH} characters` });

export const Email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be a valid email address' }));

export const DisplayName = z.string().trim().min(1, { message: 'must not be empty' }).max(100);

/** A user as it leaves the platform: never a hash or a token. */
export const User = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
  active: z.boolean(),
  timezone: z.string(),
  createdAt: InstantOut,
  updatedAt: InstantOut,
});
export type User = z.infer<typeof User>;
