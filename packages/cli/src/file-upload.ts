import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { ProgressBar } from './progress-bar.js';

/** A file as a web stream for an upload, drawing a progress bar as it is read. */
export function meteredFile(file: string, label: string): { body: ReadableStream<Uint8Array>; done: () => void } {
  const bar = new ProgressBar(label, fs.statSync(file).size);
  let sent = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, next) {
      sent += chunk.length;
      bar.update(sent);
      next(null, chunk);
    },
  });
  const body = Readable.toWeb(fs.createReadStream(file).pipe(meter)) as ReadableStream<Uint8Array>;
  return { body, done: () => bar.done() };
}
