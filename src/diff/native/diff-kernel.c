// Scene's diff kernel: the per-pixel loops of a comparison (compare, then draw the diff image
// and the heatmap), as a Node-API addon. The rules are documented where they are used, in
// src/diff/compare-pixels.ts and src/diff/render-images.ts; the JS side allocates every buffer
// and this file only reads and fills them.
//
// Colour delta and anti-aliasing detection are ported from pixelmatch 7 (ISC, Mapbox): "Measuring
// perceived color difference using YIQ NTSC transmission color space in mobile applications"
// (Kotsarenko, Ramos) and "Anti-aliased Pixel and Intensity Slope Detector" (V. Vysniauskas,
// 2009). Same arithmetic in doubles, same neighbour order, so the counts equal pixelmatch's.
// Built with -ffp-contract=off: a fused multiply-add would round differently from JavaScript.

#include <node_api.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int min_int(int a, int b) { return a < b ? a : b; }
static int max_int(int a, int b) { return a > b ? a : b; }

// ---- rows on two threads ----------------------------------------------------------------

// Below this many pixels a second thread costs more than it saves.
enum { SPLIT_MIN_PIXELS = 1000000 };
// Rows are shared out in bands of this many (a multiple of the grid's cell height, so that no
// grid cell is written by both threads), alternately: changes are rarely spread evenly.
enum { BAND_ROWS = 64 };

// Which rows a part works on: bands part, part + parts, part + 2 × parts, ...
typedef struct {
  int part, parts;
} Share;

typedef void (*RowsWork)(void *context, Share share, int yStart, int yEnd);

typedef struct {
  RowsWork work;
  void *context;
  int height;
  Share share;
} RowsTask;

static void run_share(RowsWork work, void *context, int height, Share share) {
  for (int start = share.part * BAND_ROWS; start < height; start += share.parts * BAND_ROWS)
    work(context, share, start, min_int(height, start + BAND_ROWS));
}

static void *run_rows_task(void *argument) {
  RowsTask *task = argument;
  run_share(task->work, task->context, task->height, task->share);
  return NULL;
}

// Runs work over rows [0, height): a large image's bands are shared with a helper thread when
// there are two cores, each part writing only its own rows and grid cells.
static void run_rows(RowsWork work, void *context, int width, int height) {
  if ((size_t)width * height >= SPLIT_MIN_PIXELS && sysconf(_SC_NPROCESSORS_ONLN) > 1) {
    RowsTask task = {work, context, height, {1, 2}};
    pthread_t helper;
    if (pthread_create(&helper, NULL, run_rows_task, &task) == 0) {
      run_share(work, context, height, (Share){0, 2});
      pthread_join(helper, NULL);
      return;
    }
  }
  run_share(work, context, height, (Share){0, 1});
}

// ---- compare ----------------------------------------------------------------------------

enum { INCLUDE_ANTI_ALIASING = 1, SOLID_AREA_SENSITIVITY = 2, OPAQUE = 4 };
enum { CELL_SHIFT = 3 };

typedef struct {
  const uint8_t *a, *b;  // RGBA, 4 bytes per pixel
  const uint32_t *a32, *b32;
  int width, height;
  const int32_t *ignored;  // x, y, width, height per rectangle
  int ignoredCount;
  uint8_t *mask;  // mask.width × mask.height, 1 = changed
  int maskWidth;
  uint8_t *changedRows;
  uint16_t *counts;  // the change grid (src/diff/change-grid.ts)
  int32_t *minX, *minY, *maxX, *maxY;
  int columns;
} Compare;

static double checker_r(int k) { return 48 + 159 * (k % 2); }
static double checker_g(int k) { return 48 + 159 * (((int)(k / 1.618033988749895)) % 2); }
static double checker_b(int k) { return 48 + 159 * (((int)(k / 2.618033988749895)) % 2); }

