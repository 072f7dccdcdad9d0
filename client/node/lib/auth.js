'use strict';
// The Auth service: authenticate() keeps a token on the Connection for every
// later call; the rest manage users, roles, grants and the auth switch
// (admin on '*' for all but authStatus; disableAuth as root).

const decode = require('./decode');
const { InfiniteDBError } = require('./errors');

const kPermissions = ['READ', 'WRITE', 'ADMIN', 'REPLICATE'];

function requireString(value, field) {
  if (typeof value !== 'string') {
    throw new InfiniteDBError('INVALID_ARGUMENT', `${field}: a string is required`);
  }
  return value;
}

// {permission, space, branch} as a Grant message; refuses an unknown
// permission (protobufjs would send PERMISSION_UNSPECIFIED).
function grantMessage(grant) {
  if (grant === null || typeof grant !== 'object') {
    throw new InfiniteDBError('INVALID_ARGUMENT', 'grant: {permission, space, branch?} is required');
  }
  const permission = String(grant.permission ?? '').toUpperCase();
  if (!kPermissions.includes(permission)) {
    throw new InfiniteDBError('INVALID_ARGUMENT',
        `grant.permission: '${grant.permission}' is not one of ${kPermissions.join(', ')}`);
  }
  return {
    permission,
    space: requireString(grant.space, 'grant.space'),
    branch: requireString(grant.branch ?? '', 'grant.branch'),
  };
}

async function authenticate(connection, user, password) {
  const response = await connection.unary('Auth', 'Authenticate', {
    user: requireString(user, 'user'),
    password: requireString(password, 'password'),
  });
  connection.token = response.token;
  return { expiresUnix: decode.bigint(response.expiresUnix) };
}

async function authStatus(connection) {
  const response = await connection.unary('Auth', 'AuthStatus', {});
  return { enabled: response.enabled, user: response.user, method: response.method };
}

// The calls that answer only a header: resolve with nothing.
async function call(connection, method, request) {
  await connection.unary('Auth', method, request);
}

async function addUser(connection, name, password) {
  const noPassword = password === undefined || password === null || password === '';
  return call(connection, 'UserAdd', {
    name: requireString(name, 'name'),
    password: noPassword ? '' : requireString(password, 'password'),
    noPassword,
  });
}

async function listUsers(connection) {
  const response = await connection.unary('Auth', 'UserList', {});
  return response.users.map((u) => ({ name: u.name, roles: u.roles, hasPassword: u.hasPassword }));
}

async function listRoles(connection) {
  const response = await connection.unary('Auth', 'RoleList', {});
  return response.roles.map((r) => ({
    name: r.name,
    grants: r.grants.map((g) => ({ permission: g.permission, space: g.space, branch: g.branch })),
  }));
}

async function userRole(connection, method, user, role) {
  return call(connection, method, {
    user: requireString(user, 'user'), role: requireString(role, 'role'),
  });
}

async function roleGrant(connection, method, role, grant) {
  return call(connection, method, { role: requireString(role, 'role'), grant: grantMessage(grant) });
}

module.exports = {
  authenticate,
  authStatus,
  enableAuth: async (c) => call(c, 'AuthEnable', {}),
  disableAuth: async (c) => call(c, 'AuthDisable', {}),
  addUser,
  deleteUser: async (c, name) => call(c, 'UserDelete', { name: requireString(name, 'name') }),
  listUsers,
  changePassword: async (c, name, password) => call(c, 'UserChangePassword', {
    name: requireString(name, 'name'), password: requireString(password, 'password'),
  }),
  grantRole: async (c, user, role) => userRole(c, 'UserGrantRole', user, role),
  revokeRole: async (c, user, role) => userRole(c, 'UserRevokeRole', user, role),
  addRole: async (c, name) => call(c, 'RoleAdd', { name: requireString(name, 'name') }),
  deleteRole: async (c, name) => call(c, 'RoleDelete', { name: requireString(name, 'name') }),
  listRoles,
  grantPermission: async (c, role, grant) => roleGrant(c, 'RoleGrantPermission', role, grant),
  revokePermission: async (c, role, grant) => roleGrant(c, 'RoleRevokePermission', role, grant),
};
