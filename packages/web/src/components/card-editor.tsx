import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';

/** The card's Markdown (YAML front matter and sections), edited in place by the model's writers. */
export function CardEditor({ model, markdown, onDone }: { model: string; markdown: string; onDone: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const queries = useQueryClient();
  const [text, setText] = useState(markdown);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    setError(null);
    try {
      await api.putCard(model, text);
      await queries.invalidateQueries({ queryKey: ['card', model] });
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div className="stack">
      <label htmlFor={id}>{t('card.markdown')}</label>
      <textarea id={id} rows={18} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="row">
        <button type="button" onClick={save}>
          {t('card.save')}
        </button>
        <button type="button" className="link" onClick={onDone}>
          {t('card.cancel')}
        </button>
      </div>
    </div>
  );
}