// Squared YIQ distance of the pixels at byte offset k; negative when img2's is darker.
static double color_delta(const uint8_t *img1, const uint8_t *img2, int k) {
  int r1 = img1[k], g1 = img1[k + 1], b1 = img1[k + 2], a1 = img1[k + 3];
  int r2 = img2[k], g2 = img2[k + 1], b2 = img2[k + 2], a2 = img2[k + 3];
  double dr = r1 - r2, dg = g1 - g2, db = b1 - b2;
  if (a1 < 255 || a2 < 255) {
    int da = a1 - a2;
    dr = (r1 * a1 - r2 * a2 - checker_r(k) * da) / 255;
    dg = (g1 * a1 - g2 * a2 - checker_g(k) * da) / 255;
    db = (b1 * a1 - b2 * a2 - checker_b(k) * da) / 255;
  }
  double y = dr * 0.29889531 + dg * 0.58662247 + db * 0.11448223;
  double i = dr * 0.59597799 - dg * 0.2741761 - db * 0.32180189;
  double q = dr * 0.21147017 - dg * 0.52261711 + db * 0.31114694;
  double delta = 0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q;
  return y > 0 ? -delta : delta;
}

// Brightness difference between the pixels at byte offsets k and m of one image.
static double brightness_delta(const uint8_t *img, int k, int m) {
  int r1 = img[k], g1 = img[k + 1], b1 = img[k + 2], a1 = img[k + 3];
  int r2 = img[m], g2 = img[m + 1], b2 = img[m + 2], a2 = img[m + 3];
  double dr = r1 - r2, dg = g1 - g2, db = b1 - b2;
  int da = a1 - a2;
  if (!dr && !dg && !db && !da) return 0;
  if (a1 < 255 || a2 < 255) {
    dr = (r1 * a1 - r2 * a2 - checker_r(k) * da) / 255;
    dg = (g1 * a1 - g2 * a2 - checker_g(k) * da) / 255;
    db = (b1 * a1 - b2 * a2 - checker_b(k) * da) / 255;
  }
  return dr * 0.29889531 + dg * 0.58662247 + db * 0.11448223;
}

// Opaque pixels' brightness scaled by 1e8: an exact integer.
static int64_t brightness_of(uint32_t word) {
  return (int64_t)(word & 0xff) * 29889531 + (int64_t)((word >> 8) & 0xff) * 58662247 +
         (int64_t)((word >> 16) & 0xff) * 11448223;
}

// 3+ neighbours of exactly its colour (the image border counts as one).
static int has_many_siblings(const uint32_t *img, int x1, int y1, int width, int height) {
  uint32_t value = img[(size_t)y1 * width + x1];
  if (x1 > 0 && y1 > 0 && x1 < width - 1 && y1 < height - 1) {
    const uint32_t *up = img + (size_t)(y1 - 1) * width + x1;
    const uint32_t *row = up + width;
    const uint32_t *down = row + width;
    int same = (up[-1] == value) + (up[0] == value) + (up[1] == value) + (row[-1] == value) +
               (row[1] == value) + (down[-1] == value) + (down[0] == value) + (down[1] == value);
    return same > 2;
  }
  int x0 = max_int(x1 - 1, 0), y0 = max_int(y1 - 1, 0);
  int x2 = min_int(x1 + 1, width - 1), y2 = min_int(y1 + 1, height - 1);
  int zeroes = 1;  // on the border
  for (int x = x0; x <= x2; x++) {
    for (int y = y0; y <= y2; y++) {
      if (x == x1 && y == y1) continue;
      if (value == img[(size_t)y * width + x]) zeroes++;
      if (zeroes > 2) return 1;
    }
  }
  return 0;
}

// Whether the darkest or the brightest neighbour is solid (3+ equal siblings) in both images.
static int extreme_is_solid(const uint32_t *a32, const uint32_t *b32, int minX, int minY,
                            int maxX, int maxY, int width, int height) {
  return (has_many_siblings(a32, minX, minY, width, height) &&
          has_many_siblings(b32, minX, minY, width, height)) ||
         (has_many_siblings(a32, maxX, maxY, width, height) &&
          has_many_siblings(b32, maxX, maxY, width, height));
}

// Whether pixel (x1, y1) of `img` (one of the pair) is likely anti-aliasing.
static int is_anti_aliased(const Compare *c, const uint8_t *img, int x1, int y1) {
  int width = c->width, height = c->height;
  int x0 = max_int(x1 - 1, 0), y0 = max_int(y1 - 1, 0);
  int x2 = min_int(x1 + 1, width - 1), y2 = min_int(y1 + 1, height - 1);
  int center = (y1 * width + x1) * 4;
  int zeroes = x1 == x0 || x1 == x2 || y1 == y0 || y1 == y2 ? 1 : 0;
  double min = 0, max = 0;
  int minX = 0, minY = 0, maxX = 0, maxY = 0;
  for (int x = x0; x <= x2; x++) {
    for (int y = y0; y <= y2; y++) {
      if (x == x1 && y == y1) continue;
      double delta = brightness_delta(img, center, (y * width + x) * 4);
      if (delta == 0) {
        zeroes++;
        if (zeroes > 2) return 0;  // more than 2 equal siblings: not anti-aliasing
      } else if (delta < min) {
        min = delta;
        minX = x;
        minY = y;
      } else if (delta > max) {
        max = delta;
        maxX = x;
        maxY = y;
      }
    }
  }
  // anti-aliasing needs both a darker and a brighter neighbour, and the darkest or brightest
  // of them must be solid (3+ equal siblings) in both images
  if (min == 0 || max == 0) return 0;
  return extreme_is_solid(c->a32, c->b32, minX, minY, maxX, maxY, width, height);
}

