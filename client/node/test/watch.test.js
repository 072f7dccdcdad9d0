'use strict';
// Client.watch, over Replication.Subscribe, against a real server.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const { Client } = require('..');
const { useServer, rejectsWith } = require('../test-support/fixture');
const { startServer } = require('../test-support/server');

async function setup(db) {
  await db.createSpace('sensors', 1);
  await db.createSpace('other', 1);
}

const fixture = useServer({ setup });

// The next change set of `iterator`, or a failure after `ms`.
function nextWithin(iterator, ms = 5000) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no change within ${ms} ms`)), ms);
  });
  return Promise.race([iterator.next(), timeout]).finally(() => clearTimeout(timer));
}

test('watch yields a change made after it started', async () => {
  const { db } = fixture;
  const start = (await db.status()).revision;
  const watch = db.watch({ afterRevision: start });
  const iterator = watch[Symbol.asyncIterator]();
  // Longer than a heartbeat interval, which must not end up as a change.
  await new Promise((resolve) => setTimeout(resolve, 1200));
  const stamp = await db.put('sensors', [17], '21.5 C');
  const { value: change, done } = await nextWithin(iterator);
  assert.equal(done, false);
  assert.equal(change.revision, stamp.revision);
  assert.deepEqual(change.ops, [{ branch: 'main', space: 'sensors', point: [17],
    deleted: false, value: Buffer.from('21.5 C'), hlc: stamp.hlc, origin: 1 }]);
  watch.close();
  assert.deepEqual(await iterator.next(), { value: undefined, done: true });
});

test('watch filters by space and branch and starts after afterRevision', async () => {
  const { db } = fixture;
  const start = (await db.status()).revision;
  await db.put('other', [1], 'filtered out');
  const kept = await db.put('sensors', [1], 'kept');
  await db.createBranch('watch-branch');
  await db.put('sensors', [2], 'on a branch', { branch: 'watch-branch' });
  const deleted = await db.delete('sensors', [1]);
  const watch = db.watch({ afterRevision: start, spaces: ['sensors'], branches: ['main'] });
  const iterator = watch[Symbol.asyncIterator]();
  const first = (await nextWithin(iterator)).value;
  const second = (await nextWithin(iterator)).value;
  watch.close();
  assert.equal(first.revision, kept.revision);
  assert.equal(second.revision, deleted.revision);
  assert.equal(second.ops[0].deleted, true);
  assert.equal(second.ops[0].value.length, 0);
});

test('a batch arrives as one change set', async () => {
  const { db } = fixture;
  const start = (await db.status()).revision;
  const stamp = await db.batch([
    { space: 'sensors', point: [30], value: 'a' },
    { space: 'sensors', point: [31], value: 'b' },
  ]);
  const watch = db.watch({ afterRevision: start });
  for await (const change of watch) {
    assert.equal(change.revision, stamp.revision);
    assert.deepEqual(change.ops.map((op) => op.point), [[30], [31]]);
    break;  // leaving the loop ends the watch
  }
  assert.equal(watch.closed, true);
});

test('an AbortSignal and Client.close end a watch without error', async () => {
  const { db } = fixture;
  const controller = new AbortController();
  const watch = db.watch({ afterRevision: (await db.status()).revision,
    signal: controller.signal });
  const pending = watch[Symbol.asyncIterator]().next();
  setTimeout(() => controller.abort(), 100);
  assert.deepEqual(await pending, { value: undefined, done: true });

  const second = new Client(fixture.endpoint);
  const open = second.watch({ afterRevision: (await second.status()).revision });
  const waiting = open[Symbol.asyncIterator]().next();
  setTimeout(() => second.close(), 100);
  assert.deepEqual(await waiting, { value: undefined, done: true });
  await rejectsWith(second.status(), 'CANCELLED');
});

test('afterRevision beyond the server revision rejects the iteration', async () => {
  const { db } = fixture;
  const watch = db.watch({ afterRevision: 10n ** 15n });
  await rejectsWith(watch[Symbol.asyncIterator]().next(), 'OUT_OF_RANGE');
  const bad = db.watch({ afterRevision: -1 });
  await rejectsWith(bad[Symbol.asyncIterator]().next(), 'INVALID_ARGUMENT',
      /^afterRevision:/);
});

test('a watch open while the server stops rejects with UNAVAILABLE', async () => {
  const own = await startServer();
  const db = new Client(own.endpoint);
  try {
    await db.createSpace('live', 1);
    const stamp = await db.put('live', [1], 'x');
    const watch = db.watch({ afterRevision: stamp.revision - 1n });
    const iterator = watch[Symbol.asyncIterator]();
    // A first change shows the stream is being served before the stop.
    assert.equal((await nextWithin(iterator)).value.revision, stamp.revision);
    const pending = iterator.next();
    const stopped = own.stop();
    await rejectsWith(pending, 'UNAVAILABLE');
    assert.equal((await stopped).code, 0);
  } finally {
    db.close();
    await own.stop();
  }
});
