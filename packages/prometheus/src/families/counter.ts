import { Family, type Sample } from './family.js';

/** A counter's cell: add to `value`, never subtract. */
export interface CounterCell {
  value: number;
}

export class CounterFamily extends Family<CounterCell> {
  readonly type = 'counter';
  protected newCell(): CounterCell {
    return { value: 0 };
  }
  protected zeroCell(cell: CounterCell): void {
    cell.value = 0;
  }
  protected samples(labels: Record<string, string>, cell: CounterCell, out: Sample[]): void {
    out.push({ labels, value: cell.value });
  }
}
