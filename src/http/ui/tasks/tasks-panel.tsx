import type { Task } from '../../../tasks/task.schema.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { DangerButton, OpenModalButton } from '../components/modal.tsx';
import { EditButton } from '../components/edit-button.tsx';
import { RecordTable } from '../components/record-table.tsx';

export function TasksPanel(props: { projectId: string; tasks: Task[] }) {
  return (
    <div id="tasks-panel">
      <div class="section-header">
        <p class="muted">
          Interactions run on a page before its screenshot. A page with no task is captured as
          loaded.
        </p>
        <OpenModalButton href={`/projects/${props.projectId}/tasks/new`} label="New task" primary />
      </div>
      {props.tasks.length === 0 ? (
        <EmptyState title="No tasks yet">
          <p>
            Tasks are optional: add one to capture a page after an interaction such as opening a
            menu.
          </p>
        </EmptyState>
      ) : (
        <RecordTable columns={[{ label: 'Task' }, { label: 'Steps', hideNarrow: true }]}>
          {props.tasks.map((task) => (
            <tr id={`task-${task.id}`}>
              <td>
                <div class="cell-main" safe>
                  {task.name}
                </div>
                <div class="cell-sub">
                  {`${task.actions.length} step${task.actions.length === 1 ? '' : 's'}${task.script ? ' + script' : ''}`}
                </div>
              </td>
              <td class="hide-narrow">
                <div class="chips">
                  {task.actions.slice(0, 6).map((action) => (
                    <span class="chip mono" safe>
                      {`${action.type}${action.selector ? ` ${action.selector}` : ''}`}
                    </span>
                  ))}
                  {task.actions.length > 6 && <span class="chip">…</span>}
                </div>
              </td>
              <td class="actions">
                <EditButton kind="task" id={task.id} label={task.name} />
                <DangerButton
                  small
                  label="Delete"
                  ariaLabel={`Delete task ${task.name}`}
                  href={`/tasks/${task.id}`}
                  confirm={`Delete task "${task.name}"? Batches that use it must drop it first.`}
                />
              </td>
            </tr>
          ))}
        </RecordTable>
      )}
    </div>
  );
}
