/**
 * @mqkit/prisma — a durable Postgres queue through your PrismaClient.
 */
export { prisma, PrismaProvider } from './prisma-provider.js';
export type { PrismaOptions, ListenConfig, PgModule, PgListenClient } from './prisma-options.js';
export type { PrismaLike, PrismaQueries } from './prisma-like.js';
export { migrate, checkSchema, migrationSql, MIGRATIONS, SCHEMA_VERSION } from './postgres/migrations.js';
