import { describe, expect, it } from 'vitest';
import { adjacentVariable, chooseVariable, firstMatch, variableSections } from './variables';
import type { VariableGroup, VariableInfo } from './types';

const legend = { palette: 'p', units: 'u', kind: 'continuous' as const, decimals: 1, stops: [] };

function variable(id: string, available: number, group: VariableGroup = 'surface', label = id.toUpperCase(),
  unavailable: string | null = null): VariableInfo {
  return { id, label, units: 'u', kind: 'continuous', group, expected_frames: 19, available_frames: available,
    unavailable, legend };
}

// A slice of HRRR's catalogue, in the run's order (the API lists them as the model spec does).
const CATALOGUE = [
  variable('tmp2m', 3, 'surface', '2 m temperature'),
  variable('refc', 3, 'precipitation', 'Composite reflectivity'),
  variable('snowfall_total', 3, 'winter', 'Total snowfall'),
  variable('mslp', 3, 'surface', 'Mean sea-level pressure'),
  variable('precip_24h', 0, 'precipitation', '24-hour precipitation'),
  variable('snowfall_kuchera', 3, 'winter', 'Total snowfall (Kuchera)'),
  variable('hgt500_vort', 3, 'upper_air', '500 hPa absolute vorticity and heights'),
  variable('sbcape', 3, 'severe', 'Surface-based CAPE'),
];

describe('variables of a run that is still filling', () => {
  it('default tmp2m falls back to the first variable with frames when tmp2m has none yet', () => {
    const vars = [variable('dp2m', 0), variable('refc', 3), variable('tmp2m', 0), variable('wspd10m', 2)];
    expect(chooseVariable(vars, 'tmp2m')).toBe('refc');
  });

  it('a requested variable without frames gives way to tmp2m when tmp2m has frames', () => {
    expect(chooseVariable([variable('refc', 0), variable('tmp2m', 1)], 'refc')).toBe('tmp2m');
  });

  it('a requested variable with frames is kept', () => {
    expect(chooseVariable([variable('refc', 2), variable('tmp2m', 1)], 'refc')).toBe('refc');
  });

  it('nothing is selected when no variable has frames yet', () => {
    expect(chooseVariable([variable('refc', 0), variable('tmp2m', 0)], 'tmp2m')).toBeNull();
  });

  it('while the catalog loads the requested variable is shown as asked', () => {
    expect(chooseVariable([], 'refc')).toBe('refc');
  });

  it('a variable the run cannot build is listed unavailable, with the reason, and never chosen', () => {
    const why = 'REFC 0-EATM in f001 is not in the inventory';
    const vars = [variable('refc', 0, 'precipitation', 'REFC', why), variable('tmp2m', 2)];
    expect(variableSections(vars)[1].options[0]).toEqual(
      { value: 'refc', label: 'REFC (unavailable)', disabled: true, title: why });
    expect(chooseVariable(vars, 'refc')).toBe('tmp2m');
  });
});

describe('the grouped variable picker', () => {
  it('lists sections in group order, variables in the run order, pending ones disabled', () => {
    const sections = variableSections(CATALOGUE);
    expect(sections.map((s) => s.label)).toEqual(['Surface', 'Precipitation', 'Winter', 'Upper air', 'Severe & moisture']);
    expect(sections[0].options.map((o) => o.value)).toEqual(['tmp2m', 'mslp']);
    expect(sections[1].options[1]).toEqual({ value: 'precip_24h', label: '24-hour precipitation (pending)', disabled: true });
  });

  it('narrows to the variables whose name holds every word of the filter, keeping the selected one', () => {
    const sections = variableSections(CATALOGUE, 'snow kuch', 'tmp2m');
    expect(sections.flatMap((s) => s.options.map((o) => o.value))).toEqual(['tmp2m', 'snowfall_kuchera']);
    expect(variableSections(CATALOGUE, 'VORT').flatMap((s) => s.options.map((o) => o.value))).toEqual(['hgt500_vort']);
    expect(variableSections(CATALOGUE, 'no such thing')).toEqual([]);
  });

  it('Enter picks the first match that has frames', () => {
    expect(firstMatch(CATALOGUE, 'snow')).toBe('snowfall_total');
    expect(firstMatch(CATALOGUE, 'precip')).toBeNull(); // only 24-hour precipitation matches, and it is pending
  });

  it('[ and ] step through the variables with frames in picker order, wrapping around', () => {
    expect(adjacentVariable(CATALOGUE, 'tmp2m', 1)).toBe('mslp');
    expect(adjacentVariable(CATALOGUE, 'refc', 1)).toBe('snowfall_total'); // precip_24h is pending
    expect(adjacentVariable(CATALOGUE, 'sbcape', 1)).toBe('tmp2m');
    expect(adjacentVariable(CATALOGUE, 'tmp2m', -1)).toBe('sbcape');
  });
});
