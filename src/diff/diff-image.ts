// The diff image's palette: the observed image greyed and faded (by luma), the same greys
// tinted red for content present in one image only, a strong red for changed pixels, and a
// slate blue for the hatching of ignored areas. 160 entries, no loss: the faded greys have
// only 77 distinct values.

/** Opacity of the greyed observed image under the highlights (pixelmatch uses 0.1). */
const BACKGROUND_OPACITY = 0.3;
const CHANGED_RGB = [255, 0, 64] as const;
const HATCH_RGB = [74, 106, 156] as const;
export const HATCH_PERIOD = 10;
export const HATCH_WIDTH = 3;

const greyValues: number[] = [];
/** Palette index of the faded grey for each luma 0..255 (white stays white). */
export const diffGreyIndex = new Uint8Array(256);
for (let luma = 0; luma < 256; luma++) {
  const v = Math.round(255 + (luma - 255) * BACKGROUND_OPACITY);
  let index = greyValues.indexOf(v);
  if (index < 0) index = greyValues.push(v) - 1;
  diffGreyIndex[luma] = index;
}
/** Palette index of the red-tinted grey for each luma. */
export const diffTintIndex = diffGreyIndex.map((index) => index + greyValues.length);
export const DIFF_CHANGED = greyValues.length * 2;
export const DIFF_HATCH = DIFF_CHANGED + 1;
export const DIFF_WHITE = diffGreyIndex[255] ?? 0;

export const diffPalette = new Uint8Array((DIFF_HATCH + 1) * 3);
greyValues.forEach((v, i) => {
  diffPalette.set([v, v, v], i * 3);
  // half way between the grey and the highlight
  diffPalette.set([(v + 255) >> 1, v >> 1, (v >> 1) + 32], (i + greyValues.length) * 3);
});
diffPalette.set(CHANGED_RGB, DIFF_CHANGED * 3);
diffPalette.set(HATCH_RGB, DIFF_HATCH * 3);
