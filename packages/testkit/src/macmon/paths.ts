// Where the stand-in executable and its fixtures live on disk.

import { fileURLToPath } from 'node:url';

export const macmonStandinPath = fileURLToPath(new URL('../../bin/macmon', import.meta.url));

export const macmonFixturesDir = fileURLToPath(new URL('../../fixtures/macmon/', import.meta.url));

/** What `macmon pipe` prints for the build EXO.app bundles (0.7 layout, CPU fully loaded). */
export const defaultMacmonFixture = `${macmonFixturesDir}v0.7-exo-pinned-cpu-load.jsonl`;
