import { useEffect, useState } from 'react';

/**
 * Hash routes: the whole address of a screen is in the fragment, so a reload (or Electron's
 * projector window opening app://ksk/index.html#/projector) lands on the same screen, which then
 * restores itself from the backend. No state lives only in the page.
 */
export type Route =
  | { name: 'home' }
  /** The answers given so far ride in the address, so a reload keeps them (nothing is recorded until the ceremony is created). */
  | { name: 'triage'; answers: Record<string, string> }
  | { name: 'status' }
  | { name: 'projector' }
  | { name: 'ceremony'; id: string }
  | { name: 'sign-in'; id: string }
  | { name: 'log'; id: string }
  | { name: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const full = hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = full.split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, id, sub] = parts;
  if (parts.length === 0) return { name: 'home' };
  if (parts.length === 1 && first === 'triage') return { name: 'triage', answers: Object.fromEntries(new URLSearchParams(query)) };
  if (parts.length === 1 && (first === 'status' || first === 'projector')) return { name: first };
  if (first === 'ceremony' && id && parts.length === 2) return { name: 'ceremony', id };
  if (first === 'ceremony' && id && sub === 'sign-in' && parts.length === 3) return { name: 'sign-in', id };
  if (first === 'log' && id && parts.length === 2) return { name: 'log', id };
  return { name: 'not-found', path: full };
}

export function href(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'ceremony':
      return `#/ceremony/${encodeURIComponent(route.id)}`;
    case 'sign-in':
      return `#/ceremony/${encodeURIComponent(route.id)}/sign-in`;
    case 'log':
      return `#/log/${encodeURIComponent(route.id)}`;
    case 'triage': {
      const query = new URLSearchParams(route.answers).toString();
      return query ? `#/triage?${query}` : '#/triage';
    }
    case 'not-found':
      return `#${route.path}`;
    default:
      return `#/${route.name}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
