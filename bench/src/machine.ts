import { cpus, loadavg, totalmem } from 'node:os';

/** One line saying what the numbers were measured on. */
export function describeMachine(): string {
  const list = cpus();
  const model = list[0]?.model.trim() || 'unknown CPU';
  const gib = (totalmem() / 2 ** 30).toFixed(0);
  return `Node ${process.version} (V8 ${process.versions.v8}) · ${model} · ${list.length} logical CPUs · ${gib} GiB · ${process.platform}/${process.arch}`;
}

/** The 1-minute load average: above the CPU count, other work competes with the bench. */
export function describeLoad(): string {
  const [one = 0] = loadavg();
  const busy = one > cpus().length ? ' — the machine is busy; expect noisy numbers' : '';
  return `load average (1 min): ${one.toFixed(2)}${busy}`;
}
