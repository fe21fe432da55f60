import type { Children } from '@kitajs/html';
import type { Project } from '../../../projects/project.schema.ts';
import { DangerButton, OpenModalButton } from '../components/modal.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { Layout, type PageContext } from './layout.tsx';

export type ProjectTab = 'pages' | 'tasks' | 'batches' | 'runs' | 'webhooks' | 'settings';

export const projectTabs: { id: ProjectTab; label: string }[] = [
  { id: 'pages', label: 'Pages' },
  { id: 'tasks', label: 'Tasks' },
  { id: 'batches', label: 'Batches' },
  { id: 'runs', label: 'Runs' },
  { id: 'webhooks', label: 'Webhooks' },
  { id: 'settings', label: 'Settings' },
];

export function projectTabHref(projectId: string, tab: ProjectTab): string {
  return `/projects/${encodeURIComponent(projectId)}/${tab}`;
}

/** A project screen: header (edit, delete), the section tabs, then the tab's content. */
export function ProjectShell(props: {
  project: Project;
  tab: ProjectTab;
  page: PageContext;
  scripts?: string[];
  children: Children;
}) {
  const { project } = props;
  const label = projectTabs.find((t) => t.id === props.tab)?.label ?? '';
  return (
    <Layout
      title={`${label} · ${project.name}`}
      section="projects"
      page={props.page}
      {...(props.scripts && { scripts: props.scripts })}
    >
      <PageHeader
        title={project.name}
        crumbs={[{ label: 'Projects', href: '/projects' }]}
        subtitle={project.description}
        actions={
          <>
            <OpenModalButton href={`/projects/${project.id}/edit`} label="Edit project" />
            <DangerButton
              label="Delete project"
              href={`/projects/${project.id}`}
              confirm={`Delete project "${project.name}" and everything it owns: pages, tasks, batches, runs, baselines, artifacts and webhooks? This cannot be undone.`}
            />
          </>
        }
      />
      <nav class="tabs" aria-label="Project sections">
        {projectTabs.map((tab) => (
          <a
            href={projectTabHref(project.id, tab.id)}
            aria-current={tab.id === props.tab ? 'page' : undefined}
            safe
          >
            {tab.label}
          </a>
        ))}
      </nav>
      <section class="tab-panel" aria-label={label}>
        {props.children}
      </section>
    </Layout>
  );
}
