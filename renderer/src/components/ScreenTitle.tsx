import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A screen's heading. It takes the focus when the screen opens, so a keyboard user starts at the
 * top of the new screen (and a screen reader announces it) instead of somewhere in the old one.
 */
export function ScreenTitle({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: false });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} className="screen-title">
      {children}
    </h1>
  );
}
