import type { SearchQuery } from '@marquee/client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api } from '../api.ts';
import { FacetList } from '../components/facet-list.tsx';
import { ListingCard } from '../components/listing-card.tsx';

const FACETS = ['task', 'tag', 'license', 'owner'] as const;
const SORTS = ['relevance', 'trending', 'likes', 'downloads', 'updated'] as const;
const PAGE_SIZE = 20;

/** Search with facets and sorts; the query lives in the URL, so results can be linked and reloaded. */
export function MarketplacePage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const inputId = useId();
  const query: SearchQuery = {
    q: params.get('q') ?? undefined,
    ...Object.fromEntries(FACETS.flatMap((f) => (params.get(f) ? [[f, params.get(f)]] : []))),
    sort: (params.get('sort') as SearchQuery['sort']) ?? undefined,
    page: Number(params.get('page') ?? 1),
    limit: PAGE_SIZE,
  };
  const result = useQuery({
    queryKey: ['search', query],
    queryFn: () => api.search(query),
    placeholderData: keepPreviousData,
  });
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next);
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    set({ q: String(new FormData(e.currentTarget).get('q') ?? '').trim() });
  };
  const data = result.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  return (
    <>
      <section className="hero">
        <h1>{t('app.tagline')}</h1>
        <search>
          <form onSubmit={submit} className="search-form">
            <label htmlFor={inputId} className="visually-hidden">
              {t('search.label')}
            </label>
            <input
              id={inputId}
              name="q"
              type="search"
              defaultValue={query.q ?? ''}
              key={query.q ?? ''}
              placeholder={t('search.placeholder')}
            />
            <button type="submit">{t('search.submit')}</button>
          </form>
        </search>
      </section>
      <div className="market">
        <aside aria-label={t('search.facets.task')} className="facets">
          {data &&
            FACETS.map((f) => (
              <FacetList
                key={f}
                name={f}
                values={data.facets[f] ?? []}
                chosen={query[f]}
                onChoose={(v) => set({ [f]: v })}
              />
            ))}
          {FACETS.some((f) => query[f]) && (
            <button
              type="button"
              className="link"
              onClick={() => set(Object.fromEntries(FACETS.map((f) => [f, undefined])))}
            >
              {t('search.clear')}
            </button>
          )}
        </aside>
        <section className="results" aria-live="polite" aria-busy={result.isFetching}>
          <div className="results-bar">
            <p data-testid="result-count">{data ? t('search.results', { count: data.total }) : '…'}</p>
            <label>
              {t('search.sort')}{' '}
              <select value={query.sort ?? 'relevance'} onChange={(e) => set({ sort: e.target.value })}>
                {SORTS.map((s) => (
                  <option key={s} value={s}>
                    {t(`search.sorts.${s}`)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {result.error && (
            <p role="alert" className="error">
              {t('error.generic', { message: (result.error as Error).message })}
            </p>
          )}
          {data && data.items.length === 0 && <p>{t('search.none')}</p>}
          <div className="listing-grid">
            {data?.items.map((l) => (
              <ListingCard key={l.model} listing={l} />
            ))}
          </div>
          {pages > 1 && (
            <nav className="pager" aria-label={t('search.page', { page: query.page, pages })}>
              <button
                type="button"
                disabled={(query.page ?? 1) <= 1}
                onClick={() => set({ page: String((query.page ?? 1) - 1) })}
              >
                {t('search.previous')}
              </button>
              <span>{t('search.page', { page: query.page, pages })}</span>
              <button
                type="button"
                disabled={(query.page ?? 1) >= pages}
                onClick={() => set({ page: String((query.page ?? 1) + 1) })}
              >
                {t('search.next')}
              </button>
            </nav>
          )}
        </section>
      </div>
    </>
  );
}
