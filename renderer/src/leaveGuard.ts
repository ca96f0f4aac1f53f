import { useEffect } from 'react';

/**
 * While something shown once is on screen (share sheets, a share or a hash half typed), leaving
 * the page (reload, close, typing another address) asks first: the browser's own "Leave site?"
 * dialog, the only one a page may raise then. What the backend holds survives a reload anyway;
 * what was typed does not.
 */
export function useLeaveGuard(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const guard = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Older engines ask for returnValue to be set as well.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', guard);
    return () => window.removeEventListener('beforeunload', guard);
  }, [active]);
}
