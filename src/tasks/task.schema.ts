import { z } from 'zod';
import { actionsSchema } from '../pages/page.schema.ts';
import { nameSchema, scriptSchema } from '../shared/schemas.ts';

export const taskSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  actions: actionsSchema,
  script: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Task = z.infer<typeof taskSchema>;

export const createTaskSchema = z.strictObject({
  name: nameSchema,
  actions: actionsSchema.optional(),
  script: scriptSchema.optional().describe('JavaScript run in the page (never in Node)'),
});
export type CreateTaskInput = z.infer<typeof createTaskSchema>;

export const updateTaskSchema = z.strictObject({
  name: nameSchema.optional(),
  actions: actionsSchema.optional(),
  script: scriptSchema.nullable().optional().describe('null removes the script'),
});
export type UpdateTaskInput = z.infer<typeof updateTaskSchema>;
