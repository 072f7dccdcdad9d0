'use strict';
// Watch: the committed changes of Replication.Subscribe as an async
// iterable of ChangeSets, for an anonymous subscriber (the server tracks no
// acknowledgements and keeps no WAL for it, so no acks are sent).
//
// The stream starts when watch() is called: it writes the one `start`
// message at once, so changes after `afterRevision` are delivered whenever
// the iteration begins. Heartbeats (empty messages about every second) are
// skipped. close(), an AbortSignal, leaving a for-await loop, or closing the
// Client end it; the iteration then finishes without error.

const encode = require('./encode');
const decode = require('./decode');
const { invalidArgument, fromGrpcError, isCancelled } = require('./errors');

function names(value, field) {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidArgument(field, 'expected an array of names');
  return value.map((name, i) => encode.string(name, `${field}[${i}]`));
}

function subscribeRequest(options) {
  return {
    afterRevision: options.afterRevision === undefined ? '0' :
      encode.uint64(options.afterRevision, 'afterRevision'),
    spaces: names(options.spaces, 'spaces'),
    branches: names(options.branches, 'branches'),
    subscriberId: '',
  };
}

function changeOp(message) {
  return {
    branch: message.branch,
    space: message.space,
    point: decode.point(message.point),
    deleted: message.deleted,
    value: message.value,
    hlc: decode.bigint(message.hlc),
    origin: message.origin,
  };
}

function changeSet(message) {
  return { revision: decode.bigint(message.revision), ops: message.ops.map(changeOp) };
}

class Watch {
  // Use Client.watch(). Options: afterRevision (default 0: from the start
  // of the retained log), spaces, branches, signal.
  constructor(connection, options = {}) {
    this.closed = false;
    this.call = null;
    // Bad options or a closed client reject the first next().
    this.startError = null;
    try {
      const start = subscribeRequest(options);
      this.call = connection.bidiStream('Replication', 'Subscribe');
      this.untrack = connection.track(() => this.close());
      this.call.write({ start });
    } catch (error) {
      this.startError = fromGrpcError(error);
      this.closed = true;
      return;
    }
    if (options.signal) {
      if (options.signal.aborted) this.close();
      else options.signal.addEventListener('abort', () => this.close(), { once: true });
    }
  }

  // Ends the stream; idempotent. A pending next() resolves as done.
  close() {
    if (this.closed) return;
    this.closed = true;
    this.untrack();
    this.call.cancel();
  }

  // One iteration per Watch: the stream is read once.
  async *[Symbol.asyncIterator]() {
    if (this.startError) throw this.startError;
    try {
      for await (const message of this.call) {
        for (const change of message.changes) {
          // Messages already buffered when close() ran are not delivered.
          if (this.closed) return;
          yield changeSet(change);
        }
      }
    } catch (error) {
      if (this.closed && isCancelled(error)) return;
      throw fromGrpcError(error);
    } finally {
      this.close();
    }
  }
}

module.exports = { Watch };
