// Fixture lines for the tests, read from the copies in @llm-lab/testkit.

import { readFileSync } from 'node:fs';
import { type MacmonFixtureName, macmonFixture } from '@llm-lab/testkit/macmon';

export function fixtureLines(name: MacmonFixtureName): string[] {
  const lines = readFileSync(macmonFixture(name), 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
