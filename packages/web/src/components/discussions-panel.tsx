import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { formatDate } from '../format.ts';
import { SafeHtml } from './safe-html.tsx';

/** A model's discussions: the threads, one opened to read with its comments, and forms to open and reply. */
export function DiscussionsPanel({ model, signedIn }: { model: string; signedIn: boolean }) {
  const { t, i18n } = useTranslation();
  const queries = useQueryClient();
  const [open, setOpen] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const threads = useQuery({ queryKey: ['discussions', model], queryFn: () => api.discussions.list('models', model) });
  const thread = useQuery({
    queryKey: ['discussion', model, open],
    queryFn: () => api.discussions.get('models', model, open as number),
    enabled: open !== null,
  });
  const run = async (what: () => Promise<unknown>) => {
    setError(null);
    try {
      await what();
      await queries.invalidateQueries({ queryKey: ['discussions', model] });
      await queries.invalidateQueries({ queryKey: ['discussion', model] });
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const start = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    void run(async () => {
      const d = await api.discussions.open('models', model, String(f.get('title')), String(f.get('body')));
      form.reset();
      setOpen(d.number);
    });
  };
  const reply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const body = String(new FormData(form).get('reply'));
    void run(async () => {
      await api.discussions.comment('models', model, open as number, body);
      form.reset();
    });
  };
  return (
    <section aria-labelledby="disc-h" className="discussions">
      <h2 id="disc-h">{t('discussions.title')}</h2>
      {threads.data?.length === 0 && <p>{t('discussions.none')}</p>}
      <ul data-testid="threads">
        {threads.data?.map((d) => (
          <li key={d.number}>
            <button
              type="button"
              className="link"
              aria-expanded={open === d.number}
              onClick={() => setOpen(open === d.number ? null : d.number)}
            >
              #{d.number} {d.title}
            </button>{' '}
            · {d.author} · {t('discussions.comments', { count: d.comments })} · {d.state}
            {open === d.number && thread.data && (
              <ol className="thread" data-testid="thread">
                {thread.data.thread.map((c) => (
                  <li key={c.id}>
                    <p className="meta">
                      <strong>{c.author}</strong> · {formatDate(i18n.language, c.createdAt)}
                    </p>
                    {c.html ? (
                      <SafeHtml html={c.html} className="comment" />
                    ) : (
                      <p className="description">{t('discussions.hidden')}</p>
                    )}
                  </li>
                ))}
              </ol>
            )}
            {open === d.number && signedIn && !d.locked && (
              <form onSubmit={reply} className="stack">
                <label>
                  {t('discussions.reply')}
                  <textarea name="reply" rows={3} required maxLength={20_000} />
                </label>
                <button type="submit">{t('discussions.send')}</button>
              </form>
            )}
          </li>
        ))}
      </ul>
      {signedIn && (
        <form onSubmit={start} className="stack narrow">
          <h3>{t('discussions.new')}</h3>
          <label>
            {t('proposal.title')}
            <input name="title" required maxLength={200} />
          </label>
          <label>
            {t('discussions.body')}
            <textarea name="body" rows={4} required maxLength={20_000} />
          </label>
          <button type="submit">{t('discussions.open')}</button>
        </form>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
