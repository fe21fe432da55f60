import type { BaselineHistoryEntry } from '../../../baselines/baseline-history.ts';
import type { Baseline } from '../../../baselines/baseline.schema.ts';
import type { Batch } from '../../../batches/batch.schema.ts';
import type { Project } from '../../../projects/project.schema.ts';
import { shortId } from '../components/badges.tsx';
import { DangerButton } from '../components/modal.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { RecordTable } from '../components/record-table.tsx';
import { Time } from '../components/time.tsx';
import { Layout, type PageContext } from '../layout/layout.tsx';

// Baselines of a batch, the cells of a baseline, and a cell's history side by side.

function crumbs(project: Project, batch: Batch) {
  return [
    { label: 'Projects', href: '/projects' },
    { label: project.name, href: `/projects/${project.id}` },
    { label: batch.name, href: `/batches/${batch.id}/baselines` },
  ];
}

export function historyHref(baselineId: string, matrixKey: string): string {
  return `/baselines/${baselineId}/history?${new URLSearchParams({ matrixKey }).toString()}`;
}

export function BaselinesPage(props: {
  page: PageContext;
  project: Project;
  batch: Batch;
  baselines: Baseline[];
}) {
  const { project, batch } = props;
  return (
    <Layout title={`Baselines of ${batch.name}`} section="projects" page={props.page}>
      <PageHeader
        title={`Baselines of ${batch.name}`}
        crumbs={crumbs(project, batch).slice(0, 2)}
      />
      {props.baselines.length === 0 ? (
        <p class="muted">No baselines yet: launch a run with mode "baseline".</p>
      ) : (
        <RecordTable
          columns={[
            { label: 'Baseline' },
            { label: 'Branch' },
            { label: 'Source run', hideNarrow: true },
            { label: 'Images' },
            { label: 'Created', hideNarrow: true },
            { label: 'Updated', hideNarrow: true },
          ]}
        >
          {props.baselines.map((b) => (
            <tr data-baseline={b.id}>
              <td>
                <a href={`/baselines/${b.id}`} class="mono" safe>
                  {shortId(b.id)}
                </a>
              </td>
              <td safe>{b.branch ?? '(base branch)'}</td>
              <td class="hide-narrow">
                {b.sourceRunId ? (
                  <a href={`/runs/${b.sourceRunId}`} class="mono" safe>
                    {`#${shortId(b.sourceRunId)}`}
                  </a>
                ) : b.forkedFromId ? (
                  <span class="muted" safe>{`copy of ${shortId(b.forkedFromId)}`}</span>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
              <td class="num">{String(b.entries)}</td>
              <td class="hide-narrow">
                <Time iso={b.createdAt} />
              </td>
              <td class="hide-narrow">
                <Time iso={b.updatedAt} />
              </td>
              <td class="actions">
                <DangerButton
                  small
                  label="Delete"
                  ariaLabel={`Delete baseline ${shortId(b.id)}`}
                  href={`/baselines/${b.id}`}
                  confirm={`Delete baseline ${shortId(b.id)} and the images only it keeps? Refused while a run uses it.`}
                />
              </td>
            </tr>
          ))}
        </RecordTable>
      )}
    </Layout>
  );
}

export function BaselineCellsPage(props: {
  page: PageContext;
  project: Project;
  batch: Batch;
  baseline: Baseline;
  cells: { matrixKey: string; label: string }[];
}) {
  const { project, batch, baseline } = props;
  return (
    <Layout title={`Baseline ${shortId(baseline.id)}`} section="projects" page={props.page}>
      <PageHeader
        title={`Baseline ${shortId(baseline.id)}`}
        crumbs={crumbs(project, batch)}
        subtitle={`${baseline.branch ?? 'base branch'} · ${baseline.entries} images`}
      />
      <ul class="baseline-cells">
        {props.cells.map((cell) => (
          <li>
            <a href={historyHref(baseline.id, cell.matrixKey)} safe>
              {cell.label}
            </a>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

export function CellHistoryPage(props: {
  page: PageContext;
  project: Project;
  batch: Batch;
  baseline: Baseline;
  label: string;
  entries: BaselineHistoryEntry[];
}) {
  const { project, batch, baseline } = props;
  return (
    <Layout title={`History of ${props.label}`} section="projects" page={props.page}>
      <PageHeader
        title={`History of ${props.label}`}
        crumbs={[
          ...crumbs(project, batch),
          { label: `Baseline ${shortId(baseline.id)}`, href: `/baselines/${baseline.id}` },
        ]}
        subtitle={`${props.entries.length} image${props.entries.length === 1 ? '' : 's'}, newest first`}
      />
      <ol class="history-strip" aria-label="Images of this cell, newest first">
        {props.entries.map((entry, index) => (
          <li class={['history-entry', entry.current && 'current']} data-entry={entry.id}>
            <p class="history-meta">
              <strong>
                {entry.current ? 'Current' : `Generation ${props.entries.length - index}`}
              </strong>
              {' · '}
              <Time iso={entry.createdAt} />
            </p>
            <p class="history-meta muted" safe>
              {entry.approvedBy ? `approved by ${entry.approvedBy}` : 'recorded by a baseline run'}
            </p>
            <p class="history-meta">
              {entry.sourceRunId ? (
                <a
                  href={`/runs/${entry.sourceRunId}`}
                  safe
                >{`from run #${shortId(entry.sourceRunId)}`}</a>
              ) : (
                <span class="muted">source run deleted</span>
              )}
            </p>
            {!entry.current && (
              <button
                type="button"
                class="button small"
                hx-post={`/baseline-entries/${entry.id}/revert`}
                hx-swap="none"
              >
                Revert to this image
              </button>
            )}
            <a href={entry.image} target="_blank" rel="noreferrer" class="history-image">
              <img
                src={entry.image}
                alt={`Baseline image of ${createdText(entry)}`}
                loading="lazy"
              />
            </a>
          </li>
        ))}
      </ol>
    </Layout>
  );
}

function createdText(entry: BaselineHistoryEntry): string {
  return `${entry.createdAt.slice(0, 10)} ${entry.createdAt.slice(11, 19)} UTC`;
}
