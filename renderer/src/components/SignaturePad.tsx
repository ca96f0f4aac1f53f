import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { toBase64 } from '../base64.js';

/** The pad's drawing surface in canvas pixels; CSS may show it larger or smaller, strokes are scaled. */
const WIDTH = 720;
const HEIGHT = 240;
const KEY_STEP = 12;
const INK = '#000000';

export interface SignaturePadProps {
  /** Whose signature this is, as shown to them: "Signature of Ada Lovelace (IW)". */
  label: string;
  /** The PNG as base64 (no data: prefix) after every stroke, or null while the pad is empty. */
  onChange: (pngBase64: string | null) => void;
}

/**
 * A drawn signature: mouse, pen or touch through pointer events, and the keyboard for those who
 * cannot use either (arrow keys draw, Shift+arrows move the pen without drawing). A typed name is
 * never offered in its place. What signs is always the separate Sign button of the dialog that holds
 * the pad; the pad only draws.
 */
export function SignaturePad({ label, onChange }: SignaturePadProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ x: number; y: number } | null>(null);
  const [cursor, setCursor] = useState({ x: WIDTH / 8, y: HEIGHT / 2 });
  const [inked, setInked] = useState(false);
  const [focused, setFocused] = useState(false);
  const hintId = useId();

  const context = useCallback(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return null;
    ctx.lineWidth = 3;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = INK;
    return ctx;
  }, []);

  const blank = useCallback(() => {
    const ctx = context();
    if (!ctx) return;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
  }, [context]);

  useEffect(blank, [blank]);

  // Encoding is asynchronous: only the latest picture counts, and none from before a clear. The
  // canvas's own PNG goes as it is; the backend keeps it as grayscale over white.
  const generation = useRef(0);
  const publish = useCallback(() => {
    const mine = ++generation.current;
    canvas.current?.toBlob((blob) => {
      void blob?.arrayBuffer().then((bytes) => mine === generation.current && onChange(toBase64(new Uint8Array(bytes))));
    }, 'image/png');
  }, [onChange]);

  const line = useCallback(
    (from: { x: number; y: number }, to: { x: number; y: number }) => {
      const ctx = context();
      if (!ctx) return;
      ctx.beginPath();
      ctx.moveTo(from.x, from.y);
      ctx.lineTo(to.x === from.x && to.y === from.y ? to.x + 0.5 : to.x, to.y);
      ctx.stroke();
      setInked(true);
    },
    [context],
  );

  function pointAt(e: { clientX: number; clientY: number }) {
    const rect = canvas.current?.getBoundingClientRect();
    if (!rect || rect.width === 0 || rect.height === 0) return { x: 0, y: 0 };
    return { x: ((e.clientX - rect.left) * WIDTH) / rect.width, y: ((e.clientY - rect.top) * HEIGHT) / rect.height };
  }

  function onPointerDown(e: PointerEvent<HTMLCanvasElement>) {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    last.current = pointAt(e);
    line(last.current, last.current);
  }

  function onPointerMove(e: PointerEvent<HTMLCanvasElement>) {
    if (!last.current) return;
    // A pen or a finger reports more points than frames; every one of them is drawn.
    const points = typeof e.nativeEvent.getCoalescedEvents === 'function' ? e.nativeEvent.getCoalescedEvents() : [];
    for (const p of points.length > 0 ? points : [e.nativeEvent]) {
      const next = pointAt(p);
      line(last.current, next);
      last.current = next;
    }
  }

  function onPointerUp() {
    if (!last.current) return;
    last.current = null;
    publish();
  }

  function onKeyDown(e: KeyboardEvent<HTMLCanvasElement>) {
    const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    const next = {
      x: Math.min(WIDTH - 4, Math.max(4, cursor.x + move[0] * KEY_STEP)),
      y: Math.min(HEIGHT - 4, Math.max(4, cursor.y + move[1] * KEY_STEP)),
    };
    if (!e.shiftKey) {
      line(cursor, next);
      publish();
    }
    setCursor(next);
  }

  function clear() {
    generation.current += 1;
    blank();
    setInked(false);
    onChange(null);
  }

  return (
    <div className="signature">
      <p className="signature-label" id={`${hintId}-label`}>
        {label}
      </p>
      <div className="signature-surface">
        <canvas
          ref={canvas}
          width={WIDTH}
          height={HEIGHT}
          tabIndex={0}
          role="application"
          aria-labelledby={`${hintId}-label`}
          aria-describedby={hintId}
          data-testid="signature-pad"
          data-inked={inked ? 'yes' : 'no'}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          onKeyDown={onKeyDown}
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
        />
        {focused && (
          <span className="signature-cursor" aria-hidden="true" style={{ left: `${(cursor.x / WIDTH) * 100}%`, top: `${(cursor.y / HEIGHT) * 100}%` }} />
        )}
      </div>
      <p id={hintId} className="hint">
        Sign with the mouse, a pen or a finger. With the keyboard: focus the pad, then the arrow keys draw and Shift with the arrow keys moves without drawing.{' '}
        {inked ? 'The pad holds a signature.' : 'The pad is empty.'}
      </p>
      <button type="button" className="secondary" onClick={clear} disabled={!inked}>
        Clear the signature pad
      </button>
    </div>
  );
}
