import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { openSqliteDatabase } from './database.js';

// Another process writing to the same file, as a second `serve --workers` process would.
const WRITER = `
const SQLite = require(process.argv[1]);
const db = new SQLite(process.argv[2]);
db.pragma('busy_timeout = 5000');
const insert = db.prepare("insert into counter_test (n, who) values ((select coalesce(max(n), 0) + 1 from counter_test), 'other')");
process.stdout.write('ready\\n');
const end = Date.now() + Number(process.argv[3]);
let wrote = 0;
while (Date.now() < end) {
  try {
    insert.run();
    wrote++;
  } catch (err) {
    // Only this process's own patience ran out (a busy machine): not what is tested.
    if (err.code !== 'SQLITE_BUSY') throw err;
  }
}
process.stdout.write('wrote ' + wrote + '\\n');
`;

test('a read-then-write transaction waits for another process instead of failing (BEGIN IMMEDIATE)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-sqlite-'));
  const db = (await openSqliteDatabase(dir)) as unknown as Kysely<any>;
  try {
    await sql`create table counter_test (n integer primary key, who text not null)`.execute(db);
    const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    const writer = spawn(process.execPath, ['-e', WRITER, betterSqlite, path.join(dir, 'marquee.db'), '1500']);
    await new Promise((resolve, reject) => {
      writer.stdout.once('data', resolve);
      writer.once('exit', (code) => reject(new Error(`the other writer exited with ${code}`)));
    });
    let mine = 0;
    const failures: string[] = [];
    while (writer.exitCode === null) {
      try {
        await db.transaction().execute(async (tx) => {
          const { max } = (await sql<{ max: number | null }>`select max(n) as max from counter_test`.execute(tx))
            .rows[0] as { max: number | null };
          // Time for the other process to commit between this read and this write.
          await new Promise((r) => setTimeout(r, 1));
          await sql`insert into counter_test (n, who) values (${(max ?? 0) + 1}, 'me')`.execute(tx);
        });
        mine++;
      } catch (err) {
        failures.push(String(err));
      }
      // Let the other process take its turn at the lock between transactions.
      await new Promise((r) => setTimeout(r, 1));
    }
    assert.deepEqual(failures.slice(0, 3), [], `${failures.length} transactions failed`);
    assert.ok(mine > 10, `only ${mine} transactions ran alongside the other writer`);
    const { rows } = await sql<{
      who: string;
      c: number;
    }>`select who, count(*) as c from counter_test group by who`.execute(db);
    assert.equal(rows.find((r) => r.who === 'me')?.c, mine);
    assert.ok((rows.find((r) => r.who === 'other')?.c ?? 0) > 0, 'the other process wrote too');
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
