'use strict';
// A few calls of the Graph service: put, get and delete one hyperedge, and
// the paged edges incident to one node.

const encode = require('./encode');
const decode = require('./decode');
const { invalidArgument } = require('./errors');
const { Paged } = require('./paged');

const kPolarities = ['POLARITY_NEUTRAL', 'POLARITY_TAIL', 'POLARITY_HEAD'];
const kDirections = [
  'DIRECTION_ANY', 'DIRECTION_OUTGOING', 'DIRECTION_INCOMING',
  'DIRECTION_NEUTRAL',
];

function object(value, field) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgument(field, `expected an object, got ${encode.describe(value)}`);
  }
  return value;
}

function endpoint(input, field) {
  object(input, field);
  return {
    space: encode.string(input.space, `${field}.space`),
    point: encode.point(input.point, `${field}.point`),
    role: encode.string(input.role, `${field}.role`),
    polarity: encode.enumName(input.polarity, `${field}.polarity`,
        kPolarities, 'POLARITY_NEUTRAL'),
  };
}

function properties(input, field) {
  if (input === undefined || input === null) return {};
  object(input, field);
  const result = {};
  for (const [key, value] of Object.entries(input)) {
    result[key] = encode.string(value, `${field}.${key}`);
  }
  return result;
}

// An edge to write: { id?, kind, endpoints, directed?, weight?,
// properties?, payload? }. id absent or 0 = a new edge.
function edge(input) {
  object(input, 'edge');
  if (!Array.isArray(input.endpoints)) {
    throw invalidArgument('edge.endpoints', 'expected an array of endpoints');
  }
  const hasWeight = input.weight !== undefined && input.weight !== null;
  return {
    id: input.id === undefined ? '0' : encode.uint64(input.id, 'edge.id'),
    kind: encode.string(input.kind, 'edge.kind'),
    endpoints: input.endpoints.map((e, i) => endpoint(e, `edge.endpoints[${i}]`)),
    directed: input.directed === true,
    weight: hasWeight ? { value: encode.int64(input.weight, 'edge.weight') } : null,
    properties: properties(input.properties, 'edge.properties'),
    payload: encode.optionalBytes(input.payload, 'edge.payload'),
  };
}

async function putEdge(connection, input, options = {}) {
  const response = await connection.unary('Graph', 'PutEdge', {
    branch: encode.optionalString(options.branch, 'branch'),
    edge: edge(input),
    ifRevision: encode.precondition(options.ifRevision),
  });
  return { id: decode.bigint(response.id), ...decode.stamp(response.stamp) };
}

async function getEdge(connection, id, options = {}) {
  const response = await connection.unary('Graph', 'GetEdge', {
    read: encode.readOptions(options),
    id: encode.uint64(id, 'id'),
  });
  return response.found ? decode.edge(response.edge) : null;
}

async function deleteEdge(connection, id, options = {}) {
  const response = await connection.unary('Graph', 'DeleteEdge', {
    branch: encode.optionalString(options.branch, 'branch'),
    id: encode.uint64(id, 'id'),
    ifRevision: encode.precondition(options.ifRevision),
  });
  return decode.stamp(response.stamp);
}

function strings(value, field) {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidArgument(field, 'expected an array of strings');
  return value.map((s, i) => encode.string(s, `${field}[${i}]`));
}

function incidence(message) {
  return {
    node: decode.nodeRef(message.node),
    roles: message.roles.map((r) => ({ role: r.role, polarity: r.polarity })),
    edge: decode.edge(message.edge),
  };
}

// node: { space, point }. Options: direction, kinds, roles, branch, asOf,
// pageSize, limit.
function incident(connection, node, options = {}) {
  return new Paged({
    open: (cursor, limit) => connection.serverStream('Graph', 'Incident', {
      read: encode.readOptions(options),
      node: {
        space: encode.string(object(node, 'node').space, 'node.space'),
        point: encode.point(node.point, 'node.point'),
      },
      filter: {
        direction: encode.enumName(options.direction, 'direction',
            kDirections, 'DIRECTION_ANY'),
        kinds: strings(options.kinds, 'kinds'),
        roles: strings(options.roles, 'roles'),
      },
      limit: String(limit),
      cursor,
    }),
    items: (message) => message.incidences,
    decodeItem: incidence,
    pageSize: options.pageSize,
    limit: options.limit,
  });
}

module.exports = { putEdge, getEdge, deleteEdge, incident };
