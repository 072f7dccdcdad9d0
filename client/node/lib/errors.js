'use strict';
// InfiniteDBError, the one error type every method rejects with, and the one
// place where a gRPC failure becomes one.

const grpc = require('@grpc/grpc-js');

class InfiniteDBError extends Error {
  // `code` is a gRPC status name ('FAILED_PRECONDITION'); `details` is the
  // server's message, which names the offending field ("point: space
  // 'loads' has 3 dimensions, got 2 coordinates").
  constructor(code, details, options = {}) {
    super(`${code}: ${details}`, options.cause ? { cause: options.cause } : {});
    this.name = 'InfiniteDBError';
    this.code = code;
    this.details = details;
    // The gRPC status number (grpc.status), e.g. 9 for FAILED_PRECONDITION.
    this.grpcCode = grpc.status[code];
    // The trailing metadata of the failed call; null for a local error.
    this.metadata = options.metadata ?? null;
  }
}

// Bad input found before anything was sent. `field` names it as the server
// would ("mutations[2].point[1]").
function invalidArgument(field, problem) {
  return new InfiniteDBError('INVALID_ARGUMENT', `${field}: ${problem}`);
}

// Translates an error of a gRPC call; an InfiniteDBError passes unchanged.
function fromGrpcError(error) {
  if (error instanceof InfiniteDBError) return error;
  const name = typeof error.code === 'number' ? grpc.status[error.code] : null;
  if (name === undefined || name === null) {
    return new InfiniteDBError('UNKNOWN', String(error.message ?? error),
        { cause: error });
  }
  return new InfiniteDBError(name, error.details ?? error.message ?? '',
      { cause: error, metadata: error.metadata });
}

function isCancelled(error) {
  return error.code === grpc.status.CANCELLED || error.code === 'CANCELLED';
}

module.exports = {
  InfiniteDBError, invalidArgument, fromGrpcError, isCancelled,
};
