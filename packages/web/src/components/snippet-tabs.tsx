import type { Snippets } from '@marquee/client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

const KINDS = [
  ['curl', 'curl'],
  ['typescript', 'TypeScript'],
  ['python', 'Python'],
  ['cli', 'CLI'],
] as const;

/** The generated code examples, one tab each, with a copy button. */
export function SnippetTabs({ snippets }: { snippets: Snippets }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<(typeof KINDS)[number][0]>('curl');
  const [copied, setCopied] = useState(false);
  const code = snippets[kind];
  return (
    <div className="snippets">
      <div role="tablist" aria-label={t('model.snippets')}>
        {KINDS.map(([k, name]) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={kind === k}
            onClick={() => {
              setKind(k);
              setCopied(false);
            }}
          >
            {name}
          </button>
        ))}
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling code block must be reachable by keyboard (axe: scrollable-region-focusable) */}
      <pre role="tabpanel" tabIndex={0}>
        <code>{code}</code>
      </pre>
      <button
        type="button"
        onClick={async () => {
          await navigator.clipboard?.writeText(code).catch(() => undefined);
          setCopied(true);
        }}
      >
        {copied ? t('model.copied') : t('model.copy')}
      </button>
    </div>
  );
}
