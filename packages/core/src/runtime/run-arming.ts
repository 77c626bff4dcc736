/**
 * Most batches finish within the event-loop turn they start in, so a deadline timer made for each
 * would be created only to be cleared. Runs ask to be armed once per turn instead: after the turn,
 * every run still processing arms its timer (at its own deadline, computed from its start).
 */
export interface Armable {
  /** Start the run's timer if it still needs one. */
  arm(): void;
}

const unarmed = new Set<Armable>();
let armScheduled = false;

/** Arm `run` after the current turn, unless it {@link disarm}s first. */
export function armSoon(run: Armable): void {
  unarmed.add(run);
  if (armScheduled) return;
  armScheduled = true;
  setImmediate(armAll);
}

/** A run that finished before its turn ended leaves the set (it must not be kept alive until then). */
export function disarm(run: Armable): void {
  unarmed.delete(run);
}

function armAll(): void {
  armScheduled = false;
  for (const run of unarmed) run.arm();
  unarmed.clear();
}
