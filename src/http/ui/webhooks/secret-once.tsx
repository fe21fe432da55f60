import type { WebhookWithSecret } from '../../../webhooks/webhook.schema.ts';

// Copies the secret without a client module of its own: the clipboard API where the page is
// a secure context, else the selected text with execCommand.
const copyScript =
  "const input=document.getElementById('webhook-secret');input.select();" +
  "const done=()=>{this.textContent='Copied'};" +
  "if(navigator.clipboard){navigator.clipboard.writeText(input.value).then(done,()=>{document.execCommand('copy');done()})}" +
  "else{document.execCommand('copy');done()}";

/**
 * The signing secret, right after creation or rotation: the only time Scene shows it. Served
 * with `cache-control: no-store`; closing the dialog removes it from the page.
 */
export function SecretOnce(props: { webhook: WebhookWithSecret; rotated: boolean }) {
  const { webhook } = props;
  return (
    <div class="modal-form" id="webhook-secret-panel">
      <header class="modal-header">
        <h2 id="modal-title">{props.rotated ? 'New signing secret' : 'Webhook created'}</h2>
        <button type="button" class="icon-button" data-close-modal aria-label="Close">
          ×
        </button>
      </header>
      <div class="modal-body">
        <p class="notice notice-warn" role="note">
          Copy the signing secret now: Scene shows it only this once.
          {props.rotated ? ' Requests are signed with it from now on.' : ''}
        </p>
        <div class="field">
          <label for="webhook-secret">Signing secret</label>
          <input
            id="webhook-secret"
            class="mono"
            type="text"
            readonly
            value={webhook.secret}
            autocomplete="off"
            spellcheck="false"
            onfocus="this.select()"
          />
          <p class="field-hint" safe>
            {`Receivers check the Scene-Signature header with it (HMAC-SHA256; see the README). Payload URL: ${webhook.url}`}
          </p>
        </div>
      </div>
      <footer class="modal-footer">
        <button type="button" class="button" onclick={copyScript}>
          Copy secret
        </button>
        <button type="button" class="button primary" data-close-modal>
          Done
        </button>
      </footer>
    </div>
  );
}
