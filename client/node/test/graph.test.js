'use strict';
// Client.putEdge/getEdge/deleteEdge/incident against a real server.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const { useServer, rejectsWith } = require('../test-support/fixture');

const fixture = useServer({ setup: (db) => db.createSpace('frame', 3) });

function bearsOn(from, to, weight) {
  return {
    kind: 'bears_on', directed: true, weight, properties: { grade: 'S355' },
    endpoints: [
      { space: 'frame', point: from, role: 'beam', polarity: 'POLARITY_TAIL' },
      { space: 'frame', point: to, role: 'column', polarity: 'POLARITY_HEAD' },
    ],
  };
}

test('putEdge assigns an id and getEdge reads the whole edge back', async () => {
  const { db } = fixture;
  const written = await db.putEdge({ ...bearsOn([1, 2, 3], [4, 5, 6], 5),
    payload: 'drawing 7' });
  assert.equal(typeof written.id, 'bigint');
  assert.ok(written.id >= 2n ** 40n, 'an assigned id is node id << 40 | counter');
  const edge = await db.getEdge(written.id);
  assert.equal(edge.id, written.id);
  assert.equal(edge.kind, 'bears_on');
  assert.equal(edge.directed, true);
  assert.equal(edge.weight, 5n);
  assert.deepEqual(edge.properties, { grade: 'S355' });
  assert.equal(edge.payload.toString(), 'drawing 7');
  assert.equal(edge.revision, written.revision);
  assert.deepEqual(edge.endpoints, [
    { space: 'frame', point: [1, 2, 3], role: 'beam', polarity: 'POLARITY_TAIL' },
    { space: 'frame', point: [4, 5, 6], role: 'column', polarity: 'POLARITY_HEAD' },
  ]);
});

test('an edge without weight reads back with weight null', async () => {
  const { db } = fixture;
  const written = await db.putEdge({ kind: 'brace', endpoints: [
    { space: 'frame', point: [1, 2, 3], role: 'end' },
    { space: 'frame', point: [9, 9, 9], role: 'end' },
  ] });
  const edge = await db.getEdge(written.id);
  assert.equal(edge.weight, null);
  assert.equal(edge.directed, false);
  assert.equal(edge.endpoints[0].polarity, 'POLARITY_NEUTRAL');
});

test('weights are int64: negative and beyond 2^53 round-trip', async () => {
  const { db } = fixture;
  for (const weight of [-7, '-9223372036854775808', 2n ** 62n + 1n]) {
    const written = await db.putEdge(bearsOn([3, 3, 3], [4, 4, 4], weight));
    assert.equal((await db.getEdge(written.id)).weight, BigInt(weight));
  }
  await rejectsWith(db.putEdge(bearsOn([3, 3, 3], [4, 4, 4], 2n ** 63n)),
      'INVALID_ARGUMENT', /^edge\.weight:/);
});

test('incident pages through the edges at a node, with a direction filter', async () => {
  const { db } = fixture;
  const hub = [50, 50, 50];
  const ids = [];
  for (let i = 0; i < 7; i++) ids.push((await db.putEdge(bearsOn([i, 0, 0], hub, i))).id);
  ids.push((await db.putEdge(bearsOn(hub, [0, 0, 1], 1))).id);
  const all = await db.incident({ space: 'frame', point: hub }, { pageSize: 3 }).toArray();
  assert.deepEqual(all.map((i) => i.edge.id), ids);
  const incoming = await db.incident({ space: 'frame', point: hub },
      { direction: 'DIRECTION_INCOMING', pageSize: 2 }).toArray();
  assert.equal(incoming.length, 7);
  assert.deepEqual(incoming[0].node, { space: 'frame', point: hub });
  assert.deepEqual(incoming[0].roles, [{ role: 'column', polarity: 'POLARITY_HEAD' }]);
  const outgoing = await db.incident({ space: 'frame', point: hub },
      { direction: 'DIRECTION_OUTGOING' }).toArray();
  assert.deepEqual(outgoing.map((i) => i.edge.id), [ids[7]]);
  const byKind = await db.incident({ space: 'frame', point: hub }, { kinds: ['brace'] })
      .toArray();
  assert.equal(byKind.length, 0);
});

test('deleteEdge hides the edge; ifRevision guards edge writes', async () => {
  const { db } = fixture;
  const written = await db.putEdge(bearsOn([7, 7, 7], [8, 8, 8], 1));
  await rejectsWith(db.putEdge({ ...bearsOn([7, 7, 7], [8, 8, 8], 2), id: written.id },
      { ifRevision: written.revision - 1n }), 'FAILED_PRECONDITION');
  assert.equal((await db.getEdge(written.id)).weight, 1n);
  await db.deleteEdge(written.id, { ifRevision: written.revision });
  assert.equal(await db.getEdge(written.id), null);
  assert.equal((await db.getEdge(written.id, { asOf: written.revision })).weight, 1n);
  await rejectsWith(db.deleteEdge(written.id), 'NOT_FOUND');
});

test('bad edges are INVALID_ARGUMENT naming the field', async () => {
  const { db } = fixture;
  const wrongDims = bearsOn([1, 2, 3], [4, 5], 1);
  await rejectsWith(db.putEdge(wrongDims), 'INVALID_ARGUMENT',
      /edge\.endpoints\[1\]\.point: space 'frame' has 3 dimensions, got 2 coordinates/);
  const badPolarity = bearsOn([1, 2, 3], [4, 5, 6], 1);
  badPolarity.endpoints[0].polarity = 'tail';
  await rejectsWith(db.putEdge(badPolarity), 'INVALID_ARGUMENT',
      /^edge\.endpoints\[0\]\.polarity:/);
  await rejectsWith(db.putEdge({ kind: 'k' }), 'INVALID_ARGUMENT', /^edge\.endpoints:/);
  await rejectsWith(db.incident({ space: 'frame', point: [1, 2, 3] },
      { direction: 'in' }).toArray(), 'INVALID_ARGUMENT', /^direction:/);
});
