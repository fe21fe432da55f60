import type { Children } from '@kitajs/html';
import { FormErrors } from './fields.tsx';

/**
 * A form shown in the page's modal dialog (#modal). Open it with a button that
 * `hx-get`s the form into `#modal`; the client opens the dialog after the swap. The form
 * posts with htmx and is replaced by the answer: itself with field errors (status 422),
 * or nothing plus HX-Trigger events (toast, close) or a redirect on success.
 */
export function ModalForm(props: {
  title: string;
  /** hx-post / hx-patch target. */
  action: string;
  method?: 'post' | 'patch';
  submitLabel: string;
  formErrors?: string[];
  wide?: boolean;
  children: Children;
}) {
  const method = props.method ?? 'post';
  return (
    <form
      class={['modal-form', props.wide && 'modal-wide']}
      {...(method === 'post' ? { 'hx-post': props.action } : { 'hx-patch': props.action })}
      hx-target="this"
      hx-swap="outerHTML"
      novalidate
    >
      <header class="modal-header">
        <h2 id="modal-title" safe>
          {props.title}
        </h2>
        <button type="button" class="icon-button" data-close-modal aria-label="Close">
          ×
        </button>
      </header>
      <div class="modal-body">
        <FormErrors messages={props.formErrors ?? []} />
        {props.children}
      </div>
      <footer class="modal-footer">
        <button type="button" class="button" data-close-modal>
          Cancel
        </button>
        <button type="submit" class="button primary" safe>
          {props.submitLabel}
        </button>
      </footer>
    </form>
  );
}

/** A button that loads a form into the modal dialog. */
export function OpenModalButton(props: {
  href: string;
  label: string;
  primary?: boolean;
  small?: boolean;
}) {
  return (
    <button
      type="button"
      class={['button', props.primary && 'primary', props.small && 'small']}
      hx-get={props.href}
      hx-target="#modal"
      hx-swap="innerHTML"
      safe
    >
      {props.label}
    </button>
  );
}

/**
 * A destructive action: the client asks `confirm` in an accessible dialog before htmx sends
 * the request (the htmx:confirm event).
 */
export function DangerButton(props: {
  label: string;
  confirm: string;
  method?: 'delete' | 'post';
  href: string;
  small?: boolean;
  ariaLabel?: string;
}) {
  const method = props.method ?? 'delete';
  return (
    <button
      type="button"
      class={['button danger', props.small && 'small']}
      {...(method === 'delete' ? { 'hx-delete': props.href } : { 'hx-post': props.href })}
      hx-confirm={props.confirm}
      hx-swap="none"
      aria-label={props.ariaLabel}
      safe
    >
      {props.label}
    </button>
  );
}
