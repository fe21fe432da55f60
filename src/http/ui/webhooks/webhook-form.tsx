import { webhookEventTypes } from '../../../webhooks/webhook-events.ts';
import type { Webhook } from '../../../webhooks/webhook.schema.ts';
import { CheckboxField, CheckboxGroup, TextAreaField, TextField } from '../components/fields.tsx';
import { RecordModalForm } from '../components/record-modal-form.tsx';
import {
  checkboxField,
  listField,
  optionalText,
  textField,
  type FormBody,
} from '../shared/form-data.ts';
import type { FieldErrors } from '../shared/form-errors.ts';

export interface WebhookFormValues {
  url: string;
  events: string[];
  active: boolean;
  description: string;
}

export const eventOptions = [
  { value: '*', label: 'All events (also those added later)' },
  ...webhookEventTypes.map((type) => ({ value: type, label: type })),
];

export function webhookFormValues(webhook?: Webhook): WebhookFormValues {
  return {
    url: webhook?.url ?? '',
    events: webhook?.events ?? ['*'],
    active: webhook?.active ?? true,
    description: webhook?.description ?? '',
  };
}

export function webhookFormValuesOf(body: FormBody): WebhookFormValues {
  return {
    url: textField(body, 'url'),
    events: listField(body, 'events'),
    active: checkboxField(body, 'active'),
    description: textField(body, 'description'),
  };
}

/** Input for createWebhookSchema / updateWebhookSchema (a blank description is removed). */
export function webhookInputOf(body: FormBody, mode: 'create' | 'update') {
  const description = optionalText(body, 'description');
  return {
    url: textField(body, 'url').trim(),
    events: listField(body, 'events'),
    active: checkboxField(body, 'active'),
    description: mode === 'update' ? (description ?? null) : description,
  };
}

export function WebhookForm(props: {
  projectId: string;
  webhook?: Webhook | undefined;
  values: WebhookFormValues;
  errors?: FieldErrors | undefined;
}) {
  const { webhook, values, errors } = props;
  return (
    <RecordModalForm
      kind="webhook"
      projectId={props.projectId}
      recordId={webhook?.id}
      placedFields={['url', 'events', 'active', 'description']}
      errors={errors}
    >
      <TextField
        name="url"
        label="Payload URL"
        type="url"
        value={values.url}
        errors={errors}
        required
        autofocus
        placeholder="https://ci.example.com/hooks/scene"
        hint="Scene POSTs each event here as JSON, signed with the webhook's secret."
      />
      <CheckboxGroup
        name="events"
        label="Events"
        options={eventOptions}
        checked={values.events}
        errors={errors}
        hint="“All events” alone, or the event types to send."
      />
      <CheckboxField
        name="active"
        label="Active"
        checked={values.active}
        errors={errors}
        hint={
          webhook?.disabledReason
            ? `Scene turned it off: ${webhook.disabledReason}. Tick to send again.`
            : 'Inactive webhooks receive nothing; deliveries already queued wait.'
        }
      />
      <TextAreaField
        name="description"
        label="Description (optional)"
        value={values.description}
        errors={errors}
        rows={2}
      />
    </RecordModalForm>
  );
}
