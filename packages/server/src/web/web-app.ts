import fs from 'node:fs';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths the app never answers, whatever the method: the API, OIP, operations and docs keep their own 404s. */
const NOT_THE_APP = /^\/(api|v2|metrics|healthz|readyz)(\/|$|\?)/;

/**
 * The built web app: files under `assets/` carry a content hash in their names and are
 * cached for a year; every other GET that is not an API path answers `index.html`
 * (never cached), so the app's own routes (/models/a/b) work on reload.
 */
export class WebApp {
  private index: Buffer | undefined;

  constructor(private readonly dir: string) {}

  /** True when it answered (a GET or HEAD of a path that belongs to the app). */
  serve(req: FastifyRequest, reply: FastifyReply): boolean {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_THE_APP.test(req.url)) return false;
    const urlPath = decodeURIComponent(req.url.split('?')[0] as string);
    const file = this.fileFor(urlPath);
    if (file) {
      const immutable = urlPath.startsWith('/assets/');
      reply
        .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=3600')
        .header('x-content-type-options', 'nosniff')
        .type(TYPES[path.extname(file)] ?? 'application/octet-stream')
        .send(fs.createReadStream(file));
      return true;
    }
    if (urlPath.startsWith('/assets/')) return false; // a stale hash: 404, not the page
    const index = this.indexHtml();
    reply
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY');
    if (!index) {
      reply
        .code(503)
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><title>Marquee</title><p>The web app is not built: run <code>npm run build:web</code>.</p>',
        );
      return true;
    }
    reply.type('text/html; charset=utf-8').send(index);
    return true;
  }

  /** A file inside the app's folder (never outside it), or undefined. */
  private fileFor(urlPath: string): string | undefined {
    if (urlPath === '/' || urlPath.endsWith('/')) return undefined;
    const file = path.resolve(this.dir, `.${path.posix.normalize(urlPath)}`);
    if (!file.startsWith(this.dir + path.sep) || path.basename(file) === 'index.html') return undefined;
    try {
      return fs.statSync(file).isFile() ? file : undefined;
    } catch {
      return undefined;
    }
  }

  private indexHtml(): Buffer | undefined {
    if (!this.index) {
      try {
        this.index = fs.readFileSync(path.join(this.dir, 'index.html'));
      } catch {
        return undefined;
      }
    }
    return this.index;
  }
}
