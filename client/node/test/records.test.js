'use strict';
// Client.put/get/delete/history/batch, with branches and ifRevision, against
// a real server.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const { useServer, rejectsWith } = require('../test-support/fixture');

const fixture = useServer({ setup: (db) => db.createSpace('loads', 3) });

test('put returns a stamp of BigInts and get reads the value back', async () => {
  const { db } = fixture;
  const stamp = await db.put('loads', [42, 3, 0], '12.5 kN');
  assert.equal(typeof stamp.revision, 'bigint');
  assert.equal(typeof stamp.hlc, 'bigint');
  assert.equal(stamp.origin, 1);
  const record = await db.get('loads', [42, 3, 0]);
  assert.deepEqual(record.point, [42, 3, 0]);
  assert.ok(Buffer.isBuffer(record.value));
  assert.equal(record.value.toString('utf8'), '12.5 kN');
  assert.equal(record.revision, stamp.revision);
  assert.equal(record.hlc, stamp.hlc);
  assert.equal(record.deleted, false);
});

test('values may be Buffer, Uint8Array, ArrayBuffer, UTF-8 string or empty', async () => {
  const { db } = fixture;
  const inputs = [Buffer.from([0, 255, 1]), new Uint8Array([9, 8, 7]),
    new Uint8Array([5, 6]).buffer, 'kräfte ✓', ''];
  const expected = [Buffer.from([0, 255, 1]), Buffer.from([9, 8, 7]),
    Buffer.from([5, 6]), Buffer.from('kräfte ✓', 'utf8'), Buffer.alloc(0)];
  for (let i = 0; i < inputs.length; i++) {
    await db.put('loads', [100, i, 0], inputs[i]);
    const record = await db.get('loads', [100, i, 0]);
    assert.deepEqual(record.value, expected[i], `input ${i}`);
  }
});

test('get of an address without a live version is null', async () => {
  assert.equal(await fixture.db.get('loads', [9, 9, 9]), null);
});

test('get asOf reads the version current at that revision', async () => {
  const { db } = fixture;
  const first = await db.put('loads', [1, 1, 1], 'v1');
  await db.put('loads', [1, 1, 1], 'v2');
  assert.equal((await db.get('loads', [1, 1, 1], { asOf: first.revision }))
      .value.toString(), 'v1');
  assert.equal((await db.get('loads', [1, 1, 1])).value.toString(), 'v2');
});

test('asOf beyond the newest revision is OUT_OF_RANGE', async () => {
  await rejectsWith(fixture.db.get('loads', [1, 1, 1], { asOf: 10n ** 12n }),
      'OUT_OF_RANGE');
});

test('delete hides the address; history lists every version newest first', async () => {
  const { db } = fixture;
  const put = await db.put('loads', [2, 2, 2], 'a');
  const deleted = await db.delete('loads', [2, 2, 2]);
  assert.ok(deleted.revision > put.revision);
  assert.equal(await db.get('loads', [2, 2, 2]), null);
  const versions = await db.history('loads', [2, 2, 2]);
  assert.deepEqual(versions.map((v) => [v.revision, v.deleted]),
      [[deleted.revision, true], [put.revision, false]]);
  assert.equal(versions[0].value.length, 0);
});

test('ifRevision matching the current revision writes', async () => {
  const { db } = fixture;
  const first = await db.put('loads', [3, 3, 3], 'a', { ifRevision: 0 });
  const second = await db.put('loads', [3, 3, 3], 'b', { ifRevision: first.revision });
  assert.equal((await db.get('loads', [3, 3, 3])).revision, second.revision);
  await db.delete('loads', [3, 3, 3], { ifRevision: String(second.revision) });
  assert.equal(await db.get('loads', [3, 3, 3]), null);
});

test('a failed ifRevision is FAILED_PRECONDITION and writes nothing', async () => {
  const { db } = fixture;
  const current = await db.put('loads', [4, 4, 4], 'original');
  const stale = current.revision - 1n;
  const before = await db.status();
  await rejectsWith(db.put('loads', [4, 4, 4], 'lost', { ifRevision: stale }),
      'FAILED_PRECONDITION', new RegExp(`is ${current.revision}, not ${stale}`));
  await rejectsWith(db.put('loads', [4, 4, 4], 'lost', { ifRevision: 0 }),
      'FAILED_PRECONDITION');
  await rejectsWith(db.delete('loads', [4, 4, 4], { ifRevision: stale }),
      'FAILED_PRECONDITION');
  const record = await db.get('loads', [4, 4, 4]);
  assert.equal(record.value.toString(), 'original');
  assert.equal(record.revision, current.revision);
  assert.equal((await db.history('loads', [4, 4, 4])).length, 1);
  assert.equal((await db.status()).revision, before.revision);
});

