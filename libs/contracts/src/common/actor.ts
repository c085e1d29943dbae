import { z } from 'zod';

export const Role = z.enum(['ADMIN', 'HOST', 'USER']);
export type Role = z.infer<typeof Role>;

/** Who issued a command, as the gateway established it from a verified token. */
export const Actor = z.object({
  id: z.string().min(1),
  role: Role,
  /** The session (refresh-token family) the request came from. */
  sessionId: z.string().min(1).optional(),
});
export type Actor = z.infer<typeof Actor>;
