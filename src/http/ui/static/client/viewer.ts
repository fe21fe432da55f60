// The execution viewer: modes, zoom, changed-region navigation, slider and onion-skin
// controls, synchronised side-by-side scrolling and keyboard shortcuts. The server renders
// every layer; this script only shows, hides and positions them.

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

type Effect = 'clip' | 'opacity';

interface ModeConfig {
  base?: string;
  top?: string;
  effect?: Effect;
  pair?: boolean;
  regions: boolean;
}

const modes: Record<string, ModeConfig> = {
  observed: { base: 'observed', regions: true },
  baseline: { base: 'baseline', regions: true },
  diff: { base: 'diff', regions: true },
  heatmap: { base: 'heatmap', regions: true },
  'side-by-side': { pair: true, regions: false },
  slider: { base: 'baseline', top: 'observed', effect: 'clip', regions: true },
  onion: { base: 'baseline', top: 'observed', effect: 'opacity', regions: true },
  reference: { base: 'reference', top: 'observed', effect: 'clip', regions: false },
  aligned: { base: 'aligned', regions: true },
};

const storageKey = 'scene.viewer';

function stored(): { mode?: string; zoom?: string } {
  try {
    return JSON.parse(sessionStorage.getItem(storageKey) ?? '{}') as {
      mode?: string;
      zoom?: string;
    };
  } catch {
    return {};
  }
}

function store(update: { mode?: string; zoom?: string }): void {
  sessionStorage.setItem(storageKey, JSON.stringify({ ...stored(), ...update }));
}