// Neighbours in pixelmatch's visiting order (x outer, y inner): ties between equally dark or
// bright neighbours resolve to the first, as there.
static const int neighbour_dx[8] = {-1, -1, -1, 0, 0, 1, 1, 1};
static const int neighbour_dy[8] = {-1, 0, 1, -1, 1, -1, 0, 1};

// The same test for opaque images: interior pixels on integer brightness (scaled by 1e8, exact,
// with the sign, zeroes and order of brightness_delta), on a branch-free path: counting all
// zero deltas before deciding equals pixelmatch's early return (the count only grows), and a
// delta below the minimum (< 0) can never also exceed the maximum (>= 0).
static int is_anti_aliased_opaque(const Compare *c, const uint32_t *img32, int x1, int y1) {
  int width = c->width, height = c->height;
  if (x1 > 0 && y1 > 0 && x1 < width - 1 && y1 < height - 1) {
    const uint32_t *center = img32 + (size_t)y1 * width + x1;
    int64_t brightness = brightness_of(*center);
    int zeroes = 0, minIndex = -1, maxIndex = -1;
    int64_t min = 0, max = 0;
    for (int k = 0; k < 8; k++) {
      int64_t delta =
          brightness - brightness_of(center[(ptrdiff_t)neighbour_dy[k] * width + neighbour_dx[k]]);
      zeroes += delta == 0;
      int lower = delta < min, higher = delta > max;
      min = lower ? delta : min;
      minIndex = lower ? k : minIndex;
      max = higher ? delta : max;
      maxIndex = higher ? k : maxIndex;
    }
    if (zeroes > 2 || minIndex < 0 || maxIndex < 0) return 0;
    return extreme_is_solid(c->a32, c->b32, x1 + neighbour_dx[minIndex],
                            y1 + neighbour_dy[minIndex], x1 + neighbour_dx[maxIndex],
                            y1 + neighbour_dy[maxIndex], width, height);
  }
  return is_anti_aliased(c, (const uint8_t *)img32, x1, y1);  // on the border: rare
}

// 3+ of the neighbours that exist have exactly its colour (the border earns no credit).
static int is_in_solid_area(const uint32_t *img, int x, int y, int width, int height) {
  uint32_t value = img[(size_t)y * width + x];
  int same = 0;
  for (int ny = max_int(0, y - 1); ny <= min_int(height - 1, y + 1); ny++) {
    for (int nx = max_int(0, x - 1); nx <= min_int(width - 1, x + 1); nx++) {
      if ((nx != x || ny != y) && img[(size_t)ny * width + nx] == value) same++;
    }
  }
  return same > 2;
}

static int is_ignored(const Compare *c, int x, int y) {
  for (int r = 0; r < c->ignoredCount; r++) {
    const int32_t *rect = c->ignored + r * 4;
    if (x >= rect[0] && x < rect[0] + rect[2] && y >= rect[1] && y < rect[1] + rect[3]) return 1;
  }
  return 0;
}

static void record_change(const Compare *c, int x, int y) {
  size_t cell = (size_t)(y >> CELL_SHIFT) * c->columns + (x >> CELL_SHIFT);
  c->counts[cell]++;
  if (x < c->minX[cell]) c->minX[cell] = x;
  if (x > c->maxX[cell]) c->maxX[cell] = x;
  if (y < c->minY[cell]) c->minY[cell] = y;
  if (y > c->maxY[cell]) c->maxY[cell] = y;
}

typedef struct {
  const Compare *c;
  double maxDelta;
  int flags;
  double counted[2];  // per part
} CompareJob;

