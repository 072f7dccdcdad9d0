'use strict';
// Loads the InfiniteDB API from its .proto files at run time and returns the
// generated gRPC service constructors. The loader options below decide the
// JavaScript shape of every message; decode.js relies on them.

const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const path = require('node:path');
const { findProtoDir } = require('./proto_dir');

const kProtoFiles = [
  'common', 'spaces', 'records', 'branches', 'graph_types', 'graph', 'admin',
  'replication', 'auth',
].map((name) => path.posix.join('infinitedb', 'v1', `${name}.proto`));

const kServiceNames = [
  'Spaces', 'Records', 'Branches', 'Graph', 'Admin', 'Replication', 'Auth',
];

const kLoaderOptions = Object.freeze({
  // camelCase field names (fork_revision -> forkRevision), the names of the
  // proto3 JSON mapping; requests are written with the same names.
  keepCase: false,
  // uint64 and int64 as decimal strings: never a lossy Number above 2^53.
  // decode.js turns each of them into a BigInt.
  longs: String,
  // Enum values by name ('POLARITY_TAIL'), in and out.
  enums: String,
  bytes: Buffer,
  // An absent scalar reads as its zero value, an absent repeated field as
  // [], an absent message as null: proto3 sends no zero values.
  defaults: true,
  arrays: true,
  objects: true,
  // Each oneof also gets a virtual field naming its set member.
  oneofs: true,
});

// Loading parses nine files; the result is immutable, so it is kept per
// proto directory for every Client of the process.
const loadedByDir = new Map();

// Returns { Spaces, Records, ... } service client constructors.
function loadServices(protoDir = findProtoDir()) {
  let services = loadedByDir.get(protoDir);
  if (services === undefined) {
    const definition = protoLoader.loadSync(
        kProtoFiles, { ...kLoaderOptions, includeDirs: [protoDir] });
    const v1 = grpc.loadPackageDefinition(definition).infinitedb.v1;
    services = {};
    for (const name of kServiceNames) services[name] = v1[name];
    Object.freeze(services);
    loadedByDir.set(protoDir, services);
  }
  return services;
}

module.exports = { loadServices, kServiceNames, kLoaderOptions };
