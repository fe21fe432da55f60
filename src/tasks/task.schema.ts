import { z } from 'zod';
import { actionsSchema } from '../pages/page.schema.ts';
import { captureScopeSchema, nameSchema, scriptSchema } from '../shared/schemas.ts';

export const taskSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  actions: actionsSchema,
  script: z.string().optional(),
  capture: captureScopeSchema
    .optional()
    .describe("what this task's cells capture; absent: the page's capture scope"),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Task = z.infer<typeof taskSchema>;

export const createTaskSchema = z.strictObject({
  name: nameSchema,
  actions: actionsSchema.optional(),
  script: scriptSchema.optional().describe('JavaScript run in the page (never in Node)'),
  capture: captureScopeSchema
    .optional()
    .describe("what this task's cells capture; absent: the page's capture scope"),
});
export type CreateTaskInput = z.infer<typeof createTaskSchema>;

export const updateTaskSchema = z.strictObject({
  name: nameSchema.optional(),
  actions: actionsSchema.optional(),
  script: scriptSchema.nullable().optional().describe('null removes the script'),
  capture: captureScopeSchema
    .nullable()
    .optional()
    .describe("null: the task's cells capture as their page says"),
});
export type UpdateTaskInput = z.infer<typeof updateTaskSchema>;