static void compare_rows(void *context, Share share, int yStart, int yEnd) {
  CompareJob *job = context;
  const Compare *c = job->c;
  double maxDelta = job->maxDelta;
  int flags = job->flags;
  int width = c->width, height = c->height;
  int opaque = flags & OPAQUE;
  size_t rowBytes = (size_t)width * 4;
  double counted = 0;
  for (int y = yStart; y < yEnd; y++) {
    size_t rowStart = (size_t)y * rowBytes;
    // most rows of a screenshot pair are identical
    if (memcmp(c->a + rowStart, c->b + rowStart, rowBytes) == 0) continue;
    const uint32_t *rowA = c->a32 + (size_t)y * width;
    const uint32_t *rowB = c->b32 + (size_t)y * width;
    uint8_t *maskRow = c->mask + (size_t)y * c->maskWidth;
    int rowCount = 0;
    for (int x = 0; x < width; x++) {
      uint32_t wordA = rowA[x], wordB = rowB[x];
      if (wordA == wordB) continue;
      int i = y * width + x;
      double delta;
      if (opaque) {
        int dr = (int)(wordA & 0xff) - (int)(wordB & 0xff);
        int dg = (int)((wordA >> 8) & 0xff) - (int)((wordB >> 8) & 0xff);
        int db = (int)((wordA >> 16) & 0xff) - (int)((wordB >> 16) & 0xff);
        double yy = dr * 0.29889531 + dg * 0.58662247 + db * 0.11448223;
        double ii = dr * 0.59597799 - dg * 0.2741761 - db * 0.32180189;
        double qq = dr * 0.21147017 - dg * 0.52261711 + db * 0.31114694;
        delta = 0.5053 * yy * yy + 0.299 * ii * ii + 0.1957 * qq * qq;
      } else {
        delta = color_delta(c->a, c->b, i * 4);
        if (delta < 0) delta = -delta;
      }
      int changed;
      if (delta > maxDelta) {
        if (flags & INCLUDE_ANTI_ALIASING)
          changed = 1;
        else if (opaque)
          changed = !(is_anti_aliased_opaque(c, c->a32, x, y) ||
                      is_anti_aliased_opaque(c, c->b32, x, y));
        else
          changed = !(is_anti_aliased(c, c->a, x, y) || is_anti_aliased(c, c->b, x, y));
      } else {
        changed = (flags & SOLID_AREA_SENSITIVITY) && delta > 0 &&
                  is_in_solid_area(c->a32, x, y, width, height) &&
                  is_in_solid_area(c->b32, x, y, width, height);
      }
      if (!changed || (c->ignoredCount > 0 && is_ignored(c, x, y))) continue;
      maskRow[x] = 1;
      record_change(c, x, y);
      rowCount++;
    }
    if (rowCount > 0) {
      c->changedRows[y] = 1;
      counted += rowCount;
    }
  }
  job->counted[share.part] += counted;
}

static double compare_pixels(const Compare *c, double maxDelta, int flags) {
  CompareJob job = {c, maxDelta, flags, {0, 0}};
  run_rows(compare_rows, &job, c->width, c->height);
  return job.counted[0] + job.counted[1];
}

// ---- render -----------------------------------------------------------------------------

typedef struct {
  const uint32_t *base32, *obs32;
  int baseWidth, baseHeight, obsWidth, obsHeight;
  int opaque;
  const uint8_t *mask, *changedRows;
  int width, height;          // the canvas (the mask)
  uint8_t *diffOut, *heatOut;  // indexed scanlines (a filter byte, then width indices), or NULL
  const float *field;          // heat per grid cell, 0..1
  int columns, rows;
  const uint8_t *diffGrey, *diffTint, *heatGrey;  // palette index per luma
  int diffChanged, diffWhite, greyLevels, heatLevels, cellSize;
  // the heat interpolation: per column, the two cells and the weight of the second
  int32_t *left, *right;
  float *weight;
  uint8_t *rowHasHeat;   // per grid row
  float *cellRow[2];     // per part: the field interpolated for the current row, per column
  uint8_t *heatBase[2];  // per part: palette base (heat level × grey levels) per pixel
} Render;

// Luma of an RGBA word, composited over white when translucent.
static int luma_of(uint32_t word, int opaque) {
  int luma = ((int)(word & 0xff) * 77 + (int)((word >> 8) & 0xff) * 150 +
              (int)((word >> 16) & 0xff) * 29) >>
             8;
  if (opaque) return luma;
  int alpha = (int)(word >> 24);
  return alpha == 255 ? luma : (int)(255 - ((double)(255 - luma) * alpha) / 255);
}

