import { onContent } from './htmx-events.ts';

const pad = (n: number) => String(n).padStart(2, '0');
const pad3 = (n: number) => String(n).padStart(3, '0');

function formatLocal(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '−';
  const zone = `UTC${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${zone}`;
}

/** With the "local" timestamp setting, server-rendered UTC times are shown in the browser's zone. */
export function installTimestamps(): void {
  onContent((root) => {
    if (document.body.dataset['timestamps'] !== 'local') return;
    for (const time of root.querySelectorAll<HTMLTimeElement>('time[data-ts]')) {
      if (time.dataset['tsShown'] === time.dateTime) continue;
      const date = new Date(time.dateTime);
      if (Number.isNaN(date.getTime())) continue;
      const local = formatLocal(date);
      time.textContent =
        time.dataset['ts'] === 'time'
          ? `${local.slice(11, 19)}.${pad3(date.getMilliseconds())}`
          : local;
      time.title = `${time.dateTime} (UTC)`;
      time.dataset['tsShown'] = time.dateTime;
    }
  });
}
