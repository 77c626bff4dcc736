import { Family, type FamilySpec, type Sample } from './family.js';

/** A histogram's cell: per-bucket counts (not cumulative; the last slot is +Inf), sum and count. */
export class HistogramCell {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  readonly #bounds: Float64Array;

  constructor(bounds: Float64Array) {
    this.#bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    this.observeTimes(value, 1);
  }

  /** `times` observations of one value (a batch's messages mostly share their due time and attempt). */
  observeTimes(value: number, times: number): void {
    if (!Number.isFinite(value)) return; // a malformed event must not turn the sum into NaN for good
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]! += times;
    this.sum += value * times;
    this.count += times;
  }
}

export interface HistogramSpec extends FamilySpec {
  /** Upper bounds, ascending (+Inf is implied). */
  readonly buckets: readonly number[];
}

export class HistogramFamily extends Family<HistogramCell> {
  readonly type = 'histogram';
  readonly buckets: readonly number[];
  readonly #bounds: Float64Array;

  constructor(spec: HistogramSpec) {
    super(spec);
    this.buckets = spec.buckets;
    this.#bounds = Float64Array.from(spec.buckets);
  }

  protected newCell(): HistogramCell {
    return new HistogramCell(this.#bounds);
  }
  protected zeroCell(cell: HistogramCell): void {
    cell.counts.fill(0);
    cell.sum = 0;
    cell.count = 0;
  }
  protected samples(labels: Record<string, string>, cell: HistogramCell, out: Sample[]): void {
    const bucket = `${this.name}_bucket`;
    let cumulative = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      cumulative += cell.counts[i]!;
      out.push({ labels: { ...labels, le: this.buckets[i]! }, value: cumulative, metricName: bucket });
    }
    out.push({ labels: { ...labels, le: '+Inf' }, value: cell.count, metricName: bucket });
    out.push({ labels, value: cell.sum, metricName: `${this.name}_sum` });
    out.push({ labels, value: cell.count, metricName: `${this.name}_count` });
  }
}
