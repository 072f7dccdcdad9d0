'use strict';
// Client.createSpace/getSpace/listSpaces/dropSpace against a real server.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const { useServer, rejectsWith } = require('../test-support/fixture');

const fixture = useServer();

test('createSpace returns the space and getSpace reads it back', async () => {
  const { db } = fixture;
  const created = await db.createSpace('loads', 3);
  assert.equal(created.name, 'loads');
  assert.equal(created.dims, 3);
  assert.equal(typeof created.createdRevision, 'bigint');
  assert.deepEqual(await db.getSpace('loads'), created);
});

test('listSpaces is sorted by name', async () => {
  const { db } = fixture;
  await db.createSpace('b-space', 1);
  await db.createSpace('a-space', 16);
  const names = (await db.listSpaces()).map((s) => s.name);
  assert.deepEqual(names.filter((n) => n.endsWith('-space')), ['a-space', 'b-space']);
});

test('creating a taken name is ALREADY_EXISTS', async () => {
  await fixture.db.createSpace('taken', 2);
  await rejectsWith(fixture.db.createSpace('taken', 2), 'ALREADY_EXISTS');
});

test('dims outside 1..16 is INVALID_ARGUMENT from the server', async () => {
  await rejectsWith(fixture.db.createSpace('zero', 0), 'INVALID_ARGUMENT');
  await rejectsWith(fixture.db.createSpace('many', 17), 'INVALID_ARGUMENT');
});

test('dims beyond uint32 is refused before sending, not wrapped', async () => {
  // protobufjs would send 4294967298 as 2, a valid dims.
  await rejectsWith(fixture.db.createSpace('wrapped', 4294967298),
      'INVALID_ARGUMENT', /^dims:/);
  await rejectsWith(fixture.db.getSpace('wrapped'), 'NOT_FOUND');
});

test('dropSpace removes the space; dropping it again is NOT_FOUND', async () => {
  const { db } = fixture;
  await db.createSpace('doomed', 1);
  await db.put('doomed', [7], 'x');
  await db.dropSpace('doomed');
  await rejectsWith(db.getSpace('doomed'), 'NOT_FOUND');
  await rejectsWith(db.dropSpace('doomed'), 'NOT_FOUND');
});
