'use strict';
// Connection owns the gRPC channel, one stub per service on it, the deadline
// rule, the token from authenticate() and the calls still open; every rpc of
// the wrapper goes through it. Unary calls and each call of a server stream
// get a deadline of timeoutMs; a bidirectional stream (watch) gets none.
// Every call carries the token, once there is one, as the metadata
// "authorization: Bearer TOKEN". Errors leave as InfiniteDBError.

const grpc = require('@grpc/grpc-js');
const { loadServices, kServiceNames } = require('./services');
const { InfiniteDBError, fromGrpcError } = require('./errors');

// Deadline of each call unless the Client is given timeoutMs.
const kDefaultTimeoutMs = 30000;
// The server's default --max-message-mb: grpc-js would otherwise refuse
// any response over 4 MiB, e.g. a Get of a value near the server's 4 MiB
// value limit.
const kDefaultMaxMessageBytes = 64 * 1024 * 1024;

function ignore() {}

class Connection {
  constructor(endpoint, options = {}) {
    if (typeof endpoint !== 'string' || endpoint === '') {
      throw new TypeError('endpoint must be a "host:port" string');
    }
    this.timeoutMs = options.timeoutMs ?? kDefaultTimeoutMs;
    if (!(Number.isFinite(this.timeoutMs) && this.timeoutMs > 0)) {
      throw new TypeError('timeoutMs must be a positive number');
    }
    const maxMessageBytes = options.maxMessageBytes ?? kDefaultMaxMessageBytes;
    const credentials = options.credentials ?? grpc.credentials.createInsecure();
    const channelOptions = {
      'grpc.max_receive_message_length': maxMessageBytes,
      'grpc.max_send_message_length': maxMessageBytes,
    };
    const services = loadServices(options.protoDir);
    this.channel = new grpc.Channel(endpoint, credentials, channelOptions);
    this.stubs = {};
    for (const name of kServiceNames) {
      this.stubs[name] = new services[name](endpoint, credentials,
          { ...channelOptions, channelOverride: this.channel });
    }
    // From Auth.Authenticate (authenticate.js); null: no credentials.
    this.token = null;
    // Cancel functions of the calls in flight, run by close().
    this.openCalls = new Set();
    this.closed = false;
  }

  deadline() {
    return new Date(Date.now() + this.timeoutMs);
  }

  // The metadata of every call: the token, when there is one.
  metadata() {
    const metadata = new grpc.Metadata();
    if (this.token !== null) {
      metadata.set('authorization', `Bearer ${this.token}`);
    }
    return metadata;
  }

  checkOpen() {
    if (this.closed) throw new InfiniteDBError('CANCELLED', 'the client is closed');
  }

  // Registers `cancel` until the returned function is called.
  track(cancel) {
    this.openCalls.add(cancel);
    return () => this.openCalls.delete(cancel);
  }

  // One unary call; resolves with the response message.
  unary(service, method, request) {
    return new Promise((resolve, reject) => {
      this.checkOpen();
      let untrack = ignore;
      const call = this.stubs[service][method](request, this.metadata(),
          { deadline: this.deadline() }, (error, response) => {
            untrack();
            if (error) reject(fromGrpcError(error));
            else resolve(response);
          });
      untrack = this.track(() => call.cancel());
    });
  }

  // One server-streaming call, as an async iterator of its messages. Leaving
  // the iteration early cancels the call.
  async *serverStream(service, method, request) {
    this.checkOpen();
    const call = this.stubs[service][method](request, this.metadata(),
        { deadline: this.deadline() });
    // The iteration below reports errors; this listener keeps the CANCELLED
    // of an early exit from becoming an unhandled 'error' event.
    call.on('error', ignore);
    const untrack = this.track(() => call.cancel());
    let finished = false;
    try {
      for await (const message of call) yield message;
      finished = true;
    } catch (error) {
      throw fromGrpcError(error);
    } finally {
      untrack();
      if (!finished) call.cancel();
    }
  }

  // A bidirectional stream without deadline. The caller writes, reads and
  // cancels it, and registers its own cancel with track() so that close()
  // ends it.
  bidiStream(service, method) {
    this.checkOpen();
    const call = this.stubs[service][method](this.metadata());
    call.on('error', ignore);
    return call;
  }

  // Cancels the calls in flight and closes the channel. Idempotent.
  close() {
    if (this.closed) return;
    this.closed = true;
    for (const cancel of [...this.openCalls]) cancel();
    this.openCalls.clear();
    this.channel.close();
  }
}

module.exports = { Connection, kDefaultTimeoutMs, kDefaultMaxMessageBytes };
