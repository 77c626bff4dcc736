import { Family, type Sample } from './family.js';

/** A gauge's cell: set or move `value`. */
export interface GaugeCell {
  value: number;
}

export class GaugeFamily extends Family<GaugeCell> {
  readonly type = 'gauge';
  protected newCell(): GaugeCell {
    return { value: 0 };
  }
  protected zeroCell(cell: GaugeCell): void {
    cell.value = 0;
  }
  protected samples(labels: Record<string, string>, cell: GaugeCell, out: Sample[]): void {
    out.push({ labels, value: cell.value });
  }
}
