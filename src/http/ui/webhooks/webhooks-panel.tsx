import type { Webhook } from '../../../webhooks/webhook.schema.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { DangerButton, OpenModalButton } from '../components/modal.tsx';
import { Time } from '../components/time.tsx';
import { EditButton } from '../components/edit-button.tsx';
import { RecordTable } from '../components/record-table.tsx';

export function WebhookStateBadge(props: { webhook: Webhook }) {
  const { webhook } = props;
  if (webhook.active) {
    return webhook.failingSince ? (
      <span class="badge badge-minor" data-webhook-state="failing">
        Failing
      </span>
    ) : (
      <span class="badge badge-finished" data-webhook-state="active">
        Active
      </span>
    );
  }
  return webhook.disabledReason ? (
    <span class="badge badge-failed" data-webhook-state="disabled">
      Disabled by Scene
    </span>
  ) : (
    <span class="badge badge-cancelled" data-webhook-state="inactive">
      Inactive
    </span>
  );
}

function eventsLabel(events: string[]): string[] {
  return events.includes('*') ? ['all events'] : events;
}

export function WebhooksPanel(props: { projectId: string; webhooks: Webhook[] }) {
  return (
    <div id="webhooks-panel">
      <div class="section-header">
        <p class="muted">
          Scene POSTs run, execution and baseline events to these URLs, signed with each webhook's
          secret, and retries failures for 24 hours.
        </p>
        <OpenModalButton
          href={`/projects/${props.projectId}/webhooks/new`}
          label="New webhook"
          primary
        />
      </div>
      {props.webhooks.length === 0 ? (
        <EmptyState title="No webhooks yet">
          <p>Add one to notify CI, chat or a tracker when runs start, finish or fail.</p>
        </EmptyState>
      ) : (
        <RecordTable
          columns={[
            { label: 'Payload URL' },
            { label: 'Events', hideNarrow: true },
            { label: 'State' },
          ]}
        >
          {props.webhooks.map((webhook) => (
            <tr id={`webhook-${webhook.id}`}>
              <td>
                <div class="cell-main mono" safe>
                  {webhook.url}
                </div>
                {webhook.description && (
                  <div class="cell-sub" safe>
                    {webhook.description}
                  </div>
                )}
              </td>
              <td class="hide-narrow">
                <div class="chips">
                  {eventsLabel(webhook.events).map((event) => (
                    <span class="chip mono" safe>
                      {event}
                    </span>
                  ))}
                </div>
              </td>
              <td>
                <WebhookStateBadge webhook={webhook} />
                {webhook.disabledReason && (
                  <div class="cell-sub" safe>
                    {webhook.disabledReason}
                  </div>
                )}
                {webhook.failingSince && !webhook.disabledReason && (
                  <div class="cell-sub">
                    Failing since <Time iso={webhook.failingSince} />
                  </div>
                )}
              </td>
              <td class="actions">
                <a
                  class="button small"
                  href={`/webhooks/${webhook.id}/deliveries`}
                  aria-label={`Deliveries of ${webhook.url}`}
                >
                  Deliveries
                </a>
                <button
                  type="button"
                  class="button small"
                  hx-post={`/webhooks/${webhook.id}/ping`}
                  hx-swap="none"
                  disabled={!webhook.active}
                  aria-label={`Send a test ping to ${webhook.url}`}
                >
                  Send ping
                </button>
                <EditButton kind="webhook" id={webhook.id} label={webhook.url} />
                <button
                  type="button"
                  class="button small"
                  hx-post={`/webhooks/${webhook.id}/rotate-secret`}
                  hx-target="#modal"
                  hx-swap="innerHTML"
                  hx-confirm="Replace the signing secret? Receivers must switch to the new one: requests are signed with it from now on."
                  data-confirm-label="Rotate secret"
                  aria-label={`Rotate the secret of ${webhook.url}`}
                >
                  Rotate secret
                </button>
                <DangerButton
                  small
                  label="Delete"
                  ariaLabel={`Delete webhook ${webhook.url}`}
                  href={`/webhooks/${webhook.id}`}
                  confirm={`Delete the webhook to ${webhook.url} and its delivery log?`}
                />
              </td>
            </tr>
          ))}
        </RecordTable>
      )}
    </div>
  );
}
