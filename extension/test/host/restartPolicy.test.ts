import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { RestartPolicy } from '../../src/host/restartPolicy';

test('restart policy: 3 restarts within 3 minutes, then none until the window slides', () => {
  const p = new RestartPolicy(3, 180_000);
  assert.equal(p.onCrash(0), true);
  assert.equal(p.onCrash(10_000), true);
  assert.equal(p.onCrash(20_000), true);
  assert.equal(p.recent(20_000), 3);
  assert.equal(p.onCrash(30_000), false, 'a 4th crash within the window is not restarted');
  assert.equal(p.onCrash(179_999), false);
  assert.equal(p.onCrash(180_000), true, 'the first crash left the window');
  assert.equal(p.recent(180_000), 3);
  assert.equal(p.onCrash(185_000), false);
  assert.equal(p.onCrash(500_000), true);
  assert.equal(p.recent(500_000), 1);
});

test('restart policy: a manual restart resets the count; zero means never', () => {
  const p = new RestartPolicy(1, 60_000);
  assert.equal(p.onCrash(0), true);
  assert.equal(p.onCrash(1), false);
  p.reset();
  assert.equal(p.onCrash(2), true);
  const never = new RestartPolicy(0, 1000);
  assert.equal(never.onCrash(0), false);
  assert.throws(() => new RestartPolicy(-1, 1000));
  assert.throws(() => new RestartPolicy(1, 0));
});