test('batch writes puts and deletes as one revision', async () => {
  const { db } = fixture;
  await db.put('loads', [5, 0, 0], 'to delete');
  const stamp = await db.batch([
    { space: 'loads', point: [5, 1, 0], value: 'one' },
    { space: 'loads', point: [5, 2, 0], value: '' },
    { space: 'loads', point: [5, 0, 0], delete: true },
  ]);
  assert.equal((await db.get('loads', [5, 1, 0])).revision, stamp.revision);
  const empty = await db.get('loads', [5, 2, 0]);
  assert.equal(empty.revision, stamp.revision);
  assert.equal(empty.value.length, 0);
  assert.equal(await db.get('loads', [5, 0, 0]), null);
});

test('one failed precondition fails the whole batch and writes nothing', async () => {
  const { db } = fixture;
  const existing = await db.put('loads', [6, 0, 0], 'kept');
  await rejectsWith(db.batch([
    { space: 'loads', point: [6, 1, 0], value: 'not written' },
    { space: 'loads', point: [6, 0, 0], value: 'x', ifRevision: existing.revision + 100n },
  ]), 'FAILED_PRECONDITION');
  assert.equal(await db.get('loads', [6, 1, 0]), null);
  assert.equal((await db.get('loads', [6, 0, 0])).value.toString(), 'kept');
});

test('writes on a branch are not seen on main', async () => {
  const { db } = fixture;
  await db.put('loads', [7, 0, 0], 'main value');
  await db.createBranch('records-branch');
  await db.put('loads', [7, 0, 0], 'branch value', { branch: 'records-branch' });
  assert.equal((await db.get('loads', [7, 0, 0])).value.toString(), 'main value');
  assert.equal((await db.get('loads', [7, 0, 0], { branch: 'records-branch' }))
      .value.toString(), 'branch value');
  await rejectsWith(db.put('loads', [7, 0, 0], 'x', { branch: 'no-such-branch' }),
      'NOT_FOUND');
});

test('a point with the wrong number of coordinates is INVALID_ARGUMENT', async () => {
  const { db } = fixture;
  await rejectsWith(db.put('loads', [1, 2], 'x'), 'INVALID_ARGUMENT',
      /point: space 'loads' has 3 dimensions, got 2 coordinates/);
  await rejectsWith(db.get('loads', [1, 2, 3, 4]), 'INVALID_ARGUMENT', /point/);
  await rejectsWith(db.batch([{ space: 'loads', point: [1], value: 'x' }]),
      'INVALID_ARGUMENT', /mutations\[0\]\.point/);
});

test('coordinates that are not uint32 integers are refused before sending', async () => {
  const { db } = fixture;
  for (const bad of [[1, 2, 1.5], [1, 2, -1], [1, 2, 2 ** 32], [1, '2', 3]]) {
    await rejectsWith(db.put('loads', bad, 'x'), 'INVALID_ARGUMENT', /^point\[/);
  }
  await rejectsWith(db.put('loads', '1,2,3', 'x'), 'INVALID_ARGUMENT', /^point:/);
  // 2^32 would have been sent as 0: nothing was written there.
  assert.equal(await db.get('loads', [1, 2, 0]), null);
});

test('bad values, preconditions and mutations are refused before sending', async () => {
  const { db } = fixture;
  await rejectsWith(db.put('loads', [1, 2, 3], 42), 'INVALID_ARGUMENT', /^value:/);
  await rejectsWith(db.put('loads', [1, 2, 3], 'x', { ifRevision: -1 }),
      'INVALID_ARGUMENT', /^ifRevision:/);
  await rejectsWith(db.put('loads', [1, 2, 3], 'x', { ifRevision: 2 ** 53 }),
      'INVALID_ARGUMENT', /safe integer/);
  await rejectsWith(db.batch([]), 'INVALID_ARGUMENT', /^mutations:/);
  await rejectsWith(db.batch([{ space: 'loads', point: [1, 2, 3] }]),
      'INVALID_ARGUMENT', /^mutations\[0\]:/);
});

test('an unknown space is NOT_FOUND', async () => {
  await rejectsWith(fixture.db.put('nowhere', [1], 'x'), 'NOT_FOUND');
});
