'use strict';
// useServer(): registers before/after hooks of the calling test file that
// start one real infdb-server and a Client on it, then run `setup(db)`, and
// stop both at the end (the server with SIGTERM, which must make it exit
// cleanly). Setup runs in the same hook because root-level hooks of
// node:test do not wait for one another.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { Client } = require('..');
const { startServer } = require('./server');

// Generous per-call deadline: the tests run on a shared 2-core machine.
const kTestTimeoutMs = 15000;

function useServer({ flags = [], setup = async () => {} } = {}) {
  const fixture = { server: null, db: null, endpoint: null };
  before(async () => {
    fixture.server = await startServer(flags);
    fixture.endpoint = fixture.server.endpoint;
    fixture.db = new Client(fixture.endpoint, { timeoutMs: kTestTimeoutMs });
    await setup(fixture.db);
  });
  after(async () => {
    if (fixture.db) fixture.db.close();
    if (fixture.server) {
      const { code, signal, output } = await fixture.server.stop();
      assert.equal(code, 0, `infdb-server exited with ${code ?? signal}:\n${output}`);
    }
  });
  return fixture;
}

// Asserts that `promise` rejects with an InfiniteDBError of `code` whose
// details match `detailsPattern` (when given); returns the error.
async function rejectsWith(promise, code, detailsPattern) {
  const { InfiniteDBError } = require('..');
  let caught = null;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof InfiniteDBError,
      `expected an InfiniteDBError ${code}, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  if (detailsPattern) assert.match(caught.details, detailsPattern);
  return caught;
}

module.exports = { useServer, rejectsWith };
