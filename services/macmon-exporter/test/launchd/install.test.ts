// install.sh / uninstall.sh with stand-in launchctl and codesign on PATH.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createSandbox, LABEL } from './standins.ts';

const mutating = (calls: string[]) =>
  calls.filter((c) => /^codesign --force|^launchctl (bootout|bootstrap)/.test(c));

describe('install.sh', () => {
  it('leaves a signed node alone', (t) => {
    const sandbox = createSandbox();
    t.after(sandbox.cleanup);
    sandbox.sign(
      sandbox.node,
      'Identifier=org.nodejs.node\nAuthority=Developer ID Application: Node.js Foundation\n',
    );

    const { status, stdout, stderr } = sandbox.run('install.sh');
    assert.equal(status, 0, stderr);
    assert.match(stdout, /node: .*bin\/node \(v24\.22\.0\)/);
    assert.match(stdout, /signature: present, left alone/);
    assert.deepEqual(mutating(sandbox.calls()), [
      `launchctl bootstrap gui/${process.getuid!()} ${sandbox.plist}`,
    ]);
    assert.ok(existsSync(sandbox.plist));
  });

  it('signs an unsigned node once; a second run changes nothing', (t) => {
    const sandbox = createSandbox();
    t.after(sandbox.cleanup);

    assert.equal(sandbox.run('install.sh').status, 0);
    assert.deepEqual(mutating(sandbox.calls()), [
      `codesign --force --sign - ${sandbox.node}`,
      `launchctl bootstrap gui/${process.getuid!()} ${sandbox.plist}`,
    ]);
    const firstPlist = readFileSync(sandbox.plist, 'utf8');

    const before = sandbox.calls().length;
    const second = sandbox.run('install.sh');
    assert.equal(second.status, 0);
    assert.deepEqual(mutating(sandbox.calls().slice(before)), []);
    assert.match(second.stdout, /signature: present, left alone/);
    assert.match(second.stdout, /nothing to do/);
    assert.equal(readFileSync(sandbox.plist, 'utf8'), firstPlist);
  });

  it('re-signs a linker-only signature (no identifier to grant)', (t) => {
    const sandbox = createSandbox();
    t.after(sandbox.cleanup);
    sandbox.sign(
      sandbox.node,
      'Identifier=-\nCodeDirectory v=20400 flags=0x20002(adhoc,linker-signed)\n',
    );

    sandbox.run('install.sh');
    assert.equal(mutating(sandbox.calls()).filter((c) => c.startsWith('codesign')).length, 1);
  });

  it('a changed plist for a loaded agent: bootout precedes bootstrap', (t) => {
    const sandbox = createSandbox();
    t.after(sandbox.cleanup);
    sandbox.sign(sandbox.node, 'Identifier=node\nSignature=adhoc\n');
    sandbox.run('install.sh');
    const before = sandbox.calls().length;

    sandbox.run('install.sh', [], { LAB_HOST_NAME: 'renamed' });
    const uid = process.getuid!();
    assert.deepEqual(mutating(sandbox.calls().slice(before)), [
      `launchctl bootout gui/${uid}/${LABEL}`,
      `launchctl bootstrap gui/${uid} ${sandbox.plist}`,
    ]);
    assert.match(readFileSync(sandbox.plist, 'utf8'), /renamed/);
  });

  it('--dry-run writes, signs and loads nothing but says what it would do', (t) => {
    const sandbox = createSandbox();
    t.after(sandbox.cleanup);
    sandbox.setLoaded();

    const { status, stdout } = sandbox.run('install.sh', ['--dry-run']);
    assert.equal(status, 0);
    assert.deepEqual(mutating(sandbox.calls()), []);
    assert.equal(existsSync(sandbox.plist), false);
    assert.match(stdout, /would run: codesign --force --sign - /);
    assert.ok(
      stdout.indexOf('would run: launchctl bootout') <
        stdout.indexOf('would run: launchctl bootstrap'),
    );
  });

  it('warns when node comes from Homebrew (each upgrade resets the Local Network grant)', (t) => {
    const sandbox = createSandbox('opt/homebrew/Cellar/node/24.22.0/bin/node');
    t.after(sandbox.cleanup);

    const { stderr } = sandbox.run('install.sh', ['--dry-run']);
    assert.match(stderr, /Homebrew/);
    assert.match(stderr, /Local Network grant/);
  });
});

describe('uninstall.sh', () => {
  it('boots the agent out and removes the plist', (t) => {
    const sandbox = createSandbox();
    t.after(sandbox.cleanup);
    sandbox.sign(sandbox.node, 'Identifier=node\n');
    sandbox.run('install.sh');
    const before = sandbox.calls().length;

    assert.equal(sandbox.run('uninstall.sh').status, 0);
    assert.deepEqual(mutating(sandbox.calls().slice(before)), [
      `launchctl bootout gui/${process.getuid!()}/${LABEL}`,
    ]);
    assert.equal(existsSync(sandbox.plist), false);
    assert.equal(sandbox.run('uninstall.sh').status, 0, 'a second run is harmless');
  });
});
