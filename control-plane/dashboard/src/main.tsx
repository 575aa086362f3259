// The dashboard shell: sign-in, navigation, role-aware pages. Talks only to the public REST API.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { api, type Identity } from './lib/api.ts';
import { navigate, useRoute } from './lib/router.ts';
import { Toasts } from './components/toast.tsx';
import { LoginPage } from './pages/login.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { FlowsPage } from './pages/flows.tsx';
import { ExposurePage } from './pages/exposure.tsx';
import { InventoryPage } from './pages/inventory.tsx';
import { EndpointPage } from './pages/endpoint.tsx';
import { RiskPage } from './pages/risk.tsx';
import { ChangesPage } from './pages/changes.tsx';
import { RulesPage } from './pages/rules.tsx';

const NAV = [
  ['/', 'Overview'],
  ['/flows', 'Flows'],
  ['/exposure', 'Exposure'],
  ['/inventory', 'Inventory'],
  ['/risk', 'Risk'],
  ['/changes', 'Posture changes'],
  ['/rules', 'Rules'],
] as const;

function App() {
  const route = useRoute();
  const [me, setMe] = useState<Identity | null | undefined>(api.token ? undefined : null);
  useEffect(() => {
    if (api.token && me === undefined) api.whoami().then(setMe, () => (api.setToken(''), setMe(null)));
  }, []);
  if (me === undefined) return <p aria-busy="true">Loading…</p>;
  if (me === null || route.name === 'login')
    return (
      <LoginPage
        onLogin={(id) => {
          setMe(id);
          navigate('/');
        }}
      />
    );
  const canEdit = me.role === 'operator' || me.role === 'admin';
  let page;
  switch (route.name) {
    case 'overview':
      page = <OverviewPage />;
      break;
    case 'flows':
      page = <FlowsPage canEdit={canEdit} />;
      break;
    case 'exposure':
      page = <ExposurePage canEdit={canEdit} />;
      break;
    case 'inventory':
      page = <InventoryPage route={route} canEdit={canEdit} />;
      break;
    case 'endpoint':
      page = <EndpointPage id={route.params.id!} canEdit={canEdit} />;
      break;
    case 'risk':
      page = <RiskPage canEdit={canEdit} />;
      break;
    case 'changes':
      page = <ChangesPage />;
      break;
    case 'rules':
      page = <RulesPage canEdit={canEdit} />;
      break;
    default:
      page = (
        <p>
          Page not found. <a href="#/">Overview</a>
        </p>
      );
  }
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <strong class="brand">Palisade</strong>
        <nav aria-label="Main">
          {NAV.map(([path, label]) => (
            <a key={path} href={`#${path}`} aria-current={route.path === path ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class="me">
          {me.name} <span class="role">{me.role}</span>{' '}
          <button
            class="link"
            onClick={() => {
              api.setToken('');
              setMe(null);
            }}
          >
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
      <Toasts />
    </>
  );
}

render(<App />, document.getElementById('app')!);
