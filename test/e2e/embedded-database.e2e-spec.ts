import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabase } from '../../src/database/embedded-database';

describe(EmbeddedDatabase.name, () => {
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'contact-book-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('locks its data folder against a second opener until it closes', async () => {
    const first = await EmbeddedDatabase.open(folder);
    await expect(EmbeddedDatabase.open(folder)).rejects.toThrow(/in use by another process/);
    await first.pglite.query('CREATE TABLE kept (n int)');
    await first.pglite.query('INSERT INTO kept VALUES (42)');
    await first.close();

    const second = await EmbeddedDatabase.open(folder);
    await expect(second.pglite.query('SELECT n FROM kept')).resolves.toMatchObject({ rows: [{ n: 42 }] });
    await second.close();
  });

  it('opens a folder that a first start killed half-way left behind, and one it was creating', async () => {
    // What an interrupted first start leaves: some files of a database but no PG_VERSION yet,
    // and the half-made database beside it.
    mkdirSync(join(folder, 'pglite', 'base'), { recursive: true });
    writeFileSync(join(folder, 'pglite', 'base', 'junk'), 'half a copy');
    mkdirSync(join(folder, 'pglite.creating'), { recursive: true });
    writeFileSync(join(folder, 'pglite.creating', 'PG_VERSION'), '17');

    const database = await EmbeddedDatabase.open(folder);
    await expect(database.pglite.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
    await database.close();
  });
});
