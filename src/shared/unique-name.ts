import { conflict } from './errors.ts';

/** Names are unique within a project: refuses `name` when another record already has it. */
export function assertNameFreeInProject(
  entity: 'page' | 'task' | 'batch',
  existing: { id: string } | undefined,
  name: string,
  exceptId?: string,
): void {
  if (existing && existing.id !== exceptId) {
    throw conflict(`this project already has a ${entity} named '${name}': choose another name`, {
      [`${entity}Id`]: existing.id,
    });
  }
}
