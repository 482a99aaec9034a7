/** Space plays/pauses, ←/→ step, Home/End jump to the ends; ignored while a form control has focus. */
import { useEffect, useRef } from 'react';
import type { Playback } from './usePlayback';

const FORM_CONTROLS = new Set(['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON']);

export function useKeyboard(playback: Playback): void {
  const latest = useRef(playback);
  latest.current = playback;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.altKey || e.ctrlKey || e.metaKey || (target && FORM_CONTROLS.has(target.tagName))) return;
      const p = latest.current;
      const actions: Record<string, () => void> = {
        ' ': p.toggle,
        ArrowLeft: () => p.step(-1),
        ArrowRight: () => p.step(1),
        Home: p.first,
        End: p.last,
      };
      const action = actions[e.key];
      if (!action) return;
      e.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
