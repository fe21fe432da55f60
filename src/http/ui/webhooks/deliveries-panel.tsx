import type { Page } from '../../../db/pagination.ts';
import {
  deliveryStatuses,
  type Delivery,
  type DeliveryAttempt,
  type DeliveryStatus,
  type Webhook,
} from '../../../webhooks/webhook.schema.ts';
import { shortId } from '../components/badges.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { SelectField } from '../components/fields.tsx';
import { Pager } from '../components/pager.tsx';
import { formatDuration, Time } from '../components/time.tsx';

const statusBadge: Record<DeliveryStatus, { className: string; label: string }> = {
  pending: { className: 'badge-queued', label: 'Pending' },
  succeeded: { className: 'badge-finished', label: 'Succeeded' },
  failed: { className: 'badge-failed', label: 'Failed' },
};

function DeliveryStatusBadge(props: { status: DeliveryStatus }) {
  const badge = statusBadge[props.status];
  return (
    <span class={`badge ${badge.className}`} data-delivery-status={props.status}>
      {badge.label}
    </span>
  );
}

function attemptResult(attempt: Pick<DeliveryAttempt, 'statusCode' | 'error'>): string {
  if (attempt.statusCode !== undefined) return `HTTP ${attempt.statusCode}`;
  return attempt.error ?? 'no response';
}

function lastResult(delivery: Delivery): string {
  if (delivery.attemptCount === 0) return 'not sent yet';
  return attemptResult({
    ...(delivery.lastStatusCode !== undefined && { statusCode: delivery.lastStatusCode }),
    ...(delivery.lastError !== undefined && { error: delivery.lastError }),
  });
}

function AttemptsTable(props: { attempts: DeliveryAttempt[] }) {
  if (props.attempts.length === 0) return <p class="muted">No attempt yet.</p>;
  return (
    <table class="changes-table">
      <caption class="visually-hidden">Attempts, oldest first</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Time</th>
          <th scope="col">Result</th>
          <th scope="col">Duration</th>
          <th scope="col">Response (first 2 KB)</th>
        </tr>
      </thead>
      <tbody>
        {props.attempts.map((attempt, index) => (
          <tr>
            <td class="num">{String(index + 1)}</td>
            <td>
              <Time iso={attempt.at} />
            </td>
            <td class="mono" safe>
              {attemptResult(attempt)}
            </td>
            <td class="num">{formatDuration(attempt.durationMs)}</td>
            <td class="mono" safe>
              {attempt.responseExcerpt ?? '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DeliveriesFilter(props: {
  webhookId: string;
  status?: DeliveryStatus | undefined;
}) {
  return (
    <form
      class="filters"
      method="get"
      action={`/webhooks/${props.webhookId}/deliveries`}
      role="search"
      aria-label="Filter deliveries"
    >
      <SelectField
        name="status"
        label="Status"
        value={props.status}
        emptyLabel="Any status"
        options={deliveryStatuses.map((s) => ({ value: s, label: statusBadge[s].label }))}
      />
      <div class="button-row">
        <button type="submit" class="button">
          Filter
        </button>
      </div>
    </form>
  );
}

/** Queries of the deliveries page and its list fragment. */
export function deliveriesQuery(status?: DeliveryStatus, cursor?: string): string {
  const params = new URLSearchParams();
  if (status) params.set('status', status);
  if (cursor) params.set('cursor', cursor);
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}

/** The delivery log; while a delivery is pending it re-fetches itself every 2 s. */
export function DeliveriesPanel(props: {
  webhook: Webhook;
  deliveries: Page<Delivery>;
  status?: DeliveryStatus | undefined;
  cursor?: string | undefined;
}) {
  const { webhook, deliveries } = props;
  const pending = deliveries.items.some((d) => d.status === 'pending');
  return (
    <div
      id="deliveries-panel"
      {...(pending && {
        'hx-get': `/webhooks/${webhook.id}/deliveries/list${deliveriesQuery(props.status, props.cursor)}`,
        'hx-trigger': 'every 2s',
        'hx-swap': 'outerHTML',
      })}
    >
      {deliveries.items.length === 0 ? (
        <EmptyState title={props.status ? `No ${props.status} deliveries` : 'No deliveries yet'}>
          <p>Send a ping to try the endpoint.</p>
        </EmptyState>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Queued</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Attempts
                </th>
                <th scope="col" class="hide-narrow">
                  Last result
                </th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {deliveries.items.map((delivery) => (
                <tr id={`delivery-${delivery.id}`}>
                  <td>
                    <details class="audit-changes">
                      <summary>
                        <span class="mono" safe>
                          {delivery.eventType}
                        </span>{' '}
                        <span class="cell-sub mono" safe>
                          {shortId(delivery.id)}
                        </span>
                      </summary>
                      <dl class="facts">
                        <div>
                          <dt>Scene-Delivery</dt>
                          <dd class="mono" safe>
                            {delivery.id}
                          </dd>
                        </div>
                        <div>
                          <dt>Event id</dt>
                          <dd class="mono" safe>
                            {delivery.eventId}
                          </dd>
                        </div>
                        {delivery.status === 'pending' && delivery.nextAttemptAt && (
                          <div>
                            <dt>Next attempt</dt>
                            <dd>
                              <Time iso={delivery.nextAttemptAt} />
                            </dd>
                          </div>
                        )}
                        {delivery.deliveredAt && (
                          <div>
                            <dt>Delivered</dt>
                            <dd>
                              <Time iso={delivery.deliveredAt} />
                            </dd>
                          </div>
                        )}
                      </dl>
                      <AttemptsTable attempts={delivery.attempts} />
                      <pre class="mono" safe>
                        {JSON.stringify(delivery.payload, null, 2)}
                      </pre>
                    </details>
                  </td>
                  <td>
                    <Time iso={delivery.createdAt} />
                  </td>
                  <td>
                    <DeliveryStatusBadge status={delivery.status} />
                  </td>
                  <td class="num">{String(delivery.attemptCount)}</td>
                  <td class="hide-narrow mono" safe>
                    {lastResult(delivery)}
                  </td>
                  <td class="actions">
                    {delivery.status !== 'pending' && (
                      <button
                        type="button"
                        class="button small"
                        hx-post={`/deliveries/${delivery.id}/redeliver`}
                        hx-swap="none"
                        disabled={!webhook.active}
                        aria-label={`Redeliver ${delivery.eventType} ${shortId(delivery.id)}`}
                      >
                        Redeliver
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        path={`/webhooks/${webhook.id}/deliveries`}
        query={{ status: props.status }}
        nextCursor={deliveries.nextCursor}
      />
    </div>
  );
}
