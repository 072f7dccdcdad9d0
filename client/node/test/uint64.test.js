'use strict';
// 64-bit integers (revisions, HLCs, ids) cross the wrapper losslessly: out
// as BigInt, in as a number, BigInt or decimal string, including values
// above 2^53 that a JavaScript Number would round.

const assert = require('node:assert/strict');
const { test } = require('node:test');
const encode = require('../lib/encode');
const decode = require('../lib/decode');
const { useServer, rejectsWith } = require('../test-support/fixture');

const fixture = useServer({ setup: (db) => db.createSpace('wide', 1) });

const kAbove2To53 = 2n ** 53n + 1n;  // 9007199254740993, no Number has it
const kUint64Max = 2n ** 64n - 1n;

test('decoded 64-bit fields are exact BigInts, even above 2^53', () => {
  const stamp = decode.stamp({ revision: String(kAbove2To53),
    hlc: String(kUint64Max), origin: 7 });
  assert.deepEqual(stamp, { revision: kAbove2To53, hlc: kUint64Max, origin: 7 });
});

test('uint64 inputs may be numbers, BigInts or decimal strings', () => {
  assert.equal(encode.uint64(12, 'f'), '12');
  assert.equal(encode.uint64(kAbove2To53, 'f'), '9007199254740993');
  assert.equal(encode.uint64('18446744073709551615', 'f'), String(kUint64Max));
});

test('lossy or out-of-range uint64 inputs are INVALID_ARGUMENT', () => {
  for (const bad of [2 ** 53, 1.5, -1, -1n, kUint64Max + 1n, '0x10', '', null, {}]) {
    assert.throws(() => encode.uint64(bad, 'asOf'),
        (e) => e.code === 'INVALID_ARGUMENT' && e.details.startsWith('asOf:'),
        String(bad));
  }
});

test('server revisions and HLCs are BigInts', async () => {
  const { db } = fixture;
  const stamp = await db.put('wide', [1], 'x');
  assert.equal(typeof stamp.revision, 'bigint');
  assert.equal(typeof stamp.hlc, 'bigint');
  // An HLC is milliseconds << 16: far above 2^53, so a Number would round it.
  assert.ok(stamp.hlc > 2n ** 53n);
  const record = await db.get('wide', [1]);
  assert.equal(record.hlc, stamp.hlc);
  const [change] = await firstChange(db, stamp.revision - 1n);
  assert.equal(change.ops[0].hlc, stamp.hlc);
});

async function firstChange(db, afterRevision) {
  const watch = db.watch({ afterRevision, spaces: ['wide'] });
  for await (const change of watch) {
    watch.close();
    return [change];
  }
  return [];
}

test('a revision above 2^53 reaches the server exactly', async () => {
  const { db } = fixture;
  const stamp = await db.put('wide', [2], 'x');
  // The server's message quotes the revision it received.
  await rejectsWith(db.put('wide', [2], 'y', { ifRevision: kAbove2To53 }),
      'FAILED_PRECONDITION', new RegExp(`is ${stamp.revision}, not ${kAbove2To53}\\b`));
  await rejectsWith(db.put('wide', [2], 'y', { ifRevision: String(kUint64Max) }),
      'FAILED_PRECONDITION', new RegExp(`not ${kUint64Max}\\b`));
});

test('an edge id above 2^53 round-trips exactly', async () => {
  const { db } = fixture;
  const id = 2n ** 60n + 3n;  // another node's id range: no counter moves
  const written = await db.putEdge({ id, kind: 'wide.link', endpoints: [
    { space: 'wide', point: [1], role: 'a' },
    { space: 'wide', point: [2], role: 'b' },
  ] });
  assert.equal(written.id, id);
  const edge = await db.getEdge(id);
  assert.equal(edge.id, id);
  assert.equal((await db.getEdge(String(id))).id, id);
  assert.equal(await db.getEdge(id + 1n), null);
});
