// Type declarations of the infinitedb package (hand-written; checked by
// `npm run typecheck` against test/types/example.ts).
//
// Conventions of every method:
//   - Field names are camelCase (the proto3 JSON names: forkRevision,
//     ifRevision, asOf).
//   - 64-bit integers (revisions, HLCs, ids, counts) are BigInt on output;
//     on input they may be a number (a safe integer), a BigInt or a decimal
//     string (Uint64Input). 32-bit ones (dims, origin, coordinates) are
//     numbers.
//   - A point is an array of uint32 coordinates.
//   - Values are Buffers on output; a Buffer, Uint8Array, ArrayBuffer or
//     string (UTF-8) on input.
//   - Enums are their proto names ('POLARITY_TAIL').
//   - Every failure, local or from the server, is an InfiniteDBError.

/// <reference types="node" />

import type { ChannelCredentials } from '@grpc/grpc-js';

/** A uint64 on input: a safe-integer number, a BigInt or a decimal string. */
export type Uint64Input = number | bigint | string;
/** An int64 on input (edge weights). */
export type Int64Input = number | bigint | string;
/** One uint32 coordinate per axis of the space, in axis order. */
export type Point = number[];
/** Value bytes on input; a string is encoded as UTF-8. */
export type BytesInput = Buffer | Uint8Array | ArrayBuffer | string;

/** gRPC status names, as InfiniteDBError.code. */
export type StatusName =
  | 'OK' | 'CANCELLED' | 'UNKNOWN' | 'INVALID_ARGUMENT' | 'DEADLINE_EXCEEDED'
  | 'NOT_FOUND' | 'ALREADY_EXISTS' | 'PERMISSION_DENIED' | 'RESOURCE_EXHAUSTED'
  | 'FAILED_PRECONDITION' | 'ABORTED' | 'OUT_OF_RANGE' | 'UNIMPLEMENTED'
  | 'INTERNAL' | 'UNAVAILABLE' | 'DATA_LOSS' | 'UNAUTHENTICATED';

export class InfiniteDBError extends Error {
  /** The gRPC status name, e.g. 'FAILED_PRECONDITION'. */
  readonly code: StatusName;
  /** The server's message; it names the offending field. */
  readonly details: string;
  /** The gRPC status number. */
  readonly grpcCode: number;
  /** Trailing metadata of the failed call; null for a local error. */
  readonly metadata: unknown;
  constructor(code: StatusName, details: string,
    options?: { cause?: unknown; metadata?: unknown });
}

export interface ClientOptions {
  /** Deadline of each call (each page call of a paged read); default 30000. */
  timeoutMs?: number;
  /** Largest message sent or received; default 64 MiB (the server's). */
  maxMessageBytes?: number;
  /** Default: insecure (plaintext). */
  credentials?: ChannelCredentials;
  /** Directory holding infinitedb/v1/*.proto; default: found automatically. */
  protoDir?: string;
}

/** The identity of a commit. */
export interface Stamp {
  revision: bigint;
  hlc: bigint;
  origin: number;
}

/** One version of one address. */
export interface RecordVersion extends Stamp {
  point: Point;
  value: Buffer;
  /** True for a tombstone (only history() returns them). */
  deleted: boolean;
}

export interface Space {
  name: string;
  dims: number;
  createdRevision: bigint;
}

export interface Branch {
  name: string;
  /** '' for main. */
  parent: string;
  forkRevision: bigint;
  /** 0n: no commit on the branch yet. */
  headRevision: bigint;
  forkHlc: bigint;
}

export interface ServerStatus {
  nodeId: number;
  version: string;
  /** The server's newest revision. */
  revision: bigint;
  durability: string;
  uptimeSeconds: bigint;
}

export interface ReadOptions {
  /** Default 'main'. */
  branch?: string;
  /** Read as of this revision; absent or 0 = the newest. */
  asOf?: Uint64Input;
}

export interface WriteOptions {
  /** Default 'main'. */
  branch?: string;
  /**
   * Write only if the address's live version has this revision (0 = it must
   * have none); else FAILED_PRECONDITION and nothing is written. Absent or
   * null = unconditional.
   */
  ifRevision?: Uint64Input | null;
}

export type Mutation =
  | { space: string; point: Point; value: BytesInput; ifRevision?: Uint64Input | null }
  | { space: string; point: Point; delete: true; ifRevision?: Uint64Input | null };

/** A box (inclusive min and max corners), a scope (pinned first axes), or neither. */
export interface ShapeOptions {
  min?: Point;
  max?: Point;
  scope?: number[];
}

export interface PageOptions {
  /** Most items per server call; default 1000. */
  pageSize?: number;
  /** Most items of the whole iteration; default all. */
  limit?: number;
}