// Bilinear interpolation between cell centres: the two cells and the weight of the second.
static void interpolation_at(int p, int cells, int cellSize, int *first, int *second,
                             double *weight) {
  double position = (p + 0.5) / cellSize - 0.5;
  if (position <= 0) {
    *first = *second = 0;
    *weight = 0;
    return;
  }
  double whole = (double)(int64_t)position;  // floor: position > 0
  *first = min_int((int)whole, cells - 1);
  *second = min_int(*first + 1, cells - 1);
  *weight = position - whole;
}

static void render_rows(void *context, Share share, int yStart, int yEnd) {
  const Render *r = context;
  int part = share.part;
  int width = r->width;
  const int32_t *left = r->left, *right = r->right;
  const float *weight = r->weight;
  const uint8_t *rowHasHeat = r->rowHasHeat;
  float *cellRow = r->cellRow[part];
  uint8_t *heatBase = r->heatBase[part];
  int commonWidth = min_int(r->baseWidth, r->obsWidth);
  int commonHeight = min_int(r->baseHeight, r->obsHeight);
  double scale = r->heatLevels - 2;
  size_t stride = (size_t)width + 1;

  for (int y = yStart; y < yEnd; y++) {
    const uint8_t *maskRow = r->mask + (size_t)y * width;
    const uint32_t *obsRow = r->obs32 + (size_t)y * r->obsWidth;
    uint8_t *diffRow = r->diffOut ? r->diffOut + y * stride + 1 : NULL;  // after the filter byte
    uint8_t *heatRow = r->heatOut ? r->heatOut + y * stride + 1 : NULL;

    int hasHeat = 0;
    if (heatRow) {
      int r0, r1;
      double fy;
      interpolation_at(y, r->rows, r->cellSize, &r0, &r1, &fy);
      if (rowHasHeat[r0] || rowHasHeat[r1]) {
        hasHeat = 1;
        for (int col = 0; col < r->columns; col++) {
          double top = r->field[(size_t)r0 * r->columns + col];
          double bottom = r->field[(size_t)r1 * r->columns + col];
          cellRow[col] = (float)((top + (bottom - top) * fy) * scale);
        }
        for (int x = 0; x < width; x++) {
          double from = cellRow[left[x]];
          double v = from + ((double)cellRow[right[x]] - from) * weight[x];
          // level 1 + round(v) for any heat, 0 for none
          heatBase[x] = v > 0 ? (uint8_t)((int)(v + 1.5) * r->greyLevels) : 0;
        }
      }
    }
    int rowChanged = r->changedRows[y] == 1;
    int commonEnd = y < commonHeight ? commonWidth : 0;

    // the common area: one luma per pixel feeds both images
    for (int x = 0; x < commonEnd; x++) {
      int luma = luma_of(obsRow[x], r->opaque);
      if (diffRow)
        diffRow[x] = rowChanged && maskRow[x] == 1 ? (uint8_t)r->diffChanged : r->diffGrey[luma];
      if (heatRow) heatRow[x] = (uint8_t)((hasHeat ? heatBase[x] : 0) + r->heatGrey[luma]);
    }
    // the rest: content of whichever image covers it, or white
    for (int x = commonEnd; x < width; x++) {
      int inObserved = x < r->obsWidth && y < r->obsHeight;
      int inBaseline = x < r->baseWidth && y < r->baseHeight;
      int heat = hasHeat ? heatBase[x] : 0;
      if (!inObserved && !inBaseline) {
        if (diffRow) diffRow[x] = (uint8_t)r->diffWhite;
        if (heatRow) heatRow[x] = (uint8_t)(heat + r->heatGrey[255]);
        continue;
      }
      uint32_t word = inObserved ? obsRow[x] : r->base32[(size_t)y * r->baseWidth + x];
      int luma = luma_of(word, 0);
      if (diffRow) diffRow[x] = maskRow[x] == 1 ? r->diffTint[luma] : r->diffGrey[luma];
      if (heatRow) heatRow[x] = (uint8_t)(heat + r->heatGrey[inObserved ? luma : 255]);
    }
  }
}

// ---- Node-API glue ----------------------------------------------------------------------

// A typed array (or Buffer) argument: its bytes, or NULL and 0 for null/undefined.
typedef struct {
  void *data;
  size_t length;
} Bytes;

