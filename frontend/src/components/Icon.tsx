/** Transport icons as inline SVG: they render the same everywhere, with or without emoji fonts. */
const PATHS = {
  play: 'M4 2.5v11l9-5.5z',
  pause: 'M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z',
  back: 'M2.5 2.5h2v11h-2zM14 2.5v11l-8.5-5.5z',
  forward: 'M11.5 2.5h2v11h-2zM2 2.5v11l8.5-5.5z',
} as const;

export function Icon({ name }: { name: keyof typeof PATHS }) {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
      <path d={PATHS[name]} fill="currentColor" />
    </svg>
  );
}
