import { describe, expect, it } from 'vitest';
import { chooseVariable, variableOptions } from './variables';
import type { VariableInfo } from './types';

const legend = { palette: 'p', units: 'u', kind: 'continuous' as const, stops: [] };

function variable(id: string, available: number, unavailable: string | null = null): VariableInfo {
  return { id, label: id.toUpperCase(), units: 'u', kind: 'continuous', expected_frames: 19,
    available_frames: available, unavailable, legend };
}

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
    const vars = [variable('refc', 0, why), variable('tmp2m', 2)];
    expect(variableOptions(vars)[0]).toEqual(
      { value: 'refc', label: 'REFC (unavailable)', disabled: true, title: why });
    expect(chooseVariable(vars, 'refc')).toBe('tmp2m');
  });

  it('pending variables are listed but cannot be picked', () => {
    expect(variableOptions([variable('refc', 0), variable('tmp2m', 1)])).toEqual([
      { value: 'refc', label: 'REFC (pending)', disabled: true },
      { value: 'tmp2m', label: 'TMP2M', disabled: false },
    ]);
  });
});
