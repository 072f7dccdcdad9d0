'use strict';
// Paged: the results of a resumable read (Query, Incident, Diff) as one
// async iterable. Each server call asks for at most `pageSize` items; while
// the last message of a call carries a non-empty nextCursor, the next call
// resumes from it. The server pins the revision in the cursor, so every
// page reads the same snapshot as the first.

const { positiveCount } = require('./encode');

const kDefaultPageSize = 1000;

class Paged {
  // open(cursor, limit) starts one call and returns an async iterable of
  // its messages (cursor: Buffer, empty = from the start); items(message)
  // picks a message's raw items and decodeItem turns one into its public
  // shape. `limit` bounds the items of the whole iteration (absent = all).
  // Bad arguments reject the iteration's first next(), like a server error.
  constructor({ open, items, decodeItem, pageSize, limit }) {
    this.open = open;
    this.items = items;
    this.decodeItem = decodeItem;
    this.pageSizeOption = pageSize;
    this.limitOption = limit;
    // The revision the results were read at: set once the first call has
    // ended (a header comes only in a call's last message).
    this.revision = undefined;
  }

  // Each iteration runs the read again from the start.
  async *[Symbol.asyncIterator]() {
    const pageSize =
        positiveCount(this.pageSizeOption, 'pageSize', kDefaultPageSize);
    let remaining = positiveCount(this.limitOption, 'limit', null);
    let cursor = Buffer.alloc(0);
    let firstCall = true;
    while (remaining === null || remaining > 0) {
      const callLimit = remaining === null ?
        pageSize : Math.min(pageSize, remaining);
      let nextCursor = Buffer.alloc(0);
      for await (const message of this.open(cursor, callLimit)) {
        if (message.header && firstCall) {
          this.revision = BigInt(message.header.revision);
        }
        if (message.nextCursor.length > 0) nextCursor = message.nextCursor;
        for (const item of this.items(message)) {
          if (remaining !== null) remaining--;
          yield this.decodeItem(item);
        }
      }
      firstCall = false;
      if (nextCursor.length === 0) return;
      cursor = nextCursor;
    }
  }

  // Every item, in order.
  async toArray() {
    const all = [];
    for await (const item of this) all.push(item);
    return all;
  }
}

module.exports = { Paged, kDefaultPageSize };
