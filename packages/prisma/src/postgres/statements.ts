import ack from '../sql/statements/ack.sql';
import ackById from '../sql/statements/ack-by-id.sql';
import claim from '../sql/statements/claim.sql';
import deadList from '../sql/statements/dead-list.sql';
import deadPurge from '../sql/statements/dead-purge.sql';
import deadReplay from '../sql/statements/dead-replay.sql';
import keyHolders from '../sql/statements/key-holders.sql';
import nextVisible from '../sql/statements/next-visible.sql';
import publish from '../sql/statements/publish.sql';
import renew from '../sql/statements/renew.sql';
import settle from '../sql/statements/settle.sql';
import stats from '../sql/statements/stats.sql';
import sweep from '../sql/statements/sweep.sql';
import takenIds from '../sql/statements/taken-ids.sql';

const TEMPLATES = { ack, ackById, claim, deadList, deadPurge, deadReplay, keyHolders, nextVisible, publish, renew, settle, stats, sweep, takenIds };

/** Every runtime statement, one per `.sql` file (each file's header documents its `$1…$n`). */
export type Statements = { readonly [K in keyof typeof TEMPLATES]: string };

/**
 * The Postgres dialect: every statement the provider runs, with `{{schema}}` filled in. The
 * provider never builds SQL strings itself; everything that is Postgres lives in `postgres/`.
 */
export function statementsFor(schema: string): Statements {
  const out = {} as Record<keyof typeof TEMPLATES, string>;
  for (const [name, text] of Object.entries(TEMPLATES) as Array<[keyof typeof TEMPLATES, string]>) out[name] = render(text, schema);
  return out;
}

/** Fills `{{schema}}` in; `schema` was validated as a plain identifier. */
export function render(text: string, schema: string): string {
  return text.replaceAll('{{schema}}', schema);
}

/** The NOTIFY channel of one schema: every provider on it listens to this one channel (payload: the queue). */
export function channelFor(schema: string): string {
  return `mqkit_${schema}`;
}
