import MarkdownIt from 'markdown-it';

// html: false escapes any raw HTML; markdown-it's link check refuses javascript:, vbscript:
// and data: (but images) URLs. What users write (cards, discussions) is shown through this.
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** Markdown as HTML that is safe to show: no raw HTML, no script links, no event handlers. */
export function renderSafeHtml(text: string): string {
  return markdown.render(text);
}
