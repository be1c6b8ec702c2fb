import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { LANGUAGES, type Language, rememberLanguage } from './i18n/i18n.ts';
import { useSession } from './session.tsx';

/** The frame of every page: skip link, header (brand, navigation, language, session), main. */
export function AppLayout() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          {t('app.name')}
        </Link>
        <nav aria-label="main">
          <NavLink to="/">{t('nav.marketplace')}</NavLink>
          <NavLink to="/datasets">{t('nav.datasets')}</NavLink>
          <NavLink to="/leaderboards">{t('nav.leaderboards')}</NavLink>
          {session.user && <NavLink to="/train">{t('nav.train')}</NavLink>}
          {session.user && <NavLink to="/settings">{t('nav.settings')}</NavLink>}
        </nav>
        <div className="header-tools">
          <label className="language">
            <span className="visually-hidden">{t('nav.language')}</span>
            <select
              value={i18n.language}
              onChange={(e) => rememberLanguage(e.target.value as Language)}
              data-testid="language"
            >
              {LANGUAGES.map((l) => (
                <option key={l.code} value={l.code} lang={l.code}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
          {session.user ? (
            <>
              <span className="who">{t('nav.signedInAs', { name: session.user.username })}</span>
              <button
                type="button"
                onClick={async () => {
                  await session.signOut();
                  navigate('/');
                }}
              >
                {t('nav.signOut')}
              </button>
            </>
          ) : (
            <Link to="/sign-in" className="button">
              {t('nav.signIn')}
            </Link>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
