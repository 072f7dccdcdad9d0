// Compiled (never run) by `npm run typecheck`: a typed use of the whole
// public surface of index.d.ts, and misuses that must not compile.
import {
  Client, InfiniteDBError, type AuthStatus, type ChangeSet, type Edge,
  type RecordVersion, type Role, type Stamp, type User,
} from 'infinitedb';

async function example(): Promise<void> {
  const db = new Client('127.0.0.1:7070', { timeoutMs: 5000 });
  const space = await db.createSpace('loads', 3);
  const dims: number = space.dims;
  const stamp: Stamp = await db.put('loads', [42, 3, 0], '12.5 kN');
  const revision: bigint = stamp.revision;
  await db.put('loads', [42, 3, 0], Buffer.from('13 kN'),
      { ifRevision: revision, branch: 'main' });
  await db.put('loads', [1, 1, 1], new Uint8Array([1, 2]), { ifRevision: '0' });
  await db.delete('loads', [1, 1, 1], { ifRevision: 7n });
  await db.batch([
    { space: 'loads', point: [1, 2, 3], value: 'a' },
    { space: 'loads', point: [1, 2, 4], delete: true, ifRevision: 3 },
  ]);
  const found: RecordVersion | null = await db.get('loads', [42, 3, 0], { asOf: 1 });
  if (found) console.log(found.value.toString('utf8'), found.point[0] + dims);
  const versions: RecordVersion[] = await db.history('loads', [42, 3, 0]);
  const results = db.query('loads', { min: [0, 0, 0], max: [50, 3, 0], pageSize: 100 });
  for await (const record of results) console.log(record.revision > 0n);
  const revisionRead: bigint | undefined = results.revision;
  const all: RecordVersion[] = await db.query('loads', { scope: [42] }).toArray();
  const count: bigint = await db.count('loads');
  console.log(versions.length, all.length, count, revisionRead);

  await db.createBranch('option-b', { parent: 'main' });
  for (const branch of await db.listBranches()) console.log(branch.forkHlc);
  for await (const entry of db.diff('main', { branch: 'option-b', asOf: 0 })) {
    if (entry.kind === 'CHANGE_ADDED') console.log(entry.after?.value);
  }
  const merged = await db.merge('option-b', { strategy: 'MERGE_PREFER_SOURCE' });
  if (merged.inProgress) await db.abortMerge('main');
  await db.dropBranch('option-b');

  const written = await db.putEdge({
    kind: 'bears_on', directed: true, weight: 5n, properties: { grade: 'S355' },
    endpoints: [
      { space: 'loads', point: [1, 2, 3], role: 'beam', polarity: 'POLARITY_TAIL' },
      { space: 'loads', point: [4, 5, 6], role: 'column', polarity: 'POLARITY_HEAD' },
    ],
  });
  const edge: Edge | null = await db.getEdge(written.id);
  console.log(edge?.weight);
  for await (const incidence of db.incident({ space: 'loads', point: [4, 5, 6] },
      { direction: 'DIRECTION_INCOMING' })) {
    console.log(incidence.roles[0].polarity, incidence.edge.id);
  }
  await db.deleteEdge(written.id);

  const status = await db.status();
  const watch = db.watch({ afterRevision: status.revision, spaces: ['loads'] });
  for await (const change of watch) {
    const set: ChangeSet = change;
    console.log(set.revision, set.ops[0].point);
    watch.close();
  }
  await db.listSpaces();
  await db.dropSpace('loads');

  try {
    await db.getSpace('missing');
  } catch (error) {
    if (error instanceof InfiniteDBError && error.code === 'NOT_FOUND') {
      console.log(error.details);
    }
  }
  const { expiresUnix } = await db.authenticate('alice', 'alice-password');
  const expires: bigint = expiresUnix;
  await db.addUser('robot');
  await db.grantPermission('reader', { permission: 'READ', space: 'site-*' });
  const roles: Role[] = await db.listRoles();
  const users: User[] = await db.listUsers();
  const who: AuthStatus = await db.authStatus();
  console.log(expires, roles[0].grants[0].branch, users[0].hasPassword, who.method);
  db.close();

  // @ts-expect-error permissions are the proto enum names
  await db.grantPermission('reader', { permission: 'read-all', space: 's' });
  // @ts-expect-error a point is an array of numbers, not a string
  await db.put('loads', '1,2,3', 'x');
  // @ts-expect-error revisions come back as bigint, not number
  const lossy: number = stamp.revision;
  // @ts-expect-error a mutation is a put or a delete
  await db.batch([{ space: 'loads', point: [1, 2, 3] }]);
  // @ts-expect-error strategies are the proto enum names
  await db.merge('x', { strategy: 'prefer-source' });
  console.log(lossy);
}

void example;
