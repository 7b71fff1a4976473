import assert from 'node:assert/strict';
import { it } from 'node:test';
import { EnergyIntegrator } from '../../src/gpu/energy.ts';

it('is exact for a linear ramp (trapezoid) and steps', () => {
  const energy = new EnergyIntegrator(1500);
  // 100 W rising to 200 W over 10 s in 1 s steps: exact integral 1500 J.
  for (let s = 0; s <= 10; s++) {
    energy.add(s * 1000, 100 + 10 * s);
  }
  assert.equal(energy.joules, 1500);
});

it('adds nothing across a gap over the limit, a clock step back, or a broken chain', () => {
  const energy = new EnergyIntegrator(300);
  energy.add(0, 100);
  energy.add(100, 100); // +10 J
  energy.add(500, 100); // gap of 400 ms > 300 ms: nothing
  energy.add(400, 100); // clock stepped back: nothing
  energy.add(500, 100); // +10 J
  energy.breakChain();
  energy.add(600, 100); // new chain: nothing
  assert.equal(energy.joules, 20);
});
