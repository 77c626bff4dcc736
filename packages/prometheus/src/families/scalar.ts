import { Family, type FamilySpec, type Sample } from './family.js';

/** A counter's or gauge's cell: one number (a counter is only ever added to). */
export interface ScalarCell {
  value: number;
}

/** A family of single-value series: counters and gauges differ only in their declared type. */
export class ScalarFamily extends Family<ScalarCell> {
  readonly type: 'counter' | 'gauge';

  constructor(spec: FamilySpec, type: 'counter' | 'gauge') {
    super(spec);
    this.type = type;
  }

  protected newCell(): ScalarCell {
    return { value: 0 };
  }
  protected zeroCell(cell: ScalarCell): void {
    cell.value = 0;
  }
  protected samples(labels: Record<string, string>, cell: ScalarCell, out: Sample[]): void {
    out.push({ labels, value: cell.value });
  }
}
