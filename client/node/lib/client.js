'use strict';
// Client: the public entry point. It owns one Connection (channel, stubs,
// deadlines, calls in flight); each method delegates to the module of its
// service, which checks the arguments, builds the request and shapes the
// response (index.d.ts declares every shape).

const { Connection } = require('./connection');
const admin = require('./admin');
const auth = require('./auth');
const spaces = require('./spaces');
const records = require('./records');
const branches = require('./branches');
const graph = require('./graph');
const { Watch } = require('./watch');

class Client {
  // endpoint: "host:port". Options: timeoutMs (deadline of each call,
  // default 30000), maxMessageBytes (default 64 MiB), credentials (default
  // insecure), protoDir (default: found by lib/proto_dir.js).
  constructor(endpoint, options = {}) {
    this.connection = new Connection(endpoint, options);
  }

  status() { return admin.status(this.connection); }

  createSpace(name, dims) { return spaces.createSpace(this.connection, name, dims); }
  getSpace(name) { return spaces.getSpace(this.connection, name); }
  listSpaces() { return spaces.listSpaces(this.connection); }
  dropSpace(name) { return spaces.dropSpace(this.connection, name); }

  put(space, point, value, options) {
    return records.put(this.connection, space, point, value, options);
  }
  delete(space, point, options) {
    return records.del(this.connection, space, point, options);
  }
  batch(mutations, options) { return records.batch(this.connection, mutations, options); }
  get(space, point, options) { return records.get(this.connection, space, point, options); }
  history(space, point, options) {
    return records.history(this.connection, space, point, options);
  }
  query(space, options) { return records.query(this.connection, space, options); }
  count(space, options) { return records.count(this.connection, space, options); }

  createBranch(name, options) {
    return branches.createBranch(this.connection, name, options);
  }
  listBranches() { return branches.listBranches(this.connection); }
  dropBranch(name) { return branches.dropBranch(this.connection, name); }
  diff(from, to, options) { return branches.diff(this.connection, from, to, options); }
  merge(source, options) { return branches.merge(this.connection, source, options); }
  abortMerge(target) { return branches.abortMerge(this.connection, target); }

  putEdge(edge, options) { return graph.putEdge(this.connection, edge, options); }
  getEdge(id, options) { return graph.getEdge(this.connection, id, options); }
  deleteEdge(id, options) { return graph.deleteEdge(this.connection, id, options); }
  incident(node, options) { return graph.incident(this.connection, node, options); }

  watch(options) { return new Watch(this.connection, options); }

  // A token for every later call of this client.
  authenticate(user, password) { return auth.authenticate(this.connection, user, password); }
  authStatus() { return auth.authStatus(this.connection); }
  enableAuth() { return auth.enableAuth(this.connection); }
  disableAuth() { return auth.disableAuth(this.connection); }
  addUser(name, password) { return auth.addUser(this.connection, name, password); }
  deleteUser(name) { return auth.deleteUser(this.connection, name); }
  listUsers() { return auth.listUsers(this.connection); }
  changePassword(name, password) { return auth.changePassword(this.connection, name, password); }
  grantRole(user, role) { return auth.grantRole(this.connection, user, role); }
  revokeRole(user, role) { return auth.revokeRole(this.connection, user, role); }
  addRole(name) { return auth.addRole(this.connection, name); }
  deleteRole(name) { return auth.deleteRole(this.connection, name); }
  listRoles() { return auth.listRoles(this.connection); }
  grantPermission(role, grant) { return auth.grantPermission(this.connection, role, grant); }
  revokePermission(role, grant) { return auth.revokePermission(this.connection, role, grant); }

  // Cancels calls in flight (open watches end quietly) and closes the
  // channel; later calls reject with CANCELLED.
  close() { this.connection.close(); }
}

module.exports = { Client };
