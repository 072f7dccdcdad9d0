'use strict';
// Finds the directory that holds infinitedb/v1/*.proto: the copy packed into
// the package (`npm pack` runs scripts/copy-protos.js), else the repository's
// proto/ when the package is used from a checkout (client/node -> ../../proto).

const fs = require('node:fs');
const path = require('node:path');

// Any one file of the API marks a directory as a proto root.
const kMarkerFile = path.join('infinitedb', 'v1', 'records.proto');

// The packaged copy comes first, so an installed package never reads protos
// from whatever directory happens to sit two levels above it.
const kCandidateDirs = [
  path.join(__dirname, '..', 'proto'),
  path.join(__dirname, '..', '..', '..', 'proto'),
];

// Returns the first of `candidates` that holds the marker file; throws an
// Error naming every place it looked when none does.
function findProtoDir(candidates = kCandidateDirs) {
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, kMarkerFile))) return dir;
  }
  throw new Error(
      `infinitedb: cannot find ${kMarkerFile} under any of ` +
      `${candidates.join(', ')} (a packed package carries proto/; ` +
      `a checkout uses the repository's proto/)`);
}

module.exports = { findProtoDir, kCandidateDirs };
