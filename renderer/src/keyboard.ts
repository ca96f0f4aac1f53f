import { useEffect, useRef } from 'react';

/**
 * A key that works anywhere on the screen (the IW's own control: F8, which a separate keypad in
 * the IW's hand can send), except while a dialog is open, so nothing is done behind a modal.
 */
export function useKey(key: string, handler: () => void, enabled: boolean): void {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== key || e.repeat || e.altKey || e.ctrlKey || e.metaKey) return;
      if (document.querySelector('dialog[open]')) return;
      e.preventDefault();
      latest.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [key, enabled]);
}