static napi_status bytes_of(napi_env env, napi_value value, Bytes *out) {
  napi_valuetype type;
  napi_status status = napi_typeof(env, value, &type);
  if (status != napi_ok) return status;
  out->data = NULL;
  out->length = 0;
  if (type == napi_null || type == napi_undefined) return napi_ok;
  napi_typedarray_type kind;
  size_t count, offset;
  napi_value buffer;
  status = napi_get_typedarray_info(env, value, &kind, &count, &out->data, &buffer, &offset);
  if (status != napi_ok) return status;
  static const size_t sizes[] = {1, 1, 1, 2, 2, 4, 4, 4, 8, 8, 8, 8};
  out->length = count * ((size_t)kind < sizeof sizes / sizeof *sizes ? sizes[kind] : 1);
  return napi_ok;
}

// Reads a call's arguments by a spec, a letter each: 'b' typed array (Bytes *), 'i' int32
// (int *), 'd' number (double *). On a missing or mistyped argument: throws, returns 0.
static int unpack(napi_env env, napi_callback_info info, const char *name, const char *spec,
                  ...) {
  napi_value argv[24];
  size_t argc = 24, expected = strlen(spec);
  char message[96];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != expected) {
    snprintf(message, sizeof message, "diff kernel: %s takes %zu arguments", name, expected);
    napi_throw_error(env, NULL, message);
    return 0;
  }
  va_list args;
  va_start(args, spec);
  napi_status status = napi_ok;
  size_t k = 0;
  for (; status == napi_ok && k < expected; k++) {
    if (spec[k] == 'b') {
      status = bytes_of(env, argv[k], va_arg(args, Bytes *));
    } else if (spec[k] == 'i') {
      int32_t n = 0;
      status = napi_get_value_int32(env, argv[k], &n);
      *va_arg(args, int *) = n;
    } else {
      status = napi_get_value_double(env, argv[k], va_arg(args, double *));
    }
  }
  va_end(args);
  if (status == napi_ok) return 1;
  snprintf(message, sizeof message, "diff kernel: %s argument %zu has the wrong type", name, k);
  napi_throw_error(env, NULL, message);
  return 0;
}

