import { DataSource, DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source';
import { EmbeddedDatabaseHolder } from '../../src/database/database.module';
import { createTestApp, TestApp } from '../support/test-app';

/** Where the entities alone build their tables, beside the migrated ones. */
const SCRATCH = 'entity_schema_check';

const HINT = 'Make src/**/*.entity.ts describe what migrations/ build (README: Changing the schema).';

/**
 * The entities describe exactly the schema the migrations build, so that `npm run migration:generate`
 * writes only what a changed entity asks for and never drops a constraint the design rests on.
 */
describe('database schema', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp()));
  afterAll(() => app.close());

  it('leaves TypeORM nothing to change once the migrations ran', async () => {
    const { upQueries } = await app.dataSource.driver.createSchemaBuilder().log();
    const pending = upQueries.map(({ query }) => `  ${query};`);
    if (pending.length > 0) throw new Error(`The entities and the migrations disagree: TypeORM would run\n${pending.join('\n')}\n${HINT}`);
  });

  it('has an entity for every table the migrations build, so that the checks below cover them all', async () => {
    const [{ name: schema }]: { name: string }[] = await app.dataSource.query('SELECT current_schema() AS name');
    const tables: { name: string }[] = await app.dataSource.query(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1`,
      [schema],
    );
    const described = new Set(app.dataSource.entityMetadatas.map((entity) => entity.tableName));
    // TypeORM's own record of the migrations run is the one table no entity describes.
    const withoutEntity = tables.map((table) => table.name).filter((name) => name !== 'migrations' && !described.has(name));
    expect(withoutEntity).toEqual([]);
  });

  // TypeORM's own comparison skips the order of an index's columns, a partial index's predicate, a
  // check's expression, deferrability and primary key names: PostgreSQL's catalog shows them all.
  it('builds from the entities alone the columns, constraints and indexes the migrations built', async () => {
    const tables = app.dataSource.entityMetadatas.map((entity) => entity.tableName);
    // Indexes TypeORM cannot express are the migrations' alone (their entities say why).
    const leftToMigrations = app.dataSource.entityMetadatas.flatMap((entity) =>
      entity.indices.filter((index) => !index.synchronize).map((index) => index.name),
    );
    const [{ name: migratedSchema }]: { name: string }[] = await app.dataSource.query('SELECT current_schema() AS name');
    const migrated = (await describeTables(app.dataSource, migratedSchema, tables)).filter(
      (item) => !(item.kind === 'index' && leftToMigrations.includes(item.name)),
    );

    await app.dataSource.query(`DROP SCHEMA IF EXISTS ${SCRATCH} CASCADE; CREATE SCHEMA ${SCRATCH}`);
    try {
      await synchronizeEntities(app, SCRATCH);
      const fromEntities = await describeTables(app.dataSource, SCRATCH, tables);

      const differences = differing(migrated, fromEntities);
      if (differences.length > 0) throw new Error(`The entities and the migrations disagree:\n${differences.join('\n')}\n${HINT}`);
      expect(migrated.map(lineOf)).toContain(
        'contact constraint contact_bsuid_portfolio_key: UNIQUE (bsuid, portfolio) DEFERRABLE INITIALLY DEFERRED',
      );
    } finally {
      await app.dataSource.query(`DROP SCHEMA IF EXISTS ${SCRATCH} CASCADE`);
    }
  });
});

/** Creates the entities' tables in `schema` as `synchronize` would, on the test app's database (PostgreSQL, or its PGlite). */
async function synchronizeEntities(app: TestApp, schema: string): Promise<void> {
  const embedded = app.app.get(EmbeddedDatabaseHolder).database;
  const options = embedded ? dataSourceOptions(undefined, embedded.pgOptions()) : dataSourceOptions(app.config.databaseUrl);
  const entitiesOnly = new DataSource({ ...(options as Extract<DataSourceOptions, { type: 'postgres' }>), schema, migrationsRun: false });
  await entitiesOnly.initialize();
  try {
    await entitiesOnly.synchronize();
  } finally {
    await entitiesOnly.destroy();
  }
}

interface CatalogItem {
  table: string;
  kind: 'column' | 'constraint' | 'index';
  name: string;
  definition: string;
}

const keyOf = (item: CatalogItem) => `${item.table} ${item.kind} ${item.name}`;
const lineOf = (item: CatalogItem) => `${keyOf(item)}: ${item.definition}`;

/** The lines that one side has and the other lacks, each under its table, kind and name, the migrations' first. */
function differing(migrated: CatalogItem[], fromEntities: CatalogItem[]): string[] {
  const onlyIn = (items: CatalogItem[], others: CatalogItem[], side: string) => {
    const seen = new Set(others.map(lineOf));
    return items.filter((item) => !seen.has(lineOf(item))).map((item) => ({ key: keyOf(item), line: `  ${side} ${lineOf(item)}` }));
  };
  const lines = [...onlyIn(migrated, fromEntities, 'migrations:'), ...onlyIn(fromEntities, migrated, 'entities:  ')];
  return lines.sort((a, b) => a.key.localeCompare(b.key)).map(({ line }) => line);
}

/** The columns, constraints and indexes of some tables of a schema, as PostgreSQL prints them, the schema's name left out. */
async function describeTables(dataSource: DataSource, schema: string, tables: string[]): Promise<CatalogItem[]> {
  const items: CatalogItem[] = await dataSource.query(
    `SELECT c.relname AS "table", 'column' AS kind, a.attname AS name,
            concat_ws(' ', format_type(a.atttypid, a.atttypmod),
              CASE WHEN a.attcollation <> t.typcollation THEN 'COLLATE ' || quote_ident(co.collname) END,
              CASE WHEN a.attnotnull THEN 'NOT NULL' END,
              'DEFAULT ' || pg_get_expr(d.adbin, d.adrelid),
              CASE a.attidentity WHEN 'a' THEN 'GENERATED ALWAYS AS IDENTITY' WHEN 'd' THEN 'GENERATED BY DEFAULT AS IDENTITY' END) AS definition
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_collation co ON co.oid = a.attcollation
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE n.nspname = $1 AND c.relname = ANY($2) AND a.attnum > 0 AND NOT a.attisdropped
     UNION ALL
     SELECT c.relname, 'constraint', con.conname, pg_get_constraintdef(con.oid)
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname = ANY($2)
     UNION ALL
     -- Indexes of their own: those behind a primary key or a unique constraint are listed as constraints.
     SELECT c.relname, 'index', i.relname, pg_get_indexdef(x.indexrelid)
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class c ON c.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname = ANY($2)
         AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = x.indexrelid AND con.conrelid = x.indrelid)`,
    [schema, tables],
  );
  return items.map((item) => ({ ...item, definition: item.definition.replaceAll(`${schema}.`, '') }));
}
