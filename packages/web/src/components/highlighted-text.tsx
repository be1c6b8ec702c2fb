/**
 * A text with the n-grams that decided a prediction marked where they occur (case
 * ignored; the longest first, so "not good" wins over "good"). Plain React text, no HTML.
 */
export function HighlightedText({ text, ngrams }: { text: string; ngrams: string[] }) {
  const lower = text.toLowerCase();
  const marked = new Array<boolean>(text.length).fill(false);
  for (const g of [...ngrams].sort((a, b) => b.length - a.length)) {
    const needle = g.toLowerCase().trim();
    if (!needle) continue;
    for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + needle.length)) {
      for (let i = at; i < at + needle.length; i++) marked[i] = true;
    }
  }
  const parts: Array<{ text: string; mark: boolean }> = [];
  for (let i = 0; i < text.length; i++) {
    const last = parts.at(-1);
    if (last && last.mark === marked[i]) last.text += text[i];
    else parts.push({ text: text[i] as string, mark: marked[i] as boolean });
  }
  return (
    <q className="highlighted" data-testid="highlighted">
      {parts.map((p, i) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text, in order
        p.mark ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>,
      )}
    </q>
  );
}
