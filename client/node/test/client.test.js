'use strict';
// Client options and connection failures, without an InfiniteDB server.

const assert = require('node:assert/strict');
const net = require('node:net');
const { test } = require('node:test');
const { Client, InfiniteDBError } = require('..');
const { rejectsWith } = require('../test-support/fixture');

// A TCP server that accepts connections and never answers: every call to
// it waits for its deadline.
async function silentServer() {
  const sockets = new Set();
  const server = net.createServer((socket) => sockets.add(socket));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `127.0.0.1:${server.address().port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

// A loopback port with nothing listening on it.
async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('a call that gets no answer rejects with DEADLINE_EXCEEDED after timeoutMs', async () => {
  const silent = await silentServer();
  const db = new Client(silent.endpoint, { timeoutMs: 300 });
  const started = Date.now();
  await rejectsWith(db.listSpaces(), 'DEADLINE_EXCEEDED');
  assert.ok(Date.now() - started >= 250);
  db.close();
  await silent.close();
});

test('an unreachable server is UNAVAILABLE', async () => {
  const db = new Client(`127.0.0.1:${await closedPort()}`, { timeoutMs: 5000 });
  const error = await rejectsWith(db.status(), 'UNAVAILABLE');
  assert.ok(error instanceof Error);
  assert.equal(error.grpcCode, 14);
  db.close();
});

test('after close() every call rejects with CANCELLED', async () => {
  const db = new Client('127.0.0.1:1');
  db.close();
  db.close();
  await rejectsWith(db.listSpaces(), 'CANCELLED');
  await rejectsWith(db.query('x').toArray(), 'CANCELLED');
  await rejectsWith(db.watch()[Symbol.asyncIterator]().next(), 'CANCELLED');
});

test('InfiniteDBError carries code, details and the gRPC number', () => {
  const error = new InfiniteDBError('FAILED_PRECONDITION', 'if_revision: stale');
  assert.equal(error.message, 'FAILED_PRECONDITION: if_revision: stale');
  assert.equal(error.name, 'InfiniteDBError');
  assert.equal(error.grpcCode, 9);
});

test('bad constructor arguments throw a TypeError', () => {
  assert.throws(() => new Client(''), TypeError);
  assert.throws(() => new Client('127.0.0.1:1', { timeoutMs: 0 }), TypeError);
});