function setupViewer(viewer: HTMLElement): void {
  const canvas = viewer.querySelector<HTMLElement>('[data-canvas]');
  const mainStage = viewer.querySelector<HTMLElement>('[data-stage="main"]');
  const pair = viewer.querySelector<HTMLElement>('[data-pair]');
  const left = viewer.querySelector<HTMLElement>('[data-stage="left"]');
  const right = viewer.querySelector<HTMLElement>('[data-stage="right"]');
  const divider = viewer.querySelector<HTMLElement>('[data-divider]');
  const regionsLayer = viewer.querySelector<HTMLElement>('[data-regions-layer]');
  const slider = viewer.querySelector<HTMLInputElement>('[data-slider]');
  const opacity = viewer.querySelector<HTMLInputElement>('[data-opacity]');
  const showRegions = viewer.querySelector<HTMLInputElement>('[data-show-regions]');
  const counter = document.getElementById('change-counter');
  // Top to bottom, then left to right: the order a reader scans the page.
  const regions = (JSON.parse(viewer.dataset['regions'] ?? '[]') as Rect[]).sort(
    (a, b) => a.y - b.y || a.x - b.x,
  );
  // Confirm before flagging: what moved between two captures of the cell, shown hatched.
  const unstable = JSON.parse(viewer.dataset['unstableRegions'] ?? '[]') as Rect[];
  const layer = (name: string | undefined) =>
    name ? (canvas?.querySelector<HTMLImageElement>(`img[data-layer="${name}"]`) ?? null) : null;
  const modeButton = (mode: string) =>
    viewer.querySelector<HTMLButtonElement>(`[data-mode-button="${mode}"]`);
  const available = (mode: string) => {
    const button = modeButton(mode);
    return button !== null && !button.disabled;
  };
  let current = -1;

  const config = () => modes[viewer.dataset['mode'] ?? 'observed'] ?? modes['observed'];

  /** Image pixels → displayed pixels (the observed screenshot's scale). */
  const scale = () => {
    const reference = layer('observed') ?? layer(config()?.base);
    if (!canvas || !reference || reference.naturalWidth === 0) return 1;
    return viewer.dataset['zoom'] === 'actual' ? 1 : canvas.clientWidth / reference.naturalWidth;
  };

  const drawRegions = () => {
    if (!regionsLayer) return;
    const visible =
      regions.length + unstable.length > 0 &&
      (showRegions?.checked ?? true) &&
      (config()?.regions ?? false);
    regionsLayer.hidden = !visible;
    if (!visible) return;
    const s = scale();
    const box = (region: Rect, className: string) => {
      const element = document.createElement('div');
      element.className = className;
      element.style.left = `${region.x * s}px`;
      element.style.top = `${region.y * s}px`;
      element.style.width = `${Math.max(region.width * s, 4)}px`;
      element.style.height = `${Math.max(region.height * s, 4)}px`;
      return element;
    };
    regionsLayer.replaceChildren(
      ...unstable.map((region) => {
        const element = box(region, 'region unstable');
        element.title = 'Unstable: differed between two captures, not counted as a change';
        return element;
      }),
      ...regions.map((region, index) =>
        box(region, index === current ? 'region current' : 'region'),
      ),
    );
  };

  const setDivider = (percent: number) => {
    const value = Math.min(100, Math.max(0, percent));
    if (slider) slider.value = String(Math.round(value));
    const top = layer(config()?.top);
    if (top && config()?.effect === 'clip') top.style.clipPath = `inset(0 0 0 ${value}%)`;
    if (divider) divider.style.left = `${value}%`;
  };

  const setOpacity = (percent: number) => {
    const top = layer(config()?.top);
    if (top && config()?.effect === 'opacity') top.style.opacity = String(percent / 100);
  };

  const applyMode = (mode: string, remember: boolean) => {
    if (!modes[mode] || !available(mode)) return;
    viewer.dataset['mode'] = mode;
    const c = modes[mode];
    for (const button of viewer.querySelectorAll<HTMLElement>('[data-mode-button]')) {
      button.setAttribute('aria-pressed', String(button.dataset['modeButton'] === mode));
    }
    for (const img of canvas?.querySelectorAll<HTMLImageElement>('img[data-layer]') ?? []) {
      const name = img.dataset['layer'];
      img.classList.toggle('layer-base', name === c?.base);
      img.classList.toggle('layer-top', name === c?.top);
      img.style.clipPath = '';
      img.style.opacity = '';
    }
    for (const control of viewer.querySelectorAll<HTMLElement>('[data-for-modes]')) {
      control.hidden = !(control.dataset['forModes'] ?? '').split(' ').includes(mode);
    }
    if (mainStage) mainStage.hidden = c?.pair === true;
    if (pair) pair.hidden = c?.pair !== true;
    if (divider) divider.hidden = c?.effect !== 'clip';
    if (c?.effect === 'clip') setDivider(Number(slider?.value ?? 50));
    if (c?.effect === 'opacity') setOpacity(Number(opacity?.value ?? 50));
    if (remember) store({ mode });
    drawRegions();
  };

  const stages = () => [mainStage, left, right].filter((s): s is HTMLElement => s !== null);

  const applyZoom = (zoom: string, remember: boolean) => {
    const ratios = stages().map((s) => (s.scrollHeight > 0 ? s.scrollTop / s.scrollHeight : 0));
    viewer.dataset['zoom'] = zoom;
    for (const button of viewer.querySelectorAll<HTMLElement>('[data-zoom-button]')) {
      button.setAttribute('aria-pressed', String(button.dataset['zoomButton'] === zoom));
    }
    // Keep the same part of a tall page in view across the zoom change.
    stages().forEach((s, i) => {
      s.scrollTop = (ratios[i] ?? 0) * s.scrollHeight;
    });
    if (remember) store({ zoom });
    drawRegions();
  };

  const goToChange = (step: number) => {
    if (regions.length === 0) return;
    current = (current + step + regions.length) % regions.length;
    const region = regions[current];
    if (!region) return;
    const s = scale();
    const targets = config()?.pair ? [left, right] : [mainStage];
    for (const stage of targets) {
      if (!stage) continue;
      stage.scrollTo({
        top: Math.max(0, region.y * s - stage.clientHeight / 3),
        left: Math.max(0, region.x * s - stage.clientWidth / 3),
      });
    }
    if (counter) counter.textContent = `Change ${current + 1} of ${regions.length}`;
    drawRegions();
  };

  // Side by side: both panes scroll together.
  let syncing = false;
  const sync = (from: HTMLElement, to: HTMLElement) => {
    from.addEventListener('scroll', () => {
      if (syncing) return;
      syncing = true;
      to.scrollTop = from.scrollTop;
      to.scrollLeft = from.scrollLeft;
      requestAnimationFrame(() => {
        syncing = false;
      });
    });
  };
  if (left && right) {
    sync(left, right);
    sync(right, left);
  }

  // Dragging the divider (slider and reference modes).
  let dragging = false;
  const dividerFromPointer = (event: PointerEvent) => {
    if (!canvas) return;
    const rect = canvas.getBoundingClientRect();
    setDivider(((event.clientX - rect.left) / rect.width) * 100);
  };
  canvas?.addEventListener('pointerdown', (event) => {
    if (config()?.effect !== 'clip') return;
    dragging = true;
    canvas.setPointerCapture(event.pointerId);
    dividerFromPointer(event);
    event.preventDefault();
  });
  canvas?.addEventListener('pointermove', (event) => {
    if (dragging) dividerFromPointer(event);
  });
  const stopDragging = () => {
    dragging = false;
  };
  canvas?.addEventListener('pointerup', stopDragging);
  canvas?.addEventListener('pointercancel', stopDragging);

  slider?.addEventListener('input', () => setDivider(Number(slider.value)));
  opacity?.addEventListener('input', () => setOpacity(Number(opacity.value)));
  showRegions?.addEventListener('change', drawRegions);
  viewer.addEventListener('click', (event) => {
    const target = event.target as Element | null;
    const modeTarget = target?.closest<HTMLElement>('[data-mode-button]');
    if (modeTarget?.dataset['modeButton']) applyMode(modeTarget.dataset['modeButton'], true);
    const zoomTarget = target?.closest<HTMLElement>('[data-zoom-button]');
    if (zoomTarget?.dataset['zoomButton']) applyZoom(zoomTarget.dataset['zoomButton'], true);
    const change = target?.closest<HTMLElement>('[data-change]');
    if (change) goToChange(change.dataset['change'] === 'previous' ? -1 : 1);
  });
  for (const img of canvas?.querySelectorAll('img') ?? [])
    img.addEventListener('load', drawRegions);
  if (canvas) new ResizeObserver(drawRegions).observe(canvas);

  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement | null;
    const typing = target?.closest(
      'input:not([type=checkbox]):not([type=radio]):not([type=range]), textarea, select, [contenteditable]',
    );
    if (typing || document.querySelector('dialog[open]')) return;
    // A range input (divider, opacity) keeps its own arrow keys.
    const onRange = target instanceof HTMLInputElement && target.type === 'range';
    if (onRange && event.key.startsWith('Arrow')) return;
    const go = (href: string | undefined) => {
      if (href) window.location.assign(href);
    };
    const modeNames = Object.keys(modes);
    const review = (action: string) =>
      document
        .querySelector<HTMLButtonElement>(`[data-review-action="${action}"]:not([disabled])`)
        ?.click();
    if (event.key === 'ArrowLeft') go(viewer.dataset['previousHref']);
    // On to the next changed execution; past the last change, the next one.
    else if (event.key === 'ArrowRight')
      go(viewer.dataset['nextChangeHref'] ?? viewer.dataset['nextHref']);
    else if (event.key === 'a') review('approve');
    else if (event.key === 'r') review('reject');
    else if (event.key === 'Escape') go(viewer.dataset['runHref']);
    else if (/^[1-9]$/.test(event.key)) applyMode(modeNames[Number(event.key) - 1] ?? '', true);
    else if (event.key === 'n') goToChange(1);
    else if (event.key === 'p') goToChange(-1);
    else if (event.key === 'z')
      applyZoom(viewer.dataset['zoom'] === 'fit' ? 'actual' : 'fit', true);
    else return;
    event.preventDefault();
  });

  setupChangeOutlines(viewer, { layer, config, scale, mainStage, left, right });

  const remembered = stored();
  const requested = new URLSearchParams(window.location.search).get('mode');
  const initial = [requested, remembered.mode].find(
    (m): m is string => m !== null && m !== undefined && available(m),
  );
  applyMode(initial ?? viewer.dataset['mode'] ?? 'observed', false);
  applyZoom(remembered.zoom === 'actual' ? 'actual' : 'fit', false);
  viewer.dataset['ready'] = 'true';
}

