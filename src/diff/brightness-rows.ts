// Pixelmatch's brightness (Y of YIQ) of opaque pixels, scaled by 1e8 so it is an exact integer:
// differences of these values have exactly the sign, zeroes and order of pixelmatch's per-pair
// brightnessDelta, at one subtraction per neighbour instead of eight byte reads and a blend.
const R = 29889531;
const G = 58662247;
const B = 11448223;

/** Brightness of three consecutive rows of one image, computed on demand (a ring of rows). */
export class BrightnessRows {
  readonly values: Float64Array;
  private readonly rowInSlot = new Int32Array([-1, -1, -1]);

  constructor(
    private readonly img32: Int32Array,
    private readonly width: number,
  ) {
    this.values = new Float64Array(width * 3);
  }

  /** Offset of row y in `values`. Valid until a row 3+ rows away is requested. */
  row(y: number): number {
    const slot = y % 3;
    const offset = slot * this.width;
    if (this.rowInSlot[slot] !== y) {
      const source = y * this.width;
      for (let x = 0; x < this.width; x++) {
        const word = this.img32[source + x] ?? 0;
        this.values[offset + x] =
          (word & 0xff) * R + ((word >>> 8) & 0xff) * G + ((word >>> 16) & 0xff) * B;
      }
      this.rowInSlot[slot] = y;
    }
    return offset;
  }
}
