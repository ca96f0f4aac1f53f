import { useEffect, useState } from 'react';
import { useApi } from '../api.js';

export interface KnownPerson {
  personId: string;
  name: string;
  roles: string[];
  organisation?: string;
}

/**
 * People who signed in to earlier ceremonies of the workspace (newest first), so that a returning
 * Crypto Officer or share holder signs in under the same person id, the one their credentials were
 * issued to.
 */
export function useKnownPeople(except: string): KnownPerson[] {
  const api = useApi();
  const [people, setPeople] = useState<KnownPerson[]>([]);
  useEffect(() => {
    let live = true;
    void (async () => {
      const list = await api.call('ceremony.list', {});
      if (!list.ok) return;
      const found = new Map<string, KnownPerson>();
      for (const c of [...list.value]
        .reverse()
        .filter((x) => x.ceremonyId !== except)
        .slice(0, 12)) {
        const state = await api.call('ceremony.state', { ceremonyId: c.ceremonyId });
        if (!state.ok) continue;
        for (const p of state.value.participants) {
          if (!found.has(p.personId))
            found.set(p.personId, { personId: p.personId, name: p.name, roles: p.roles, ...(p.organisation ? { organisation: p.organisation } : {}) });
        }
      }
      if (live) setPeople([...found.values()]);
    })();
    return () => {
      live = false;
    };
  }, [api, except]);
  return people;
}
