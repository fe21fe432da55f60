import { stringify } from 'yaml';
import type { Conn } from '../db/connect.ts';
import { getProject } from '../projects/projects.service.ts';
import { projectFileOf, readProjectContents } from './project-contents.ts';

export type ProjectFileFormat = 'yaml' | 'json';

export const projectFileSchemaPath = '/api/v1/project-file.schema.json';

const yamlHeader = `# Scene project file: change it, then \`scene apply <file>\` (--dry-run shows the plan).
# JSON Schema: GET ${projectFileSchemaPath}. Secrets appear only as \${ENV_VAR} references.
`;

/** The project as a project file, YAML or JSON; the same project always gives the same text. */
export async function exportProject(
  conn: Conn,
  projectId: string,
  format: ProjectFileFormat,
): Promise<string> {
  const project = await getProject(conn, projectId);
  const content = projectFileOf(await readProjectContents(conn, project));
  if (format === 'json') return `${JSON.stringify(content, null, 2)}\n`;
  return yamlHeader + stringify(content, { lineWidth: 0 });
}
