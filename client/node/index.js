'use strict';
// The infinitedb package: a promise-based Node.js client for InfiniteDB.
// See README.md and index.d.ts.

const { Client } = require('./lib/client');
const { InfiniteDBError } = require('./lib/errors');
const { Paged } = require('./lib/paged');
const { Watch } = require('./lib/watch');

module.exports = { Client, InfiniteDBError, Paged, Watch };
