import { z } from 'zod';
import { roleSchema } from './roles.ts';

export const createTokenSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: roleSchema,
  projectIds: z.array(z.string().min(1).max(64)).min(1).max(100).optional(),
  expiresAt: z.iso
    .datetime({ message: 'must be an ISO-8601 UTC time, e.g. 2027-01-31T00:00:00Z' })
    .optional(),
  /** Admins only: create the token for another (service) user. */
  userId: z.string().min(1).max(64).optional(),
});
export type CreateTokenInput = z.infer<typeof createTokenSchema>;

export const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  userId: z.string(),
  /** The first characters of the token, to recognise it; never the token. */
  prefix: z.string(),
  projectIds: z.array(z.string()).nullable(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Token = z.infer<typeof tokenSchema>;

export const createdTokenSchema = tokenSchema.extend({
  token: z.string().describe('The token: shown only in this response, store it now'),
});
