/**
 * Space plays/pauses, ←/→ step, Home/End jump to the ends; `/` focuses the variable filter, `[` and `]` step to
 * the previous or next variable. Ignored while a form control has focus (typing a filter is typing).
 */
import { useEffect, useRef } from 'react';
import type { Playback } from './usePlayback';

const FORM_CONTROLS = new Set(['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON']);

export interface Shortcuts {
  playback: Playback;
  focusFilter: () => void;
  stepVariable: (step: 1 | -1) => void;
}

export function useKeyboard(shortcuts: Shortcuts): void {
  const latest = useRef(shortcuts);
  latest.current = shortcuts;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.altKey || e.ctrlKey || e.metaKey || (target && FORM_CONTROLS.has(target.tagName))) return;
      const { playback: p, focusFilter, stepVariable } = latest.current;
      const actions: Record<string, () => void> = {
        ' ': p.toggle,
        ArrowLeft: () => p.step(-1),
        ArrowRight: () => p.step(1),
        Home: p.first,
        End: p.last,
        '/': focusFilter,
        '[': () => stepVariable(-1),
        ']': () => stepVariable(1),
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
