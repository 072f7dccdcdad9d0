'use strict';
// Client.createBranch/listBranches/dropBranch/diff/merge/abortMerge against
// a real server.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const { useServer, rejectsWith } = require('../test-support/fixture');

async function setup(db) {
  await db.createSpace('plate', 2);
  await db.put('plate', [1, 1], 'a');
  await db.put('plate', [2, 2], 'b');
}

const fixture = useServer({ setup });

test('createBranch forks main and listBranches shows it', async () => {
  const { db } = fixture;
  const branch = await db.createBranch('option-b');
  assert.equal(branch.name, 'option-b');
  assert.equal(branch.parent, 'main');
  assert.equal(typeof branch.forkRevision, 'bigint');
  assert.ok(branch.forkHlc > 0n);
  const listed = await db.listBranches();
  assert.deepEqual(listed.map((b) => b.name), ['main', 'option-b']);
  const child = await db.createBranch('option-b2', { parent: 'option-b' });
  assert.equal(child.parent, 'option-b');
  await rejectsWith(db.createBranch('option-b'), 'ALREADY_EXISTS');
  await rejectsWith(db.createBranch('x', { parent: 'missing' }), 'NOT_FOUND');
  await db.dropBranch('option-b2');
});

test('diff lists added, modified and removed addresses, paged', async () => {
  const { db } = fixture;
  await db.put('plate', [1, 1], 'a2', { branch: 'option-b' });
  await db.delete('plate', [2, 2], { branch: 'option-b' });
  for (let x = 4; x < 9; x++) await db.put('plate', [x, x], `n${x}`, { branch: 'option-b' });
  const diff = db.diff('main', 'option-b', { pageSize: 2 });
  const entries = await diff.toArray();
  const byPoint = new Map(entries.map((e) => [e.point.join(','), e]));
  assert.equal(entries.length, 7);
  assert.equal(byPoint.size, 7);
  assert.equal(byPoint.get('1,1').kind, 'CHANGE_MODIFIED');
  assert.equal(byPoint.get('1,1').before.value.toString(), 'a');
  assert.equal(byPoint.get('1,1').after.value.toString(), 'a2');
  assert.equal(byPoint.get('2,2').kind, 'CHANGE_REMOVED');
  assert.equal(byPoint.get('2,2').after, null);
  assert.equal(byPoint.get('5,5').kind, 'CHANGE_ADDED');
  assert.equal(byPoint.get('5,5').before, null);
  assert.equal(typeof diff.revision, 'bigint');
});

test('diff can be restricted to a box and to an older revision', async () => {
  const { db } = fixture;
  const inBox = await db.diff('main', 'option-b',
      { space: 'plate', min: [0, 0], max: [4, 4] }).toArray();
  assert.deepEqual(inBox.map((e) => e.point.join(',')).sort(), ['1,1', '2,2', '4,4']);
  const head = (await db.status()).revision;
  await db.put('plate', [3, 3], 'c');
  const mainChanges = await db.diff({ branch: 'main', asOf: head }, 'main').toArray();
  assert.deepEqual(mainChanges.map((e) => [e.kind, e.point]),
      [['CHANGE_ADDED', [3, 3]]]);
});

test('merge applies the branch to main', async () => {
  const { db } = fixture;
  const result = await db.merge('option-b');
  assert.equal(result.inProgress, false);
  assert.equal(result.conflicts, 0n);
  assert.ok(result.taken >= 7n, `taken ${result.taken}`);
  assert.equal(typeof result.stamp.revision, 'bigint');
  assert.equal((await db.get('plate', [1, 1])).value.toString(), 'a2');
  assert.equal(await db.get('plate', [2, 2]), null);
  assert.equal((await db.get('plate', [3, 3])).value.toString(), 'c');
});

test('a conflicting merge stays in progress until aborted', async () => {
  const { db } = fixture;
  await db.createBranch('rival');
  await db.put('plate', [1, 1], 'main edit');
  await db.put('plate', [1, 1], 'rival edit', { branch: 'rival' });
  const result = await db.merge('rival');
  assert.equal(result.inProgress, true);
  assert.equal(result.conflicts, 1n);
  const [conflict] = result.conflictSample;
  assert.equal(conflict.kind, 'CONFLICT_BOTH_MODIFIED');
  assert.deepEqual(conflict.point, [1, 1]);
  assert.equal(conflict.ours.value.toString(), 'main edit');
  assert.equal(conflict.theirs.value.toString(), 'rival edit');
  assert.equal(conflict.resolution, 'RESOLUTION_UNRESOLVED');
  await rejectsWith(db.dropBranch('rival'), 'FAILED_PRECONDITION');
  await db.abortMerge('main');
  assert.equal((await db.get('plate', [1, 1])).value.toString(), 'main edit');
  const preferred = await db.merge('rival', { strategy: 'MERGE_PREFER_SOURCE' });
  assert.equal(preferred.inProgress, false);
  assert.equal((await db.get('plate', [1, 1])).value.toString(), 'rival edit');
});

test('a mistyped strategy is refused before sending', async () => {
  await rejectsWith(fixture.db.merge('rival', { strategy: 'MERGE_PREFER_SORCE' }),
      'INVALID_ARGUMENT', /^strategy:/);
});

test('dropBranch removes a branch; main cannot be dropped', async () => {
  const { db } = fixture;
  await db.dropBranch('rival');
  assert.ok(!(await db.listBranches()).some((b) => b.name === 'rival'));
  await rejectsWith(db.dropBranch('main'), 'FAILED_PRECONDITION');
});
