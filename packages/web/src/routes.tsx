import { type JSX, lazy, Suspense } from 'react';
import { createBrowserRouter } from 'react-router';
import { AppLayout } from './app-layout.tsx';
import { MarketplacePage } from './pages/marketplace-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';

// The model page carries the charts (Observable Plot): loaded when first opened, so the
// marketplace, the first page most people see, stays small.
const ModelPage = lazy(() => import('./pages/model-page.tsx'));
const TrainPage = lazy(() => import('./pages/train-page.tsx'));
const JobPage = lazy(() => import('./pages/job-page.tsx'));
const DatasetsPage = lazy(() => import('./pages/datasets-page.tsx'));
const DatasetPage = lazy(() => import('./pages/dataset-page.tsx'));
const ProposalPage = lazy(() => import('./pages/proposal-page.tsx'));
const LeaderboardsPage = lazy(() => import('./pages/leaderboards-page.tsx'));
const SettingsPage = lazy(() => import('./pages/settings-page.tsx'));
const OrgPage = lazy(() => import('./pages/org-page.tsx'));
const SignUpPage = lazy(() => import('./pages/sign-up-page.tsx'));

const later = (page: JSX.Element) => <Suspense fallback={<p aria-busy="true">…</p>}>{page}</Suspense>;

export const router = createBrowserRouter([
  {
    element: <AppLayout />,
    children: [
      { path: '/', element: <MarketplacePage /> },
      { path: '/sign-in', element: <SignInPage /> },
      { path: '/sign-up', element: later(<SignUpPage />) },
      { path: '/models/:owner/:name', element: later(<ModelPage />) },
      { path: '/models/:owner/:name/proposals/:number', element: later(<ProposalPage />) },
      { path: '/train', element: later(<TrainPage />) },
      { path: '/datasets', element: later(<DatasetsPage />) },
      { path: '/leaderboards', element: later(<LeaderboardsPage />) },
      { path: '/settings', element: later(<SettingsPage />) },
      { path: '/orgs/:org', element: later(<OrgPage />) },
      { path: '/datasets/:owner/:name', element: later(<DatasetPage />) },
      { path: '/jobs/:id', element: later(<JobPage />) },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
