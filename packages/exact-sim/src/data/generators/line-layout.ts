import { hash } from '../random.ts';

/**
 * How generated lines are spread over generated headers: header `j` owns 1–4 lines, drawn
 * from the seed. Lines are numbered consecutively, header by header.
 */
export class LineLayout {
  private readonly starts: Int32Array;
  readonly lineCount: number;

  constructor(seed: number, division: number, salt: number, headers: number) {
    this.starts = new Int32Array(headers + 1);
    let total = 0;
    for (let j = 0; j < headers; j++) {
      this.starts[j] = total;
      total += 1 + (hash(seed, division, salt, j) % 4);
    }
    this.starts[headers] = total;
    this.lineCount = total;
  }

  firstLine(header: number): number {
    return this.starts[header] as number;
  }

  linesOf(header: number): number {
    return (this.starts[header + 1] as number) - (this.starts[header] as number);
  }

  /** The header owning line `line`. */
  headerOf(line: number): number {
    let lo = 0;
    let hi = this.starts.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.starts[mid] as number) <= line) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
