/**
 * Wind barb icons, drawn on a canvas (`overlays.addBarbImages`): the staff points up (north) from the station
 * at the icon's centre, so rotating the icon by the direction the wind blows from points it into the wind.
 * Northern-hemisphere convention: feathers on the staff's clockwise side (right when it points up), a pennant
 * per 50 kt, a full barb per 10 kt, a half barb for 5 kt, outermost first; a circle for calm (under 2.5 kt).
 */

/** Barbs show speed in steps of this many knots, */
export const BARB_STEP_KT = 5;
/** up to this many (a faster wind gets its icon; no surface or jet wind on these maps comes near). */
export const BARB_MAX_KT = 250;

/** Pennants, full and half barbs of a speed rounded to 5 kt. */
export function barbParts(kt: number): { pennants: number; full: number; half: number } {
  const rounded = Math.round(kt / BARB_STEP_KT) * BARB_STEP_KT;
  return { pennants: Math.floor(rounded / 50), full: Math.floor((rounded % 50) / 10), half: rounded % 10 === 5 ? 1 : 0 };
}

const SIZE = 96; // device pixels (pixelRatio 2: 48 CSS pixels)
const CENTRE = SIZE / 2;
const STAFF = 44; // from the station to the staff's outer end
const STEP = 7; // between feathers along the staff
const FEATHER = { dx: 18, dy: -8 }; // a full barb's end relative to its root on the staff

export function drawBarb(kt: number): ImageData {
  const canvas = document.createElement('canvas');
  canvas.width = SIZE;
  canvas.height = SIZE;
  const g = canvas.getContext('2d')!;
  g.strokeStyle = '#111111';
  g.fillStyle = '#111111';
  g.lineWidth = 2.6;
  g.lineCap = 'round';
  const { pennants, full, half } = barbParts(kt);
  if (pennants + full + half === 0) {
    g.beginPath();
    g.arc(CENTRE, CENTRE, 6, 0, 2 * Math.PI);
    g.stroke();
    return g.getImageData(0, 0, SIZE, SIZE);
  }
  const top = CENTRE - STAFF;
  g.beginPath();
  g.moveTo(CENTRE, CENTRE);
  g.lineTo(CENTRE, top);
  let y = top;
  for (let i = 0; i < pennants; i += 1) {
    g.moveTo(CENTRE, y);
    g.lineTo(CENTRE + FEATHER.dx, y + STEP / 2);
    g.lineTo(CENTRE, y + STEP);
    g.closePath();
    g.fill();
    y += STEP + 1;
  }
  if (pennants > 0 && full + half > 0) y += 1;
  for (let i = 0; i < full; i += 1, y += STEP) {
    g.moveTo(CENTRE, y);
    g.lineTo(CENTRE + FEATHER.dx, y + FEATHER.dy);
  }
  // A lone half barb sits one step in from the end, so it is not read as a full one.
  if (half) {
    if (pennants + full === 0) y += STEP;
    g.moveTo(CENTRE, y);
    g.lineTo(CENTRE + FEATHER.dx / 2, y + FEATHER.dy / 2);
  }
  g.stroke();
  return g.getImageData(0, 0, SIZE, SIZE);
}
