'use strict';
// Turns response messages (in the loader shape of services.js: camelCase
// names, 64-bit integers as decimal strings, absent messages as null) into
// the wrapper's public shapes, declared in index.d.ts:
//   - every uint64/int64 (revision, hlc, id, count) is a BigInt;
//   - uint32 fields (dims, origin, nodeId, coordinates) are Numbers;
//   - a point is an array of Numbers;
//   - a commit stamp is flattened into { revision, hlc, origin };
//   - bytes are Buffers; enums are their proto names ('CHANGE_ADDED').

function bigint(value) {
  return BigInt(value);
}

function point(message) {
  return message === null ? null : message.coordinates.slice();
}

function stamp(message) {
  if (message === null) return null;
  return {
    revision: bigint(message.revision),
    hlc: bigint(message.hlc),
    origin: message.origin,
  };
}

function headerRevision(header) {
  return header === null ? 0n : bigint(header.revision);
}

function record(message) {
  if (message === null) return null;
  return {
    point: point(message.point),
    value: message.value,
    ...stamp(message.stamp ?? { revision: '0', hlc: '0', origin: 0 }),
    deleted: message.deleted,
  };
}

function space(message) {
  return {
    name: message.name,
    dims: message.dims,
    createdRevision: bigint(message.createdRevision),
  };
}

function branch(message) {
  return {
    name: message.name,
    parent: message.parent,
    forkRevision: bigint(message.forkRevision),
    headRevision: bigint(message.headRevision),
    forkHlc: bigint(message.forkHlc),
  };
}

function endpoint(message) {
  return {
    space: message.space,
    point: point(message.point),
    role: message.role,
    polarity: message.polarity,
  };
}

function edge(message) {
  if (message === null) return null;
  return {
    id: bigint(message.id),
    kind: message.kind,
    directed: message.directed,
    endpoints: message.endpoints.map(endpoint),
    weight: message.weight === null ? null : bigint(message.weight.value),
    properties: { ...message.properties },
    payload: message.payload,
    ...stamp(message.stamp ?? { revision: '0', hlc: '0', origin: 0 }),
    deleted: message.deleted,
  };
}

function nodeRef(message) {
  return { space: message.space, point: point(message.point) };
}

function branchAt(message) {
  return message === null ? null :
    { branch: message.branch, asOf: bigint(message.asOf) };
}

module.exports = {
  bigint, point, stamp, headerRevision, record, space, branch, edge,
  endpoint, nodeRef, branchAt,
};