export type QueryOptions = ReadOptions & ShapeOptions & PageOptions;
export type CountOptions = ReadOptions & ShapeOptions;

/**
 * The results of a resumable read. Iterating calls the server a page at a
 * time, resuming from its cursor, all at one revision; each iteration runs
 * the read again. Errors reject next(); leaving the loop cancels the call.
 */
export class Paged<T> implements AsyncIterable<T> {
  private constructor();
  /** The revision read, once the first call of an iteration has ended. */
  readonly revision: bigint | undefined;
  [Symbol.asyncIterator](): AsyncIterator<T>;
  toArray(): Promise<T[]>;
}

export type ChangeKind =
  'CHANGE_KIND_UNSPECIFIED' | 'CHANGE_ADDED' | 'CHANGE_MODIFIED' | 'CHANGE_REMOVED';

/** A side of a diff: a branch name (newest) or a branch as of a revision. */
export type BranchAt = string | { branch?: string; asOf?: Uint64Input };

export interface DiffEntry {
  kind: ChangeKind;
  /** A record's space and point ('' and null for an edge). */
  space: string;
  point: Point | null;
  /** An edge's id (0n for a record). */
  edgeId: bigint;
  before: RecordVersion | null;
  after: RecordVersion | null;
  beforeEdge: Edge | null;
  afterEdge: Edge | null;
}

export interface DiffOptions extends PageOptions {
  /** Only this space's records (else every space and the edges). */
  space?: string;
  /** With space: only inside this box. */
  min?: Point;
  max?: Point;
}

export type MergeStrategy =
  'MERGE_FAIL_ON_CONFLICT' | 'MERGE_PREFER_TARGET' | 'MERGE_PREFER_SOURCE';

export interface MergeOptions {
  /** Default 'main'. */
  target?: string;
  /** Default 'MERGE_FAIL_ON_CONFLICT'. */
  strategy?: MergeStrategy;
  dryRun?: boolean;
  /** Conflicts returned in conflictSample (all are counted); 0 = 100. */
  conflictLimit?: number;
}

export interface MergeConflict {
  id: bigint;
  kind: 'CONFLICT_BOTH_MODIFIED' | 'CONFLICT_BOTH_ADDED' |
    'CONFLICT_DELETED_IN_TARGET' | 'CONFLICT_DELETED_IN_SOURCE';
  space: string;
  point: Point | null;
  edgeId: bigint;
  base: RecordVersion | null;
  ours: RecordVersion | null;
  theirs: RecordVersion | null;
  baseEdge: Edge | null;
  oursEdge: Edge | null;
  theirsEdge: Edge | null;
  resolution: 'RESOLUTION_UNRESOLVED' | 'RESOLUTION_OURS' |
    'RESOLUTION_THEIRS' | 'RESOLUTION_VALUE' | 'RESOLUTION_DELETE';
}

export interface MergeResult {
  base: { branch: string; asOf: bigint } | null;
  oursRevision: bigint;
  theirsRevision: bigint;
  fastForward: boolean;
  taken: bigint;
  unchanged: bigint;
  conflicts: bigint;
  conflictSample: MergeConflict[];
  /** The merge's commit, when it wrote. */
  stamp: Stamp | null;
  /** True when conflicts left the merge in progress (see abortMerge). */
  inProgress: boolean;
  danglingEdges: bigint[];
}

export type Polarity = 'POLARITY_NEUTRAL' | 'POLARITY_TAIL' | 'POLARITY_HEAD';
export type Direction =
  'DIRECTION_ANY' | 'DIRECTION_OUTGOING' | 'DIRECTION_INCOMING' | 'DIRECTION_NEUTRAL';

export interface NodeRef {
  space: string;
  point: Point;
}

export interface Endpoint extends NodeRef {
  role: string;
  polarity: Polarity;
}

export interface EdgeInput {
  /** Absent or 0 = a new edge (the server assigns the id). */
  id?: Uint64Input;
  kind: string;
  endpoints: Array<NodeRef & { role: string; polarity?: Polarity }>;
  directed?: boolean;
  /** Absent or null = no weight. */
  weight?: Int64Input | null;
  properties?: { [key: string]: string };
  payload?: BytesInput;
}

/** One version of a hyperedge. */
export interface Edge extends Stamp {
  id: bigint;
  kind: string;
  directed: boolean;
  endpoints: Endpoint[];
  weight: bigint | null;
  properties: { [key: string]: string };
  payload: Buffer;
  deleted: boolean;
}

export interface EdgeWriteResult extends Stamp {
  /** The edge's id (the assigned one for a new edge). */
  id: bigint;
}

export interface IncidentOptions extends ReadOptions, PageOptions {
  /** Default 'DIRECTION_ANY'. */
  direction?: Direction;
  kinds?: string[];
  roles?: string[];
}

