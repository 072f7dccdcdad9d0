'use strict';
// The Branches service: create, list and drop branches, the paged diff of
// two sides, and the three-way merge (with abort for a merge left in
// progress by conflicts).

const encode = require('./encode');
const decode = require('./decode');
const { invalidArgument } = require('./errors');
const { Paged } = require('./paged');

async function createBranch(connection, name, options = {}) {
  const response = await connection.unary('Branches', 'CreateBranch', {
    name: encode.string(name, 'name'),
    parent: encode.optionalString(options.parent, 'parent'),
  });
  return decode.branch(response.branch);
}

async function listBranches(connection) {
  const response = await connection.unary('Branches', 'ListBranches', {});
  return response.branches.map(decode.branch);
}

async function dropBranch(connection, name) {
  await connection.unary('Branches', 'DropBranch',
      { name: encode.string(name, 'name') });
}

// A side of a diff: a branch name (its newest revision) or
// { branch, asOf }.
function side(value, field) {
  if (typeof value === 'string') return { branch: value, asOf: '0' };
  if (value === null || typeof value !== 'object') {
    throw invalidArgument(field, 'expected a branch name or { branch, asOf }');
  }
  return {
    branch: encode.optionalString(value.branch, `${field}.branch`),
    asOf: value.asOf === undefined ? '0' : encode.uint64(value.asOf, `${field}.asOf`),
  };
}

function diffEntry(message) {
  return {
    kind: message.kind,
    space: message.space,
    point: decode.point(message.point),
    edgeId: decode.bigint(message.edgeId),
    before: decode.record(message.before),
    after: decode.record(message.after),
    beforeEdge: decode.edge(message.beforeEdge),
    afterEdge: decode.edge(message.afterEdge),
  };
}

// Options: space (else every space and the edges), min/max (a box of that
// space), pageSize, limit.
function diff(connection, from, to, options = {}) {
  return new Paged({
    open: async function* (cursor, limit) {
      const { box } = encode.shape({ min: options.min, max: options.max });
      yield await connection.unary('Branches', 'Diff', {
        from: side(from, 'from'),
        to: side(to, 'to'),
        space: encode.optionalString(options.space, 'space'),
        box: box ?? null,
        limit: String(limit),
        cursor,
      });
    },
    items: (message) => message.entries,
    decodeItem: diffEntry,
    pageSize: options.pageSize,
    limit: options.limit,
  });
}

function conflict(message) {
  return {
    id: decode.bigint(message.id),
    kind: message.kind,
    space: message.space,
    point: decode.point(message.point),
    edgeId: decode.bigint(message.edgeId),
    base: decode.record(message.base),
    ours: decode.record(message.ours),
    theirs: decode.record(message.theirs),
    baseEdge: decode.edge(message.baseEdge),
    oursEdge: decode.edge(message.oursEdge),
    theirsEdge: decode.edge(message.theirsEdge),
    resolution: message.resolution,
  };
}

function mergeResult(message) {
  return {
    base: decode.branchAt(message.base),
    oursRevision: decode.bigint(message.oursRevision),
    theirsRevision: decode.bigint(message.theirsRevision),
    fastForward: message.fastForward,
    taken: decode.bigint(message.taken),
    unchanged: decode.bigint(message.unchanged),
    conflicts: decode.bigint(message.conflicts),
    conflictSample: message.conflictSample.map(conflict),
    stamp: decode.stamp(message.stamp),
    inProgress: message.inProgress,
    danglingEdges: message.danglingEdges.map(decode.bigint),
  };
}

const kStrategies = [
  'MERGE_FAIL_ON_CONFLICT', 'MERGE_PREFER_TARGET', 'MERGE_PREFER_SOURCE',
];

// Options: target (default "main"), strategy (a MergeStrategy name, default
// 'MERGE_FAIL_ON_CONFLICT'), dryRun, conflictLimit.
async function merge(connection, source, options = {}) {
  const response = await connection.unary('Branches', 'Merge', {
    source: encode.string(source, 'source'),
    target: encode.optionalString(options.target, 'target'),
    strategy: encode.enumName(options.strategy, 'strategy', kStrategies,
        'MERGE_FAIL_ON_CONFLICT'),
    dryRun: options.dryRun === true,
    conflictLimit: options.conflictLimit === undefined ? 0 :
        encode.uint32(options.conflictLimit, 'conflictLimit'),
  });
  return mergeResult(response);
}

async function abortMerge(connection, target) {
  await connection.unary('Branches', 'AbortMerge',
      { target: encode.optionalString(target, 'target') });
}

module.exports = {
  createBranch, listBranches, dropBranch, diff, merge, abortMerge,
};
