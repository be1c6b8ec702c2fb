import type { Listing } from '@marquee/client';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatDate, formatNumber } from '../format.ts';

/** One search result: name, task, description, the verified badge, likes and downloads. */
export function ListingCard({ listing }: { listing: Listing }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <article className="listing-card">
      <h3>
        <Link to={`/models/${listing.model}`}>{listing.model}</Link>
      </h3>
      <p className="meta">
        <span className="chip">{listing.task}</span>
        {listing.verified && (
          <span className="badge" title={t('listing.verifiedTitle')}>
            ✓ {t('listing.verified')}
          </span>
        )}
        {listing.license && <span className="chip">{listing.license}</span>}
      </p>
      {listing.description && <p className="description">{listing.description}</p>}
      <p className="stats">
        <span>
          ♥ <span className="visually-hidden">{t('listing.likes')}</span>
          {formatNumber(lang, listing.likes)}
        </span>
        <span>
          ⤓ <span className="visually-hidden">{t('listing.downloads')}</span>
          {formatNumber(lang, listing.downloads)}
        </span>
        <span>{t('listing.updated', { date: formatDate(lang, listing.updatedAt) })}</span>
      </p>
    </article>
  );
}
