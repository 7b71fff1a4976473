import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseMacmonArgs } from '../../src/macmon/args.ts';

it('accepts the real CLI forms: pipe/raw, -i/--interval before or after, -s, --soc-info', () => {
  assert.deepEqual(parseMacmonArgs(['pipe', '-i', '500', '-s', '2', '--soc-info']), {
    kind: 'pipe',
    args: { intervalMs: 500, samples: 2, socInfo: true },
  });
  assert.deepEqual(parseMacmonArgs(['-i', '250', 'raw']), {
    kind: 'pipe',
    args: { intervalMs: 250, samples: 0, socInfo: false },
  });
  assert.deepEqual(parseMacmonArgs(['pipe', '--interval=2000', '--samples=1']), {
    kind: 'pipe',
    args: { intervalMs: 2000, samples: 1, socInfo: false },
  });
});

it('defaults to 1000 ms and clamps below 100 ms like macmon', () => {
  assert.deepEqual(parseMacmonArgs(['pipe']), {
    kind: 'pipe',
    args: { intervalMs: 1000, samples: 0, socInfo: false },
  });
  assert.deepEqual(parseMacmonArgs(['pipe', '-i', '50']), {
    kind: 'pipe',
    args: { intervalMs: 100, samples: 0, socInfo: false },
  });
});

it('rejects what clap rejects: a float interval, unknown flags, no subcommand', () => {
  assert.equal(parseMacmonArgs(['pipe', '--interval', '1000.0']).kind, 'error');
  assert.equal(parseMacmonArgs(['pipe', '--bogus']).kind, 'error');
  assert.equal(parseMacmonArgs(['-i', '100']).kind, 'error');
  assert.deepEqual(parseMacmonArgs(['--version']), { kind: 'version' });
});
