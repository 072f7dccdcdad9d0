'use strict';
// Checks the caller's arguments and turns them into request messages (in the
// camelCase shape of services.js). Each function throws an INVALID_ARGUMENT
// InfiniteDBError naming the field, so that nothing reaches the wire that
// protobufjs would silently wrap (a coordinate of 2^32 becomes 0) or round
// (a revision above 2^53 as a Number).

const { invalidArgument } = require('./errors');

const kUint32Max = 0xffffffff;
const kUint64Max = (1n << 64n) - 1n;
const kInt64Min = -(1n << 63n);
const kInt64Max = (1n << 63n) - 1n;

function describe(value) {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

function integer(value, field, min, max) {
  let big;
  if (typeof value === 'bigint') {
    big = value;
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw invalidArgument(field, `${value} is not a safe integer (pass a ` +
          'BigInt or a decimal string for values above 2^53)');
    }
    big = BigInt(value);
  } else if (typeof value === 'string' && /^-?[0-9]+$/.test(value)) {
    big = BigInt(value);
  } else {
    throw invalidArgument(field, 'expected an integer (number, BigInt or ' +
        `decimal string), got ${describe(value)}`);
  }
  if (big < min || big > max) {
    throw invalidArgument(field, `${big} is outside ${min}..${max}`);
  }
  return big.toString();
}

// A uint64 as the decimal string protobufjs reads losslessly.
function uint64(value, field) {
  return integer(value, field, 0n, kUint64Max);
}

// A uint32 as a Number (dims, conflict limits).
function uint32(value, field) {
  return Number(integer(value, field, 0n, BigInt(kUint32Max)));
}

function int64(value, field) {
  return integer(value, field, kInt64Min, kInt64Max);
}

function string(value, field) {
  if (typeof value !== 'string') {
    throw invalidArgument(field, `expected a string, got ${describe(value)}`);
  }
  return value;
}

// An optional name: undefined and null are '' (the server's default, e.g.
// "main" for a branch).
function optionalString(value, field) {
  return value === undefined || value === null ? '' : string(value, field);
}

function coordinates(value, field) {
  if (!Array.isArray(value)) {
    throw invalidArgument(field,
        `expected an array of coordinates, got ${describe(value)}`);
  }
  return value.map((x, i) => {
    if (!Number.isSafeInteger(x) || x < 0 || x > kUint32Max) {
      throw invalidArgument(`${field}[${i}]`,
          `${describe(x)} is not an integer in 0..${kUint32Max}`);
    }
    return x;
  });
}

// A point: an array of uint32 coordinates. The server checks the count
// against the space's dimensions.
function point(value, field = 'point') {
  return { coordinates: coordinates(value, field) };
}

// Value bytes: a Buffer, a Uint8Array or an ArrayBuffer (wrapped, not
// copied), or a string (encoded as UTF-8).
function bytes(value, field = 'value') {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  throw invalidArgument(field, 'expected a Buffer, Uint8Array or string, ' +
      `got ${describe(value)}`);
}

function optionalBytes(value, field) {
  return value === undefined || value === null ?
    Buffer.alloc(0) : bytes(value, field);
}

// RevisionPrecondition: undefined or null = unconditional (field unset);
// 0 = the address must have no live version.
function precondition(value, field = 'ifRevision') {
  if (value === undefined || value === null) return null;
  return { revision: uint64(value, field) };
}

// ReadOptions from { branch, asOf } (asOf 0 or absent = the newest).
function readOptions(options = {}) {
  return {
    branch: optionalString(options.branch, 'branch'),
    asOf: options.asOf === undefined || options.asOf === null ?
      '0' : uint64(options.asOf, 'asOf'),
  };
}

// The shape of a Query or Count: { min, max } (an inclusive box), { scope }
// (a prefix of pinned axes) or neither (the whole space).
function shape(options = {}) {
  const hasBox = options.min !== undefined || options.max !== undefined;
  if (hasBox && options.scope !== undefined) {
    throw invalidArgument('scope', 'give either min/max or scope, not both');
  }
  if (hasBox) {
    if (options.min === undefined || options.max === undefined) {
      throw invalidArgument(options.min === undefined ? 'min' : 'max',
          'a box needs both min and max');
    }
    return { box: { min: point(options.min, 'min'),
      max: point(options.max, 'max') } };
  }
  if (options.scope !== undefined) {
    return { scope: { prefix: coordinates(options.scope, 'scope') } };
  }
  return {};
}

// An enum value by proto name. protobufjs would read an unknown name as the
// zero value, so that a mistyped 'MERGE_PREFER_SORCE' meant the default.
function enumName(value, field, names, fallback) {
  if (value === undefined || value === null) return fallback;
  if (!names.includes(value)) {
    throw invalidArgument(field,
        `${describe(value)} is not one of ${names.join(', ')}`);
  }
  return value;
}

// A positive page size or limit; `fallback` when absent.
function positiveCount(value, field, fallback) {
  if (value === undefined || value === null) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw invalidArgument(field, `${describe(value)} is not a positive integer`);
  }
  return value;
}

module.exports = {
  uint64, uint32, int64, string, optionalString, point, coordinates, bytes,
  optionalBytes, precondition, enumName, readOptions, shape, positiveCount, describe,
};
