import type { Batch } from '../../../batches/batch.schema.ts';
import type { Page } from '../../../pages/page.schema.ts';
import type { Schedule } from '../../../schedules/schedule.schema.ts';
import type { Task } from '../../../tasks/task.schema.ts';
import { batchMatrixShape } from '../../../runs/run-matrix.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { DangerButton, OpenModalButton } from '../components/modal.tsx';
import { EditButton } from '../components/edit-button.tsx';
import { RecordTable } from '../components/record-table.tsx';

export function BatchesPanel(props: {
  projectId: string;
  batches: Batch[];
  pages: Page[];
  tasks: Task[];
  /** The project's schedules: each batch lists its own with the next fire time. */
  schedules?: Schedule[];
}) {
  const pageName = new Map(props.pages.map((p) => [p.id, p.name]));
  const taskName = new Map(props.tasks.map((t) => [t.id, t.name]));
  return (
    <div id="batches-panel">
      <div class="section-header">
        <p class="muted">Test plans: pages × tasks × browsers × viewports, launched as runs.</p>
        <OpenModalButton
          href={`/projects/${props.projectId}/batches/new`}
          label="New batch"
          primary
        />
      </div>
      {props.batches.length === 0 ? (
        <EmptyState title="No batches yet">
          <p>
            {props.pages.length === 0
              ? 'Add pages first, then group them in a batch.'
              : 'Group pages in a batch to run them.'}
          </p>
        </EmptyState>
      ) : (
        <RecordTable
          columns={[
            { label: 'Batch' },
            { label: 'Matrix', hideNarrow: true },
            { label: 'Thresholds', hideNarrow: true },
          ]}
        >
          {props.batches.map((batch) => {
            const cells = batchMatrixShape(batch, props.pages, props.tasks).cells;
            return (
              <tr id={`batch-${batch.id}`}>
                <td>
                  <div class="cell-main" safe>
                    {batch.name}
                  </div>
                  <div class="cell-sub">
                    {`${cells} execution${cells === 1 ? '' : 's'} per run`}
                    {batch.jiraIssue && (
                      <>
                        {' · '}
                        <span class="mono" safe>
                          {batch.jiraIssue}
                        </span>
                      </>
                    )}
                  </div>
                  {(props.schedules ?? [])
                    .filter((s) => s.batchId === batch.id)
                    .map((s) => (
                      <div class="cell-sub schedule">
                        <span safe>
                          {`Scheduled ${s.cron} (${s.timezone}${s.branch ? `, ${s.branch}` : ''}, ${s.mode}): ${
                            s.nextFireAt
                              ? `next ${s.nextFireAt.replace('T', ' ').slice(0, 19)} UTC`
                              : 'paused'
                          }`}
                        </span>{' '}
                        <EditButton
                          kind="schedule"
                          id={s.id}
                          label={`${s.cron} of ${batch.name}`}
                        />
                        <DangerButton
                          small
                          label="Delete"
                          ariaLabel={`Delete schedule ${s.cron} of ${batch.name}`}
                          href={`/schedules/${s.id}`}
                          confirm={`Delete the schedule "${s.cron}" of batch "${batch.name}"? Its runs stay.`}
                        />
                      </div>
                    ))}
                </td>
                <td class="hide-narrow">
                  <div class="chips">
                    {batch.pageIds.map((id) => (
                      <span class="chip" safe>
                        {pageName.get(id) ?? id}
                      </span>
                    ))}
                    {batch.taskIds.map((id) => (
                      <span class="chip chip-task" safe>
                        {`task: ${taskName.get(id) ?? id}`}
                      </span>
                    ))}
                  </div>
                  <div class="cell-sub" safe>
                    {`${batch.browsers.join(', ')} · ${batch.viewports.join(', ')}`}
                  </div>
                </td>
                <td class="hide-narrow num">
                  {`${batch.executionDiffThreshold}% / ${batch.runDiffThreshold}%`}
                </td>
                <td class="actions">
                  <a
                    class="button small primary"
                    href={`/runs?projectId=${props.projectId}&batchId=${batch.id}#launch`}
                    aria-label={`Run batch ${batch.name}`}
                  >
                    Run…
                  </a>
                  <a
                    class="button small"
                    href={`/batches/${batch.id}/baselines`}
                    aria-label={`Baselines of batch ${batch.name}`}
                  >
                    Baselines
                  </a>
                  <OpenModalButton
                    small
                    href={`/batches/${batch.id}/schedules/new`}
                    label="Schedule…"
                  />
                  <EditButton kind="batch" id={batch.id} label={batch.name} />
                  <DangerButton
                    small
                    label="Delete"
                    ariaLabel={`Delete batch ${batch.name}`}
                    href={`/batches/${batch.id}`}
                    confirm={`Delete batch "${batch.name}" with its runs, baselines and their images? This cannot be undone.`}
                  />
                </td>
              </tr>
            );
          })}
        </RecordTable>
      )}
    </div>
  );
}
