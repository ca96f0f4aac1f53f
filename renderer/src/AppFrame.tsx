import type { ReactNode } from 'react';
import { AirGapBadge, ModeBanner } from './components/ModeBanner.js';
import { ScreenTitle } from './components/ScreenTitle.js';
import { canOpenProjector, openProjector } from './platform/api.js';
import { href, useRoute, type Route } from './router.js';
import { HomeScreen } from './screens/HomeScreen.js';
import { LogScreen } from './screens/LogScreen.js';
import { ProjectorScreen } from './screens/ProjectorScreen.js';
import { RunnerScreen } from './screens/RunnerScreen.js';
import { SignInScreen } from './screens/SignInScreen.js';
import { StatusScreen } from './screens/StatusScreen.js';
import { TriageScreen } from './screens/TriageScreen.js';

function NotFound({ path }: { path: string }) {
  return (
    <>
      <ScreenTitle>No such screen</ScreenTitle>
      <p>
        The address <code>#{path}</code> names no screen of this app. <a href={href({ name: 'home' })}>Go to the workspace</a>.
      </p>
    </>
  );
}

function screenFor(route: Route): ReactNode {
  switch (route.name) {
    case 'home':
      return <HomeScreen />;
    case 'triage':
      return <TriageScreen given={route.answers} />;
    case 'status':
      return <StatusScreen />;
    case 'ceremony':
      return <RunnerScreen id={route.id} />;
    case 'sign-in':
      return <SignInScreen id={route.id} />;
    case 'log':
      return <LogScreen id={route.id} />;
    case 'projector':
      return <ProjectorScreen />;
    case 'not-found':
      return <NotFound path={route.path} />;
  }
}

const navItems: { route: Route; label: string }[] = [
  { route: { name: 'home' }, label: 'Workspace' },
  { route: { name: 'triage', answers: {} }, label: 'Triage' },
  { route: { name: 'status' }, label: 'Status' },
];

function Nav({ current }: { current: Route }) {
  return (
    <nav aria-label="Main" className="nav">
      <ul>
        {navItems.map((item) => (
          <li key={item.label}>
            <a href={href(item.route)} aria-current={item.route.name === current.name ? 'page' : undefined}>
              {item.label}
            </a>
          </li>
        ))}
        {canOpenProjector() && (
          <li>
            <button type="button" className="link-button" onClick={openProjector}>
              Open the projector view
            </button>
          </li>
        )}
      </ul>
    </nav>
  );
}

/** Every screen but the projector's: the header with the mode and the air gap, the navigation, the screen. */
export function AppFrame() {
  const route = useRoute();
  const key = href(route);
  if (route.name === 'projector') {
    return (
      <main className="projector" key={key}>
        <ProjectorScreen />
      </main>
    );
  }
  return (
    <>
      {/* A button, not a link to #main: the fragment is the route. */}
      <button type="button" className="skip-link" onClick={() => document.getElementById('main')?.focus()}>
        Skip to the screen
      </button>
      <header className="app-header">
        <a className="app-name" href={href({ name: 'home' })}>
          KSK Ceremony
        </a>
        <ModeBanner />
        <AirGapBadge />
        <Nav current={route} />
      </header>
      <main className="app" id="main" tabIndex={-1} key={key}>
        {screenFor(route)}
      </main>
    </>
  );
}
