import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MarqueeClient } from '@marquee/client';

export interface Credentials {
  server: string;
  token: string;
  username?: string;
}

const DEFAULT_SERVER = 'http://127.0.0.1:8080';

export function credentialsPath(): string {
  const dir =
    process.env.MARQUEE_CONFIG_DIR ??
    path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'marquee');
  return path.join(dir, 'credentials.json');
}

export function readCredentials(): Credentials | undefined {
  try {
    return JSON.parse(fs.readFileSync(credentialsPath(), 'utf8')) as Credentials;
  } catch {
    return undefined;
  }
}

/** Written with mode 0600 through a temporary file, so a crash never leaves half a file. */
export function saveCredentials(c: Credentials): string {
  const file = credentialsPath();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

/** A client for --server/--token, else MARQUEE_URL/MARQUEE_TOKEN, else the saved login. */
export function clientFrom(values: Record<string, string | boolean | undefined>): MarqueeClient {
  const saved = readCredentials();
  const server = (values.server as string | undefined) ?? process.env.MARQUEE_URL ?? saved?.server ?? DEFAULT_SERVER;
  const token = (values.token as string | undefined) ?? process.env.MARQUEE_TOKEN ?? saved?.token;
  return new MarqueeClient({ baseUrl: server, token });
}

export const connectionOptions = {
  server: { type: 'string', description: `server URL (MARQUEE_URL; default ${DEFAULT_SERVER})` },
  token: { type: 'string', description: 'API token (MARQUEE_TOKEN; default: the saved login)' },
} as const;
