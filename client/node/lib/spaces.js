'use strict';
// The Spaces service: create, get, list and drop named spaces.

const encode = require('./encode');
const decode = require('./decode');

async function createSpace(connection, name, dims) {
  const response = await connection.unary('Spaces', 'CreateSpace', {
    name: encode.string(name, 'name'),
    dims: encode.uint32(dims, 'dims'),
  });
  return decode.space(response.space);
}

async function getSpace(connection, name) {
  const response = await connection.unary('Spaces', 'GetSpace',
      { name: encode.string(name, 'name') });
  return decode.space(response.space);
}

async function listSpaces(connection) {
  const response = await connection.unary('Spaces', 'ListSpaces', {});
  return response.spaces.map(decode.space);
}

async function dropSpace(connection, name) {
  await connection.unary('Spaces', 'DropSpace',
      { name: encode.string(name, 'name') });
}

module.exports = { createSpace, getSpace, listSpaces, dropSpace };
