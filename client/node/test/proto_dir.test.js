'use strict';
// lib/proto_dir.js: the packaged proto/ copy is preferred to the
// repository's, and a missing one is a clear error.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');
const { findProtoDir, kCandidateDirs } = require('../lib/proto_dir');

function protoRoot(parent, name) {
  const root = path.join(parent, name);
  fs.mkdirSync(path.join(root, 'infinitedb', 'v1'), { recursive: true });
  fs.writeFileSync(path.join(root, 'infinitedb', 'v1', 'records.proto'), '');
  return root;
}

test('the packaged copy comes before the repository checkout', () => {
  assert.equal(kCandidateDirs[0], path.join(__dirname, '..', 'proto'));
  assert.equal(kCandidateDirs[1], path.join(__dirname, '..', '..', '..', 'proto'));
});

test('the first candidate holding the protos wins', () => {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'infdb-proto-'));
  try {
    const packaged = protoRoot(temp, 'packaged');
    const repository = protoRoot(temp, 'repository');
    const empty = path.join(temp, 'empty');
    assert.equal(findProtoDir([packaged, repository]), packaged);
    assert.equal(findProtoDir([empty, repository]), repository);
    assert.throws(() => findProtoDir([empty]), /cannot find .*records\.proto.*empty/);
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
});

test('in a checkout the repository protos are found', () => {
  const dir = findProtoDir();
  assert.ok(fs.existsSync(path.join(dir, 'infinitedb', 'v1', 'graph.proto')));
});
