'use strict';
// Client.query (paged by the server's resume cursor) and Client.count
// against a real server.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const { useServer, rejectsWith } = require('../test-support/fixture');

const kRecords = 2500;
const kSide = 50;  // the records fill a 50 x 50 square of the space 'grid'

function key(point) {
  return point.join(',');
}

async function fillGrid(db) {
  await db.createSpace('grid', 2);
  for (let start = 0; start < kRecords; start += 500) {
    const mutations = [];
    for (let i = start; i < start + 500; i++) {
      mutations.push({ space: 'grid', point: [i % kSide, Math.floor(i / kSide)],
        value: `r${i}` });
    }
    await db.batch(mutations);
  }
}

const fixture = useServer({ setup: fillGrid });

// Every record of the iteration, checked to appear at most once.
async function collectOnce(results) {
  const seen = new Map();
  for await (const record of results) {
    assert.ok(!seen.has(key(record.point)), `${key(record.point)} came twice`);
    seen.set(key(record.point), record.value.toString());
  }
  return seen;
}

function assertWholeGrid(seen) {
  assert.equal(seen.size, kRecords);
  for (let i = 0; i < kRecords; i++) {
    assert.equal(seen.get(`${i % kSide},${Math.floor(i / kSide)}`), `r${i}`);
  }
}

test('a query larger than one page returns every record exactly once', async () => {
  const results = fixture.db.query('grid', { pageSize: 300 });
  // Count the server calls, to see that the pages come from resumed calls.
  const open = results.open;
  const limits = [];
  results.open = (cursor, limit) => {
    limits.push([cursor.length > 0, limit]);
    return open(cursor, limit);
  };
  assertWholeGrid(await collectOnce(results));
  assert.ok(limits.length >= Math.ceil(kRecords / 300), `${limits.length} calls`);
  assert.deepEqual(limits[0], [false, 300]);
  assert.ok(limits.slice(1).every(([resumed, limit]) => resumed && limit === 300));
});

test('paging also works when the pages divide the result exactly', async () => {
  assertWholeGrid(await collectOnce(fixture.db.query('grid', { pageSize: 500 })));
});

test('the default page size and a single page return everything', async () => {
  assertWholeGrid(await collectOnce(fixture.db.query('grid')));
  assertWholeGrid(await collectOnce(fixture.db.query('grid', { pageSize: 5000 })));
});

test('every page reads the revision of the first', async () => {
  const { db } = fixture;
  const results = db.query('grid', { pageSize: 1000 });
  let count = 0;
  let wroteDuringIteration = false;
  for await (const record of results) {
    count++;
    assert.notEqual(record.value.toString(), 'written during the query');
    if (count === 1500 && !wroteDuringIteration) {
      // Between pages: the cursor pins the first page's revision.
      await db.put('grid', [60, 60], 'written during the query');
      await db.put('grid', [0, 0], 'written during the query');
      wroteDuringIteration = true;
    }
  }
  assert.equal(count, kRecords);
  assert.equal(typeof results.revision, 'bigint');
  await db.delete('grid', [60, 60]);
  await db.put('grid', [0, 0], 'r0');
});

test('a box returns exactly the records inside it', async () => {
  const seen = await collectOnce(fixture.db.query('grid',
      { min: [10, 20], max: [14, 29], pageSize: 7 }));
  assert.equal(seen.size, 50);
  for (const point of seen.keys()) {
    const [x, y] = point.split(',').map(Number);
    assert.ok(x >= 10 && x <= 14 && y >= 20 && y <= 29, point);
  }
});

test('a scope pins the first axes', async () => {
  const seen = await collectOnce(fixture.db.query('grid', { scope: [7] }));
  assert.equal(seen.size, kSide);
  for (const point of seen.keys()) assert.match(point, /^7,/);
});

test('limit bounds the whole iteration across pages', async () => {
  const all = await fixture.db.query('grid', { pageSize: 300, limit: 1000 }).toArray();
  assert.equal(all.length, 1000);
  assert.equal(new Set(all.map((r) => key(r.point))).size, 1000);
});

test('leaving the loop early cancels the stream; the client goes on working', async () => {
  const { db } = fixture;
  let taken = 0;
  for await (const record of db.query('grid', { pageSize: 2000 })) {
    assert.ok(record);
    if (++taken === 10) break;
  }
  assert.equal(taken, 10);
  assert.equal(await db.count('grid'), BigInt(kRecords));
});

test('asOf and branch select what a query reads', async () => {
  const { db } = fixture;
  const before = (await db.status()).revision;
  await db.put('grid', [70, 70], 'later');
  await db.createBranch('query-branch');
  await db.put('grid', [71, 71], 'branch only', { branch: 'query-branch' });
  const box = { min: [70, 70], max: [71, 71] };
  assert.equal((await db.query('grid', { ...box, asOf: before }).toArray()).length, 0);
  assert.deepEqual((await db.query('grid', box).toArray()).map((r) => r.point),
      [[70, 70]]);
  const onBranch = await db.query('grid', { ...box, branch: 'query-branch' }).toArray();
  assert.deepEqual(onBranch.map((r) => key(r.point)).sort(), ['70,70', '71,71']);
  await db.delete('grid', [70, 70]);
});

test('count counts what query returns, as a BigInt', async () => {
  const { db } = fixture;
  assert.equal(await db.count('grid'), 2500n);
  assert.equal(await db.count('grid', { min: [0, 0], max: [9, 9] }), 100n);
  assert.equal(await db.count('grid', { scope: [3] }), 50n);
});

test('query errors reject the iteration', async () => {
  const { db } = fixture;
  await rejectsWith(db.query('no-such-space').toArray(), 'NOT_FOUND');
  await rejectsWith(db.query('grid', { min: [0, 0, 0], max: [1, 1, 1] }).toArray(),
      'INVALID_ARGUMENT');
  await rejectsWith(db.query('grid', { min: [0, 0] }).toArray(), 'INVALID_ARGUMENT', /^max:/);
  await rejectsWith(db.query('grid', { pageSize: 0 }).toArray(), 'INVALID_ARGUMENT',
      /^pageSize:/);
  await rejectsWith(db.count('grid', { scope: [1], min: [0, 0], max: [1, 1] }),
      'INVALID_ARGUMENT', /^scope:/);
});
