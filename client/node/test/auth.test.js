'use strict';
// Auth through the Node client against a real server: users, roles and
// grants; enableAuth; calls without a token are UNAUTHENTICATED;
// authenticate() makes every later call carry the token, including
// streams; a missing grant is PERMISSION_DENIED; bad input is refused
// before sending.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const { Client } = require('..');
const { useServer, rejectsWith } = require('../test-support/fixture');

const fixture = useServer();

test('users, roles, grants and tokens', async () => {
  const { db, endpoint } = fixture;
  await db.addUser('root', 'root-password');
  await db.addUser('alice', 'alice-password');
  await db.addUser('robot');
  await db.addRole('reader');
  await db.grantPermission('reader', { permission: 'READ', space: 'loads' });
  await db.grantPermission('reader', { permission: 'write', space: 'site-*', branch: 'main' });
  await db.grantRole('alice', 'reader');
  await db.createSpace('loads', 2);
  await db.put('loads', [1, 2], 'beam');
  assert.deepEqual(await db.listUsers(), [
    { name: 'alice', roles: ['reader'], hasPassword: true },
    { name: 'robot', roles: [], hasPassword: false },
    { name: 'root', roles: [], hasPassword: true },
  ]);
  assert.deepEqual(await db.listRoles(), [{
    name: 'reader',
    grants: [
      { permission: 'READ', space: 'loads', branch: '' },
      { permission: 'WRITE', space: 'site-*', branch: 'main' },
    ],
  }]);
  await db.enableAuth();
  assert.deepEqual(await db.authStatus(), { enabled: true, user: '', method: '' });
  await rejectsWith(db.listSpaces(), 'UNAUTHENTICATED');

  const alice = new Client(endpoint, { timeoutMs: 15000 });
  try {
    await rejectsWith(alice.authenticate('alice', 'wrong-password'), 'UNAUTHENTICATED');
    const { expiresUnix } = await alice.authenticate('alice', 'alice-password');
    assert.equal(typeof expiresUnix, 'bigint');
    assert.ok(expiresUnix > BigInt(Math.floor(Date.now() / 1000)));
    assert.deepEqual(await alice.authStatus(), { enabled: true, user: 'alice', method: 'token' });
    assert.equal((await alice.get('loads', [1, 2])).value.toString(), 'beam');
    const records = await alice.query('loads', { min: [0, 0], max: [9, 9] }).toArray();
    assert.equal(records.length, 1);
    await rejectsWith(alice.put('loads', [1, 2], 'x'), 'PERMISSION_DENIED',
        /user 'alice' lacks write on space 'loads'/);
    await rejectsWith(alice.listUsers(), 'PERMISSION_DENIED');

    await db.authenticate('root', 'root-password');
    await db.revokePermission('reader', { permission: 'READ', space: 'loads' });
    await rejectsWith(alice.get('loads', [1, 2]), 'PERMISSION_DENIED');
    await db.changePassword('alice', 'new-password');
    await rejectsWith(alice.listSpaces(), 'UNAUTHENTICATED');
    await db.revokeRole('alice', 'reader');
    await db.deleteRole('reader');
    await db.deleteUser('robot');
    assert.deepEqual((await db.listUsers()).map((u) => u.name), ['alice', 'root']);
    await db.disableAuth();
    assert.equal((await alice.authStatus()).enabled, false);
  } finally {
    alice.close();
  }
});

test('bad input is refused before sending', async () => {
  const { db } = fixture;
  await rejectsWith(db.grantPermission('r', { permission: 'EXECUTE', space: 's' }),
      'INVALID_ARGUMENT', /^grant\.permission:/);
  await rejectsWith(db.grantPermission('r', null), 'INVALID_ARGUMENT', /^grant:/);
  await rejectsWith(db.authenticate(7, 'x'), 'INVALID_ARGUMENT', /^user:/);
  await rejectsWith(db.addUser('x', 42), 'INVALID_ARGUMENT', /^password:/);
});
