/**
 * Most batches finish within the event-loop turn they start in, so a deadline timer made for each
 * would be created only to be cleared. Runs ask to be armed once per turn instead: after the turn,
 * every run still processing arms its timer (at its own deadline, computed from its start).
 *
 * The runs waiting are kept in an array, not a Set: V8's hash tables rehash every few additions,
 * and an old table keeps pointers to its successor and to the runs it held, which (once one table
 * is in the old generation) keeps every later run, claim and message alive through scavenges
 * until a full GC — that doubled the CPU cost of a consumer with more than four slots.
 */
export interface Armable {
  /** Start the run's timer if it still needs one. */
  arm(): void;
}

let unarmed: (Armable | undefined)[] = [];
let armScheduled = false;

/** Arm `run` after the current turn, unless it {@link disarm}s first; returns the ticket `disarm` needs. */
export function armSoon(run: Armable): number {
  if (!armScheduled) {
    armScheduled = true;
    setImmediate(armAll);
  }
  return unarmed.push(run) - 1;
}

/**
 * A run that finished before its turn ended leaves the list (it must not be kept alive until
 * then). A ticket from an earlier turn matches nothing: that turn's list is gone.
 */
export function disarm(run: Armable, ticket: number): void {
  if (unarmed[ticket] !== run) return;
  unarmed[ticket] = undefined;
  // Runs mostly finish in the order they started: drop the trailing holes, so a turn of
  // thousands of one-message claims keeps a list of a few entries instead of growing it to thousands.
  while (unarmed.length > 0 && unarmed[unarmed.length - 1] === undefined) unarmed.pop();
}

function armAll(): void {
  const runs = unarmed;
  unarmed = [];
  armScheduled = false;
  for (const run of runs) run?.arm();
}
