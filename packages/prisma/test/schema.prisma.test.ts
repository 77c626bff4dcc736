// The schema the provider owns: numbered migrations under an advisory lock, a version table, a
// refusal of newer schemas, migrate: 'check', and the Prisma model snippet agreeing with the SQL.
import { suiteName } from '@mqkit/testkit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createQueue } from '@mqkit/core';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, migrate, migrationSql, prisma } from '../src/index.js';
import { dropSchema, newClient, reachable, sql, uniqueSchema } from './support/database.js';
import { open, thrownBy } from './support/open.js';

const db = await reachable();

describe.skipIf(!db.ok)(suiteName('the schema', db), () => {
  it('is created at open (tables, indexes, autovacuum settings) and its version recorded', async () => {
    const schema = uniqueSchema('schema');
    await open(schema);
    const tables = await sql<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema]);
    expect(tables.map((t) => t.table_name)).toEqual(['dead_letters', 'dedupe_keys', 'messages', 'schema_version']);
    const indexes = await sql<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 ORDER BY 1`, [schema]);
    expect(indexes.map((i) => i.indexname)).toEqual(expect.arrayContaining(['messages_claim', 'messages_key', 'dead_letters_page', 'dedupe_keys_expiry']));
    const [version] = await sql<{ version: number }>(`SELECT version FROM ${schema}.schema_version`);
    expect(version?.version).toBe(SCHEMA_VERSION);
    const [options] = await sql<{ reloptions: string[] }>(`SELECT reloptions FROM pg_class WHERE oid = $1::regclass`, [`${schema}.messages`]);
    expect(options?.reloptions).toEqual(expect.arrayContaining(['autovacuum_vacuum_scale_factor=0.01', 'fillfactor=50']));
  });

  it('five processes opening a fresh schema at once migrate it once, under the advisory lock', async () => {
    const schema = uniqueSchema('race');
    const clients = Array.from({ length: 5 }, () => newClient());
    try {
      const found = await Promise.all(clients.map((client) => migrate(client, schema)));
      expect(found.filter((v) => v === 0)).toHaveLength(1); // one migrated, the others found it done
      expect(found.filter((v) => v === SCHEMA_VERSION)).toHaveLength(4);
    } finally {
      await Promise.all(clients.map((c) => c.$disconnect()));
      await dropSchema(schema);
    }
  });

  it('a schema newer than this code is refused with a SchemaError saying to upgrade', async () => {
    const schema = uniqueSchema('newer');
    await open(schema);
    await sql(`UPDATE ${schema}.schema_version SET version = $1`, [SCHEMA_VERSION + 1]);
    const client = newClient();
    try {
      const error = (await thrownBy(() => createQueue({ provider: prisma({ client, schema }) }))) as Error & { code: string };
      expect(error.code).toBe('MQKIT_SCHEMA');
      expect(error.message).toContain(`version ${SCHEMA_VERSION + 1}`);
      expect(error.message).toMatch(/upgrade @mqkit\/prisma/);
    } finally {
      await client.$disconnect();
    }
  });

  it("with migrate: 'check', a missing schema is a SchemaError giving the command that creates it, and a current one opens", async () => {
    const schema = uniqueSchema('check');
    const client = newClient();
    try {
      const error = (await thrownBy(() => createQueue({ provider: prisma({ client, schema, migrate: 'check' }) }))) as Error & { code: string; fix: string };
      expect(error.code).toBe('MQKIT_SCHEMA');
      expect(error.fix).toContain(`migrate(prisma, '${schema}')`);
      await migrate(client, schema);
      const queue = await createQueue({ provider: prisma({ client, schema, migrate: 'check' }) });
      await queue.close();
      expect((await sql(`SELECT 1 FROM ${schema}.schema_version`)).length).toBe(1);
    } finally {
      await client.$disconnect();
      await dropSchema(schema);
    }
  });

  it('migrationSql() is the SQL a user can apply with psql, for any schema name', async () => {
    const schema = uniqueSchema('psql');
    try {
      const { default: pg } = await import('pg');
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test' });
      await c.connect();
      await c.query(migrationSql(schema)); // the simple protocol runs a whole script
      await c.query(`INSERT INTO ${schema}.schema_version (version) VALUES ($1)`, [SCHEMA_VERSION]);
      await c.end();
      const client = newClient();
      const queue = await createQueue({ provider: prisma({ client, schema, migrate: 'check' }) });
      await queue.close();
      await client.$disconnect();
    } finally {
      await dropSchema(schema);
    }
  });

  it('the Prisma model snippet (prisma/mqkit.prisma) names the same tables, columns, types and nullability as the migrations', async () => {
    const schema = uniqueSchema('snippet');
    await open(schema);
    const snippet = readFileSync(join(import.meta.dirname, '..', 'prisma', 'mqkit.prisma'), 'utf8');
    const models = parseModels(snippet);
    const columns = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1`,
      [schema],
    );
    const fromSql = new Map<string, Map<string, { type: string; nullable: boolean }>>();
    for (const c of columns) {
      const table = fromSql.get(c.table_name) ?? new Map<string, { type: string; nullable: boolean }>();
      table.set(c.column_name, { type: c.data_type, nullable: c.is_nullable === 'YES' });
      fromSql.set(c.table_name, table);
    }
    expect([...models.keys()].sort()).toEqual([...fromSql.keys()].sort());
    for (const [table, fields] of models) {
      const actual = fromSql.get(table)!;
      expect([...fields.keys()].sort(), `columns of ${table}`).toEqual([...actual.keys()].sort());
      for (const [column, field] of fields) {
        const a = actual.get(column)!;
        expect(a.nullable, `${table}.${column} nullability`).toBe(field.optional);
        expect(a.type, `${table}.${column} type`).toBe(PRISMA_TO_SQL[field.type]);
      }
    }
  });
});

const PRISMA_TO_SQL: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  Json: 'jsonb',
  DateTime: 'timestamp with time zone',
};

/** model name → (column → { type, optional }) from a Prisma schema, reading @map/@@map. */
function parseModels(text: string): Map<string, Map<string, { type: string; optional: boolean }>> {
  const models = new Map<string, Map<string, { type: string; optional: boolean }>>();
  for (const [, body] of text.matchAll(/^model \w+ \{\n([\s\S]*?)\n\}/gm)) {
    const table = /@@map\("([^"]+)"\)/.exec(body!)?.[1];
    if (table === undefined) continue;
    const fields = new Map<string, { type: string; optional: boolean }>();
    for (const line of body!.split('\n')) {
      const m = /^\s*(\w+)\s+(\w+)(\?)?(.*)$/.exec(line);
      if (m === null || line.trim().startsWith('@@')) continue;
      const column = /@map\("([^"]+)"\)/.exec(m[4]!)?.[1] ?? m[1]!;
      fields.set(column, { type: m[2]!, optional: m[3] === '?' });
    }
    models.set(table, fields);
  }
  return models;
}
