import { backstopFileSizeProblem, readBackstopFile } from '../../../../imports/backstop-file.ts';

/**
 * File pickers that fill a text field (components/fields.tsx FileTextField): the picked file is
 * checked (size before reading, then its text) and only a good one replaces the field's text; a
 * bad one leaves the form as it was and says why at the picker.
 */

interface Reader {
  sizeProblem: (bytes: number) => string | undefined;
  /** Why the text will not do, or a line saying what was read. */
  read: (text: string) => { ok: true; summary: string } | { ok: false; problem: string };
}

const readers: Record<string, Reader> = {
  backstop: {
    sizeProblem: backstopFileSizeProblem,
    read: (text) => {
      const reading = readBackstopFile(text);
      if (!reading.ok) return reading;
      const count = (reading.config as { scenarios: unknown[] }).scenarios.length;
      return { ok: true, summary: `${count} scenario${count === 1 ? '' : 's'}` };
    },
  },
};

function show(input: HTMLInputElement, kind: 'status' | 'error', text: string): void {
  const line = document.getElementById(`${input.id}-${kind}`);
  if (line) {
    line.textContent = text;
    line.hidden = text === '';
  }
}

function report(input: HTMLInputElement, outcome: { error: string } | { status: string }): void {
  const error = 'error' in outcome ? outcome.error : '';
  show(input, 'error', error);
  show(input, 'status', 'status' in outcome ? outcome.status : '');
  input.closest('.field')?.classList.toggle('has-error', error !== '');
  if (error) {
    input.setAttribute('aria-invalid', 'true');
    // Picking the same file again (once fixed) must fire another change.
    input.value = '';
  } else {
    input.removeAttribute('aria-invalid');
  }
}

async function fillFrom(input: HTMLInputElement): Promise<void> {
  const file = input.files?.[0];
  const target = document.getElementById(input.dataset['fills'] ?? '');
  const reader = readers[input.dataset['reader'] ?? ''];
  if (!file || !(target instanceof HTMLTextAreaElement) || !reader) return;
  const sizeProblem = reader.sizeProblem(file.size);
  if (sizeProblem) return report(input, { error: `${file.name} is ${sizeProblem}` });
  let text: string;
  try {
    text = await file.text();
  } catch (error) {
    return report(input, { error: `${file.name} could not be read: ${(error as Error).message}` });
  }
  const reading = reader.read(text);
  if (!reading.ok) return report(input, { error: `${file.name} is ${reading.problem}` });
  target.value = text;
  report(input, { status: `Read ${file.name}: ${reading.summary}. Check the form, then import.` });
}

export function installFileFields(): void {
  document.addEventListener('change', (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.type === 'file' && input.dataset['fills']) {
      void fillFrom(input);
    }
  });
}
