import type { ModelVersion } from '@marquee/client';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { formatNumber } from '../format.ts';

/** Try a recommender: a user and how many items; the answer is the ranked items with their scores. */
export function RecommendForm({ model, version }: { model: string; version: ModelVersion }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const ask = useMutation({
    mutationFn: (input: { user: string; k: number }) =>
      api.recommend(model, { ...input, version: String(version.version) }),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    ask.mutate({ user: String(f.get('user')), k: Number(f.get('k') || 10) });
  };
  return (
    <section className="try-it" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('try.title')}</h2>
      <form onSubmit={submit} className="inline-form">
        <label>
          {t('try.user')}
          <input name="user" required defaultValue={version.example.recommend?.user ?? ''} />
        </label>
        <label>
          {t('try.k')}
          <input name="k" type="number" min={1} max={100} defaultValue={version.example.recommend?.k ?? 10} />
        </label>
        <button type="submit" disabled={ask.isPending}>
          {t('try.recommend')}
        </button>
      </form>
      {ask.error && (
        <p role="alert" className="error">
          {(ask.error as Error).message}
        </p>
      )}
      {ask.data && (
        <ol className="predictions" data-testid="recommendations">
          {ask.data.items.map((it) => (
            <li key={it.item}>
              <strong>{it.item}</strong> <span className="description">{formatNumber(i18n.language, it.score, 3)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