static napi_value fail(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

static size_t cells_of(int size) { return (size_t)(size + (1 << CELL_SHIFT) - 1) >> CELL_SHIFT; }

// compare(baseline, observed, width, height, maxDelta, flags, ignored, maskPixels, maskWidth,
//         changedRows, counts, minX, minY, maxX, maxY, columns) -> counted pixels
static napi_value compare(napi_env env, napi_callback_info info) {
  Compare c;
  Bytes a, b, ignored, mask, rows, counts, minX, minY, maxX, maxY;
  double maxDelta;
  int flags;
  if (!unpack(env, info, "compare", "bbiidibbibbbbbbi", &a, &b, &c.width, &c.height, &maxDelta,
              &flags, &ignored, &mask, &c.maskWidth, &rows, &counts, &minX, &minY, &maxX, &maxY,
              &c.columns))
    return NULL;
  size_t pixels = (size_t)c.width * c.height;
  if (c.width <= 0 || c.height <= 0 || a.length < pixels * 4 || b.length < pixels * 4 ||
      ((uintptr_t)a.data | (uintptr_t)b.data) % 4 != 0)
    return fail(env, "diff kernel: images smaller than width × height, or unaligned");
  size_t cells = (size_t)c.columns * cells_of(c.height);
  if (c.maskWidth < c.width || mask.length < (size_t)c.maskWidth * c.height ||
      rows.length < (size_t)c.height || (size_t)c.columns < cells_of(c.width) ||
      counts.length < cells * 2 || minX.length < cells * 4 || minY.length < cells * 4 ||
      maxX.length < cells * 4 || maxY.length < cells * 4)
    return fail(env, "diff kernel: mask or change grid smaller than the images");
  c.a = a.data;
  c.b = b.data;
  c.a32 = a.data;
  c.b32 = b.data;
  c.ignored = ignored.data;
  c.ignoredCount = (int)(ignored.length / 16);
  c.mask = mask.data;
  c.changedRows = rows.data;
  c.counts = counts.data;
  c.minX = minX.data;
  c.minY = minY.data;
  c.maxX = maxX.data;
  c.maxY = maxY.data;
  napi_value result;
  if (napi_create_double(env, compare_pixels(&c, maxDelta, flags), &result) != napi_ok)
    return NULL;
  return result;
}

// render(baseline, baseWidth, baseHeight, observed, obsWidth, obsHeight, opaque, maskPixels,
//        changedRows, width, height, diffOut, heatOut, field, columns, rows, palettes, constants)
// where palettes = diffGrey ‖ diffTint ‖ heatGrey (3 × 256 bytes) and constants =
// [diffChanged, diffWhite, greyLevels, heatLevels, cellSize] (Int32Array).
static napi_value render(napi_env env, napi_callback_info info) {
  Render r;
  Bytes base, obs, mask, changedRows, diffOut, heatOut, field, palettes, constants;
  if (!unpack(env, info, "render", "biibiiibbiibbbiibb", &base, &r.baseWidth, &r.baseHeight,
              &obs, &r.obsWidth, &r.obsHeight, &r.opaque, &mask, &changedRows, &r.width,
              &r.height, &diffOut, &heatOut, &field, &r.columns, &r.rows, &palettes, &constants))
    return NULL;
  size_t canvas = (size_t)r.width * r.height, lineBytes = canvas + (size_t)r.height;
  if (r.width <= 0 || r.height <= 0 || r.baseWidth > r.width || r.obsWidth > r.width ||
      r.baseHeight > r.height || r.obsHeight > r.height ||
      base.length < (size_t)r.baseWidth * r.baseHeight * 4 ||
      obs.length < (size_t)r.obsWidth * r.obsHeight * 4 ||
      ((uintptr_t)base.data | (uintptr_t)obs.data) % 4 != 0 || mask.length < canvas ||
      changedRows.length < (size_t)r.height || (diffOut.data && diffOut.length < lineBytes) ||
      (heatOut.data && heatOut.length < lineBytes) || r.columns < 1 || r.rows < 1 ||
      field.length < (size_t)r.columns * r.rows * 4)
    return fail(env, "diff kernel: render buffers do not match the canvas");
  if (palettes.length != 3 * 256)
    return fail(env, "diff kernel: render needs 3 × 256 palette indices");
  if (constants.length != 5 * 4) return fail(env, "diff kernel: render needs 5 constants");
  r.base32 = base.data;
  r.obs32 = obs.data;
  r.mask = mask.data;
  r.changedRows = changedRows.data;
  r.diffOut = diffOut.data;
  r.heatOut = heatOut.data;
  r.field = field.data;
  r.diffGrey = palettes.data;
  r.diffTint = r.diffGrey + 256;
  r.heatGrey = r.diffGrey + 512;
  const int32_t *values = constants.data;
  r.diffChanged = values[0];
  r.diffWhite = values[1];
  r.greyLevels = values[2];
  r.heatLevels = values[3];
  r.cellSize = values[4];

  // scratch for the heat interpolation (floats first: aligned)
  size_t width = (size_t)r.width, columns = (size_t)r.columns;
  size_t scratch = width * (4 + 4 + 4) + 2 * columns * 4 + 2 * width + (size_t)r.rows;
  uint8_t *memory = calloc(scratch, 1);
  if (!memory) {
    napi_throw_error(env, NULL, "diff kernel: out of memory");
    return NULL;
  }
  r.left = (int32_t *)memory;
  r.right = r.left + width;
  r.weight = (float *)(r.right + width);
  r.cellRow[0] = r.weight + width;
  r.cellRow[1] = r.cellRow[0] + columns;
  r.heatBase[0] = (uint8_t *)(r.cellRow[1] + columns);
  r.heatBase[1] = r.heatBase[0] + width;
  r.rowHasHeat = r.heatBase[1] + width;
  for (int x = 0; x < r.width; x++) {
    double w;
    interpolation_at(x, r.columns, r.cellSize, &r.left[x], &r.right[x], &w);
    r.weight[x] = (float)w;
  }
  for (int i = 0; i < r.columns * r.rows; i++)
    if (r.field[i] > 0) r.rowHasHeat[i / r.columns] = 1;
  run_rows(render_rows, &r, r.width, r.height);
  free(memory);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "compare", NAPI_AUTO_LENGTH, compare, NULL, &fn) != napi_ok)
    return NULL;
  if (napi_set_named_property(env, exports, "compare", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "render", NAPI_AUTO_LENGTH, render, NULL, &fn) != napi_ok)
    return NULL;
  if (napi_set_named_property(env, exports, "render", fn) != napi_ok) return NULL;
  return exports;
}
