import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { macmonNotFound } from '../../src/errors.ts';
import { findMacmon } from '../../src/locate/find-macmon.ts';

let root: string;

function executable(path: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'find-macmon-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('findMacmon', () => {
  it('MACMON_PATH wins, and a bad one is not silently replaced', () => {
    const bin = executable(join(root, 'explicit', 'macmon'));
    assert.deepEqual(findMacmon({ macmonPath: bin, pathEnv: '' }), {
      found: true,
      path: bin,
      source: 'MACMON_PATH',
    });

    const missing = findMacmon({ macmonPath: join(root, 'nope'), pathEnv: join(root, 'explicit') });
    assert.equal(missing.found, false);
  });

  it('then the copy bundled inside EXO.app, in /Applications or ~/Applications', () => {
    const apps = join(root, 'home', 'Applications');
    const bundled = executable(
      join(apps, 'EXO.app', 'Contents', 'Resources', 'exo', '_internal', 'macmon'),
    );
    const onPath = executable(join(root, 'bin', 'macmon'));

    const found = findMacmon({
      applicationDirs: [join(root, 'Applications'), apps],
      pathEnv: join(root, 'bin'),
    });
    assert.deepEqual(found, { found: true, path: bundled, source: 'EXO.app' });
    assert.ok(onPath);
  });

  it('finds a bundled macmon in a layout it does not know by walking the bundle', () => {
    const apps = join(root, 'walk');
    const deep = executable(
      join(apps, 'EXO.app', 'Contents', 'Resources', 'new', 'layout', 'macmon'),
    );
    assert.deepEqual(findMacmon({ applicationDirs: [apps], pathEnv: '' }), {
      found: true,
      path: deep,
      source: 'EXO.app',
    });
  });

  it('then macmon on PATH', () => {
    const bin = executable(join(root, 'path-only', 'macmon'));
    const found = findMacmon({
      applicationDirs: [join(root, 'none')],
      pathEnv: `/nonexistent:${join(root, 'path-only')}`,
    });
    assert.deepEqual(found, { found: true, path: bin, source: 'PATH' });
  });

  it('when none is found, the error lists every place and how to set MACMON_PATH', () => {
    const result = findMacmon({
      applicationDirs: ['/A', '/home/u/Applications'],
      pathEnv: '/usr/bin:/bin',
    });
    assert.equal(result.found, false);
    const { message, code } = macmonNotFound(result.found ? [] : result.looked);

    assert.equal(code, 'MACMON_NOT_FOUND');
    assert.match(message, /\/A\/EXO\.app/);
    assert.match(message, /\/home\/u\/Applications\/EXO\.app/);
    assert.match(message, /macmon on PATH \(\/usr\/bin:\/bin\)/);
    assert.match(message, /MACMON_PATH=/);
  });
});
