// Whether the compiled JavaScript in packages/*/dist (npm run build:server) is current: it
// is used only when no source file changed, appeared or went away since it was built.
import fs from 'node:fs';
import path from 'node:path';

/** The packages the server side is built from, in build order. */
export const PACKAGES = ['engine', 'client', 'server', 'cli'];

/** The newest modification time among the sources dist/ is built from, and their number. */
export function sourceState(root) {
  let newest = 0;
  let files = 0;
  for (const name of PACKAGES) {
    const src = path.join(root, 'packages', name, 'src');
    for (const entry of fs.readdirSync(src, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      files++;
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
    }
  }
  return { newest, files };
}

/** The compiled CLI's entry when the build matches the sources; undefined otherwise. */
export function currentBuild(root) {
  const dist = path.join(root, 'packages', 'cli', 'dist');
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(dist, 'build-stamp.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const now = sourceState(root);
  return now.newest === stamp.newest && now.files === stamp.files ? path.join(dist, 'main.js') : undefined;
}
