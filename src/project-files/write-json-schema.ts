import { writeFileSync } from 'node:fs';
import { projectFileJsonSchema } from './project-file.schema.ts';

// Regenerates schemas/project-file.schema.json from the file's zod schema (the API's own
// schemas): `npx tsx src/project-files/write-json-schema.ts`. A test checks it is current.

export const committedSchemaFile = new URL(
  '../../schemas/project-file.schema.json',
  import.meta.url,
);

export function projectFileJsonSchemaText(): string {
  return `${JSON.stringify(projectFileJsonSchema(), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Formatted as the repository's other files (prettier, a development dependency).
  const { format } = await import('prettier');
  writeFileSync(committedSchemaFile, await format(projectFileJsonSchemaText(), { parser: 'json' }));
}
