import { installCsrf } from './csrf.ts';
import { installFileFields } from './file-fields.ts';
import { detailOf, type HtmxErrorDetail } from './htmx-events.ts';
import { installConfirm, installModal } from './modal.ts';
import { installRepeatableRows } from './repeatable-rows.ts';
import { installRunLogFollow } from './run-log.ts';
import { installRunsList } from './runs-list.ts';
import { installTimestamps } from './timestamps.ts';
import { installToasts, showToast } from './toasts.ts';

installCsrf();
installToasts();
installModal();
installConfirm();
installTimestamps();
installRepeatableRows();
installFileFields();
installRunsList();
installRunLogFollow();

document.addEventListener('htmx:error', (event) => {
  const detail = detailOf<HtmxErrorDetail>(event);
  if (detail?.error?.name === 'AbortError') return;
  showToast('error', `Request failed: ${detail?.error?.message ?? 'the server did not answer'}`);
});