/** One edge seen from one of its nodes. */
export interface Incidence {
  node: NodeRef;
  roles: Array<{ role: string; polarity: Polarity }>;
  edge: Edge;
}

export interface ChangeOp {
  branch: string;
  space: string;
  point: Point;
  deleted: boolean;
  value: Buffer;
  hlc: bigint;
  origin: number;
}

/** Every operation of one revision that passed the filters. */
export interface ChangeSet {
  revision: bigint;
  ops: ChangeOp[];
}

export interface WatchOptions {
  /** Changes with revision > afterRevision; default 0 (the retained log from the start). */
  afterRevision?: Uint64Input;
  /** Only these spaces (system spaces such as '__catalog' only when named); default all. */
  spaces?: string[];
  /** Only these branches; default all. */
  branches?: string[];
  /** Aborting ends the watch, like close(). */
  signal?: AbortSignal;
}

/**
 * The change stream from watch(), read once. It ends without error on
 * close(), an aborted signal, leaving the loop, or Client.close().
 */
export class Watch implements AsyncIterable<ChangeSet> {
  private constructor();
  close(): void;
  [Symbol.asyncIterator](): AsyncIterator<ChangeSet>;
}

export class Client {
  /** endpoint: "host:port". */
  constructor(endpoint: string, options?: ClientOptions);

  status(): Promise<ServerStatus>;

  createSpace(name: string, dims: number): Promise<Space>;
  getSpace(name: string): Promise<Space>;
  listSpaces(): Promise<Space[]>;
  dropSpace(name: string): Promise<void>;

  put(space: string, point: Point, value: BytesInput, options?: WriteOptions): Promise<Stamp>;
  delete(space: string, point: Point, options?: WriteOptions): Promise<Stamp>;
  /** All mutations or none, as one revision. */
  batch(mutations: Mutation[], options?: { branch?: string }): Promise<Stamp>;
  /** The visible version, or null. */
  get(space: string, point: Point, options?: ReadOptions): Promise<RecordVersion | null>;
  /** Every version, newest first, tombstones included. */
  history(space: string, point: Point, options?: ReadOptions): Promise<RecordVersion[]>;
  /** The live records of a box, scope or the whole space, in Hilbert order. */
  query(space: string, options?: QueryOptions): Paged<RecordVersion>;
  count(space: string, options?: CountOptions): Promise<bigint>;

  createBranch(name: string, options?: { parent?: string }): Promise<Branch>;
  listBranches(): Promise<Branch[]>;
  dropBranch(name: string): Promise<void>;
  diff(from: BranchAt, to: BranchAt, options?: DiffOptions): Paged<DiffEntry>;
  merge(source: string, options?: MergeOptions): Promise<MergeResult>;
  abortMerge(target?: string): Promise<void>;

  putEdge(edge: EdgeInput, options?: WriteOptions): Promise<EdgeWriteResult>;
  getEdge(id: Uint64Input, options?: ReadOptions): Promise<Edge | null>;
  deleteEdge(id: Uint64Input, options?: WriteOptions): Promise<Stamp>;
  incident(node: NodeRef, options?: IncidentOptions): Paged<Incidence>;

  watch(options?: WatchOptions): Watch;

  /** Gets a token that every later call of this client sends. */
  authenticate(user: string, password: string): Promise<{ expiresUnix: bigint }>;
  authStatus(): Promise<AuthStatus>;
  /** FAILED_PRECONDITION until the user root exists. */
  enableAuth(): Promise<void>;
  /** As root. */
  disableAuth(): Promise<void>;
  /** No password (or ''): a user that authenticates only with a certificate. */
  addUser(name: string, password?: string | null): Promise<void>;
  deleteUser(name: string): Promise<void>;
  listUsers(): Promise<User[]>;
  /** Ends the tokens the user holds. */
  changePassword(name: string, password: string): Promise<void>;
  grantRole(user: string, role: string): Promise<void>;
  revokeRole(user: string, role: string): Promise<void>;
  addRole(name: string): Promise<void>;
  deleteRole(name: string): Promise<void>;
  listRoles(): Promise<Role[]>;
  grantPermission(role: string, grant: Grant): Promise<void>;
  revokePermission(role: string, grant: Grant): Promise<void>;

  close(): void;
}

export type Permission = 'READ' | 'WRITE' | 'ADMIN' | 'REPLICATE';
/** space: a name, a prefix ending in '*', or '*'; branch: '' = every branch. */
export interface Grant { permission: Permission; space: string; branch?: string; }
export interface Role { name: string; grants: Required<Grant>[]; }
export interface User { name: string; roles: string[]; hasPassword: boolean; }
export interface AuthStatus {
  enabled: boolean;
  /** '' when the call carried no credentials. */
  user: string;
  /** 'token', 'certificate' or ''. */
  method: string;
}
