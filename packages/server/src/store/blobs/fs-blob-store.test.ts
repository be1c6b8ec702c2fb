import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { FsBlobStore } from './fs-blob-store.js';

test("a process opening a shared blob folder clears stale temporaries, not another writer's fresh ones", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-fs-blobs-'));
  try {
    const first = new FsBlobStore(root);
    const tmp = path.join(root, 'tmp');
    const fresh = path.join(tmp, 'being-written');
    const stale = path.join(tmp, 'left-by-a-crash');
    fs.writeFileSync(fresh, 'half a blob');
    fs.writeFileSync(stale, 'half a blob');
    const long = new Date(Date.now() - 7 * 3600 * 1000);
    fs.utimesSync(stale, long, long);
    const second = new FsBlobStore(root);
    assert.deepEqual(fs.readdirSync(tmp), ['being-written']);
    // Both see what either stores.
    const info = await first.put(Readable.from([Buffer.from('shared')]), 100);
    assert.equal((await second.read(info.sha256)).toString(), 'shared');
    assert.equal(await second.localPath(info.sha256), await first.localPath(info.sha256));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
