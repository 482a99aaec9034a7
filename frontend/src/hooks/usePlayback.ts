/**
 * Animation clock. Each tick advances to the next frame only if that frame is fully loaded; otherwise the tick is
 * a stall and the current frame stays (no half-loaded frame ever appears). Wraps around at the end.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { DEFAULT_SPEED_FPS } from '../lib/config';
import { perf, record } from '../lib/perf';

export interface Playback {
  playing: boolean;
  fps: number;
  toggle: () => void;
  setFps: (fps: number) => void;
  step: (delta: number) => void;
  first: () => void;
  last: () => void;
}

export function usePlayback(count: number, index: number, setIndex: (i: number) => void, ready: boolean[]): Playback {
  const [playing, setPlaying] = useState(false);
  const [fps, setFps] = useState(DEFAULT_SPEED_FPS);
  const live = useRef({ count, index, setIndex, ready });
  live.current = { count, index, setIndex, ready };

  useEffect(() => {
    if (!playing) return;
    const timer = window.setInterval(() => {
      const { count: n, index: i, setIndex: set, ready: r } = live.current;
      if (n < 2) return;
      const next = (i + 1) % n;
      if (!r[next]) {
        perf.stalls += 1;
        return;
      }
      live.current.index = next;
      record(perf.advances, performance.now());
      set(next);
    }, 1000 / fps);
    return () => window.clearInterval(timer);
  }, [playing, fps]);

  const step = useCallback((delta: number) => {
    const { count: n, index: i, setIndex: set } = live.current;
    if (n > 0) set((i + delta + n) % n);
  }, []);
  const first = useCallback(() => live.current.setIndex(0), []);
  const last = useCallback(() => live.current.setIndex(Math.max(0, live.current.count - 1)), []);
  const toggle = useCallback(() => setPlaying((p) => !p), []);

  return { playing, fps, toggle, setFps, step, first, last };
}