interface OutlineContext {
  layer: (name: string | undefined) => HTMLImageElement | null;
  config: () => ModeConfig | undefined;
  scale: () => number;
  mainStage: HTMLElement | null;
  left: HTMLElement | null;
  right: HTMLElement | null;
}

/**
 * The Changes panel (issue 15): hovering, focusing or selecting a change outlines its element
 * on both images — dashed where it was (baseline), solid where it is (observed) — and scrolls
 * the image to it. Rectangles come in CSS px; the images are `data-scale` px per CSS px.
 */
function setupChangeOutlines(viewer: HTMLElement, context: OutlineContext): void {
  const panel = document.getElementById('changes');
  if (!panel) return;
  const dpr = Number(viewer.dataset['scale'] ?? '1') || 1;
  let selected: HTMLElement | null = null;
  let shown: HTMLElement | null = null;
  const rectOf = (item: HTMLElement, key: 'before' | 'after'): Rect | null =>
    item.dataset[key] ? (JSON.parse(item.dataset[key] ?? 'null') as Rect) : null;
  const outline = (rect: Rect, scale: number, className: string): HTMLElement => {
    const element = document.createElement('div');
    element.className = className;
    element.style.left = `${rect.x * dpr * scale - 2}px`;
    element.style.top = `${rect.y * dpr * scale - 2}px`;
    element.style.width = `${Math.max(rect.width * dpr * scale, 2) + 4}px`;
    element.style.height = `${Math.max(rect.height * dpr * scale, 2) + 4}px`;
    return element;
  };
  const paneScale = (stage: HTMLElement | null): number => {
    const img = stage?.querySelector('img');
    const canvas = stage?.querySelector<HTMLElement>('.canvas');
    if (!img || !canvas || img.naturalWidth === 0) return 1;
    return viewer.dataset['zoom'] === 'actual' ? 1 : canvas.clientWidth / img.naturalWidth;
  };
  const draw = (item: HTMLElement | null, scroll: boolean): void => {
    shown = item;
    const layers = {
      main: viewer.querySelector<HTMLElement>('[data-outlines="main"]'),
      left: viewer.querySelector<HTMLElement>('[data-outlines="left"]'),
      right: viewer.querySelector<HTMLElement>('[data-outlines="right"]'),
    };
    for (const layer of Object.values(layers)) layer?.replaceChildren();
    for (const button of panel.querySelectorAll('[data-change-index]')) {
      button.classList.toggle('shown', button === item);
    }
    if (!item) return;
    const before = rectOf(item, 'before');
    const after = rectOf(item, 'after');
    const pair = context.config()?.pair === true;
    if (pair) {
      const ls = paneScale(context.left);
      const rs = paneScale(context.right);
      if (before) layers.left?.append(outline(before, ls, 'outline outline-before'));
      if (after) layers.right?.append(outline(after, rs, 'outline outline-after'));
    } else {
      const s = context.scale();
      if (before) layers.main?.append(outline(before, s, 'outline outline-before'));
      if (after) layers.main?.append(outline(after, s, 'outline outline-after'));
    }
    if (!scroll) return;
    const target = after ?? before;
    if (!target) return;
    const stages = pair ? [context.left, context.right] : [context.mainStage];
    for (const stage of stages) {
      if (!stage) continue;
      const s = pair ? paneScale(stage) : context.scale();
      stage.scrollTo({
        top: Math.max(0, target.y * dpr * s - stage.clientHeight / 3),
        left: Math.max(0, target.x * dpr * s - stage.clientWidth / 3),
        behavior: 'smooth',
      });
    }
  };
  const itemOf = (event: Event): HTMLElement | null =>
    (event.target as Element | null)?.closest<HTMLElement>('[data-change-index]') ?? null;
  panel.addEventListener('mouseover', (event) => {
    const item = itemOf(event);
    if (item && item !== shown) draw(item, false);
  });
  panel.addEventListener('mouseleave', () => draw(selected, false));
  panel.addEventListener('focusin', (event) => {
    const item = itemOf(event);
    if (item) draw(item, true);
  });
  panel.addEventListener('click', (event) => {
    const item = itemOf(event);
    if (!item) return;
    selected = selected === item ? null : item;
    for (const button of panel.querySelectorAll('[data-change-index]')) {
      button.setAttribute('aria-pressed', String(button === selected));
    }
    draw(selected ?? item, true);
  });
  // Redrawn on a mode or zoom change and when images load (their size sets the scale).
  new MutationObserver(() => draw(shown, false)).observe(viewer, {
    attributes: true,
    attributeFilter: ['data-mode', 'data-zoom'],
  });
  for (const img of viewer.querySelectorAll('img'))
    img.addEventListener('load', () => draw(shown, false));
}

const viewer = document.getElementById('viewer');
if (viewer) setupViewer(viewer);
