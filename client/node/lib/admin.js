'use strict';
// The Admin service's Status: who the server is and its newest revision
// (e.g. to watch from "now").

const decode = require('./decode');

async function status(connection) {
  const response = await connection.unary('Admin', 'Status', {});
  return {
    nodeId: response.nodeId,
    version: response.version,
    revision: decode.headerRevision(response.header),
    durability: response.durability,
    uptimeSeconds: decode.bigint(response.uptimeSeconds),
  };
}

module.exports = { status };
