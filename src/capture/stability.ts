import type { CapturePage, ScriptPage } from './capture-page.ts';

export interface StabilityOptions {
  suppressAnimations: boolean;
  hideCaret: boolean;
  /** Hidden from the first paint on, including elements added later (cookie banners). */
  removeSelectors: string[];
}

/**
 * Animations are fast-forwarded to their end state rather than removed: with `animation: none`
 * a fade-in element (opacity 0, animated to 1) would stay invisible.
 */
export function stabilityCss(options: StabilityOptions): string {
  const rules: string[] = [];
  if (options.suppressAnimations) {
    rules.push(
      `*, *::before, *::after { animation-duration: 0s !important; animation-delay: 0s !important; animation-iteration-count: 1 !important; transition: none !important; }`,
      `html, * { scroll-behavior: auto !important; }`,
    );
  }
  if (options.hideCaret) {
    rules.push(`*, *::before, *::after { caret-color: transparent !important; }`);
  }
  // One rule per selector: an invalid selector then drops only its own rule.
  for (const selector of options.removeSelectors) {
    rules.push(`${selector} { display: none !important; }`);
  }
  return rules.join('\n');
}

/** Installs the stability styles in every document of the context, before any page script runs. */
export async function installStability(
  page: Pick<CapturePage, 'addInitScript'>,
  options: StabilityOptions,
): Promise<void> {
  const css = stabilityCss(options);
  if (css === '') return;
  // A string, not a function: transpilers may add helpers (e.g. __name) that do not exist in the page.
  await page.addInitScript(`(() => {
      const css = ${JSON.stringify(css)};
      const install = () => {
        const root = document.head || document.documentElement;
        if (!root) return false;
        const style = document.createElement('style');
        style.dataset.scene = 'stability';
        style.textContent = css;
        root.appendChild(style);
        return true;
      };
      if (!install()) {
        const observer = new MutationObserver(() => { if (install()) observer.disconnect(); });
        observer.observe(document, { childList: true });
      }
    })();`);
}

/**
 * Settles what CSS cannot reach (Web Animations API, animations restarted by scripts):
 * finite animations jump to their end, infinite ones are cancelled. Returns how many it touched.
 */
export function finalizeAnimations(page: ScriptPage): Promise<number> {
  return page.evaluate(() => {
    const animations = document.getAnimations();
    for (const animation of animations) {
      try {
        if (animation.effect?.getComputedTiming().endTime === Infinity) animation.cancel();
        else animation.finish();
      } catch {
        animation.cancel();
      }
    }
    return animations.length;
  });
}

/**
 * Hides (visibility: hidden, layout kept) and removes (display: none and out of the DOM)
 * matching elements, now and for elements added later. Returns how many elements matched.
 */
export async function hideAndRemove(
  page: ScriptPage,
  hideSelectors: string[],
  removeSelectors: string[],
): Promise<{ hidden: number; removed: number }> {
  if (hideSelectors.length === 0 && removeSelectors.length === 0) return { hidden: 0, removed: 0 };
  const outcome = await page.evaluate(
    ({ hide, remove }) => {
      const invalid = [...hide, ...remove].filter((selector) => {
        try {
          document.createDocumentFragment().querySelector(selector);
          return false;
        } catch {
          return true;
        }
      });
      if (invalid.length > 0) return { invalid, hidden: 0, removed: 0 };
      const style = document.createElement('style');
      style.dataset.scene = 'hide-remove';
      style.textContent = [
        ...hide.map((s) => `${s} { visibility: hidden !important; }`),
        ...remove.map((s) => `${s} { display: none !important; }`),
      ].join('\n');
      (document.head ?? document.documentElement).appendChild(style);
      let hidden = 0;
      for (const selector of hide) hidden += document.querySelectorAll(selector).length;
      let removed = 0;
      for (const selector of remove) {
        for (const element of document.querySelectorAll(selector)) {
          element.remove();
          removed++;
        }
      }
      return { invalid, hidden, removed };
    },
    { hide: hideSelectors, remove: removeSelectors },
  );
  if (outcome.invalid.length > 0) {
    throw new Error(`invalid CSS selector ${outcome.invalid.map((s) => `"${s}"`).join(', ')}`);
  }
  return { hidden: outcome.hidden, removed: outcome.removed };
}
