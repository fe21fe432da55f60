import type { Page } from '../../../db/pagination.ts';
import type { Project } from '../../../projects/project.schema.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { OpenModalButton } from '../components/modal.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { Pager } from '../components/pager.tsx';
import { Time } from '../components/time.tsx';
import { Layout, type PageContext } from '../layout/layout.tsx';

export function ProjectsListPage(props: {
  page: PageContext;
  projects: Page<Project>;
  cursor?: string | undefined;
}) {
  const { items, nextCursor } = props.projects;
  return (
    <Layout title="Projects" section="projects" page={props.page}>
      <PageHeader
        title="Projects"
        subtitle="Each project is a site or product: its pages, tasks, batches and runs."
        actions={<OpenModalButton href="/projects/new" label="New project" primary />}
      />
      {items.length === 0 && props.cursor === undefined ? (
        <EmptyState title="No projects yet">
          <p>Create a project, add the pages to capture, then group them in a batch and run it.</p>
          <OpenModalButton href="/projects/new" label="Create your first project" primary />
        </EmptyState>
      ) : (
        <div class="table-wrap">
          <table id="projects-table">
            <thead>
              <tr>
                <th scope="col">Project</th>
                <th scope="col" class="hide-narrow">
                  Created
                </th>
                <th scope="col" class="hide-narrow">
                  Updated
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((project) => (
                <tr>
                  <td>
                    <a class="cell-main" href={`/projects/${project.id}`} safe>
                      {project.name}
                    </a>
                    {project.description && (
                      <div class="cell-sub" safe>
                        {project.description}
                      </div>
                    )}
                  </td>
                  <td class="hide-narrow">
                    <Time iso={project.createdAt} />
                  </td>
                  <td class="hide-narrow">
                    <Time iso={project.updatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager path="/projects" query={{}} nextCursor={nextCursor} cursor={props.cursor} />
    </Layout>
  );
}
