import type { JobEvent } from './types.js';

/** Reads a job's server-sent events (`event:` and `data:` lines) until the stream ends. */
export async function readJobEvents(body: ReadableStream<Uint8Array>, onEvent: (e: JobEvent) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const type = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (!type || data === undefined) continue;
      const parsed = JSON.parse(data);
      onEvent(type === 'progress' ? { type: 'progress', progress: parsed } : { ...parsed, type: 'state' });
    }
  }
}
