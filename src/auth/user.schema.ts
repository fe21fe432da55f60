import { z } from 'zod';
import { roleSchema } from './roles.ts';

const password = z
  .string()
  .min(12, { message: 'must have at least 12 characters' })
  .max(1000, { message: 'must have at most 1000 characters' });

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: roleSchema,
  active: z.boolean(),
  /** Whether the user can log in with a password (SSO-only and service users cannot). */
  hasPassword: z.boolean(),
  memberships: z.array(z.object({ projectId: z.string(), role: roleSchema })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type User = z.infer<typeof userSchema>;

export const createUserSchema = z.strictObject({
  email: z.email().max(254),
  displayName: z.string().trim().min(1).max(200).optional(),
  role: roleSchema,
  /** Absent: a service user (tokens only) or an SSO user. */
  password: password.optional(),
});
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const updateUserSchema = z.strictObject({
  displayName: z.string().trim().min(1).max(200).optional(),
  role: roleSchema.optional(),
  active: z.boolean().optional(),
  password: password.optional(),
});
export type UpdateUserInput = z.infer<typeof updateUserSchema>;

export const membershipBodySchema = z.strictObject({ role: roleSchema });

export const loginSchema = z.strictObject({
  email: z.string().max(254),
  password: z.string().max(1000),
});
