'use strict';
// The Records service: writes (put, delete, batch, each one revision), exact
// reads (get, history, count) and the paged query.

const encode = require('./encode');
const decode = require('./decode');
const { invalidArgument } = require('./errors');
const { Paged } = require('./paged');

async function put(connection, space, point, value, options = {}) {
  const response = await connection.unary('Records', 'Put', {
    branch: encode.optionalString(options.branch, 'branch'),
    space: encode.string(space, 'space'),
    point: encode.point(point),
    value: encode.bytes(value),
    ifRevision: encode.precondition(options.ifRevision),
  });
  return decode.stamp(response.stamp);
}

async function del(connection, space, point, options = {}) {
  const response = await connection.unary('Records', 'Delete', {
    branch: encode.optionalString(options.branch, 'branch'),
    space: encode.string(space, 'space'),
    point: encode.point(point),
    ifRevision: encode.precondition(options.ifRevision),
  });
  return decode.stamp(response.stamp);
}

// { space, point, value } writes a value; { space, point, delete: true }
// a tombstone; either may carry ifRevision.
function mutation(input, field) {
  if (input === null || typeof input !== 'object') {
    throw invalidArgument(field, 'expected { space, point, value } or ' +
        '{ space, point, delete: true }');
  }
  const isDelete = input.delete === true;
  if (isDelete === (input.value !== undefined)) {
    throw invalidArgument(field, 'give exactly one of value and delete: true');
  }
  const message = {
    space: encode.string(input.space, `${field}.space`),
    point: encode.point(input.point, `${field}.point`),
    ifRevision: encode.precondition(input.ifRevision, `${field}.ifRevision`),
  };
  if (isDelete) message.delete = true;
  else message.putValue = encode.bytes(input.value, `${field}.value`);
  return message;
}

async function batch(connection, mutations, options = {}) {
  if (!Array.isArray(mutations) || mutations.length === 0) {
    throw invalidArgument('mutations', 'expected a non-empty array');
  }
  const response = await connection.unary('Records', 'Batch', {
    branch: encode.optionalString(options.branch, 'branch'),
    mutations: mutations.map((m, i) => mutation(m, `mutations[${i}]`)),
  });
  return decode.stamp(response.stamp);
}

async function get(connection, space, point, options = {}) {
  const response = await connection.unary('Records', 'Get', {
    read: encode.readOptions(options),
    space: encode.string(space, 'space'),
    point: encode.point(point),
  });
  return response.found ? decode.record(response.record) : null;
}

async function history(connection, space, point, options = {}) {
  const response = await connection.unary('Records', 'History', {
    read: encode.readOptions(options),
    space: encode.string(space, 'space'),
    point: encode.point(point),
  });
  return response.versions.map(decode.record);
}

function query(connection, space, options = {}) {
  return new Paged({
    open: (cursor, limit) => connection.serverStream('Records', 'Query', {
      read: encode.readOptions(options),
      space: encode.string(space, 'space'),
      ...encode.shape(options),
      limit: String(limit),
      cursor,
    }),
    items: (message) => message.records,
    decodeItem: decode.record,
    pageSize: options.pageSize,
    limit: options.limit,
  });
}

async function count(connection, space, options = {}) {
  const response = await connection.unary('Records', 'Count', {
    read: encode.readOptions(options),
    space: encode.string(space, 'space'),
    ...encode.shape(options),
  });
  return decode.bigint(response.count);
}

module.exports = { put, del, batch, get, history, query, count };
