import DOMPurify from 'dompurify';
import { useMemo } from 'react';

/**
 * HTML the server rendered from Markdown (it escapes raw HTML already), sanitised again
 * here: whatever a card or a comment holds, no script, handler or frame reaches the page.
 */
export function SafeHtml({ html, className }: { html: string; className?: string }) {
  const clean = useMemo(
    () => DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'iframe'] }),
    [html],
  );
  // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised by DOMPurify on the line above
  return <div className={className} dangerouslySetInnerHTML={{ __html: clean }} />;
}
