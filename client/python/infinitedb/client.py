"""Client: the typed wrapper around the generated stubs of every service.

Each method builds one request (refusing what the client can tell is wrong
before sending), makes the call with the client's deadline, and converts
the answer to the values of models.py and graph_models.py. A failed call
raises infinitedb.Error with the gRPC status code's name (.code) and the
server's message. Methods that return an iterator make their calls as it
is iterated, so the server's errors are raised from the iteration.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator, List, Optional, Sequence, Tuple

import grpc

from infinitedb import branch_convert, convert, graph_convert
from infinitedb.credentials import TokenInterceptor
from infinitedb.errors import invalid_argument, translated
from infinitedb.graph_models import Direction, Edge, EdgeWritten, Incidence
from infinitedb.models import (BoxLike, Branch, DiffEntry, MergeResult,
                               MergeStrategy, Mutation, PointLike, Record,
                               Space, Stamp, ValueLike)
from infinitedb.paging import PAGE_SIZE_DEFAULT, streamed_pages, unary_pages
from infinitedb.stubs import Stubs
from infinitedb.v1 import (admin_pb2, auth_pb2, branches_pb2, graph_pb2,
                           graph_types_pb2, records_pb2, replication_pb2,
                           spaces_pb2)
from infinitedb.watch import Watch

build = convert.build

# Deadline of each call, as infdb-cli's default.
TIMEOUT_SECONDS_DEFAULT = 30.0
# The largest gRPC message sent or received: the server's default
# --max-message-mb (gRPC's own default of 4 MiB would refuse a Get of a
# value at the server's default 4 MiB limit).
MESSAGE_BYTES_MAX = 64 << 20


class Client:
    """A connection to one infdb-server.

    Thread-safe: calls from several threads share the channel. Use it as a
    context manager, or call close(), to release the channel.
    """

    def __init__(self, endpoint: str = "127.0.0.1:7070",
                 timeout: Optional[float] = TIMEOUT_SECONDS_DEFAULT,
                 credentials: Optional[grpc.ChannelCredentials] = None
                 ) -> None:
        """endpoint: "HOST:PORT" of the server. timeout: the deadline of
        each call in seconds (None = none); an iterator's deadline applies
        to each of its calls (pages). credentials: None = plaintext, or TLS
        such as grpc.ssl_channel_credentials(root_certificates=CA_PEM) (with
        private_key and certificate_chain for a client certificate)."""
        if timeout is not None and not timeout > 0:
            raise invalid_argument("timeout: seconds > 0 or None, got %r" %
                                   (timeout,))
        self.endpoint = endpoint
        self.timeout = timeout
        options = [("grpc.max_send_message_length", MESSAGE_BYTES_MAX),
                   ("grpc.max_receive_message_length", MESSAGE_BYTES_MAX)]
        if credentials is None:
            self._channel = grpc.insecure_channel(endpoint, options=options)
        else:
            self._channel = grpc.secure_channel(endpoint, credentials,
                                                options=options)
        # Every call carries the token of authenticate(), once there is one.
        self._token = TokenInterceptor()
        self._calls = grpc.intercept_channel(self._channel, self._token)
        # The raw stubs, for calls this class does not wrap (the Auth
        # service's users and roles among them: stubs.auth).
        self.stubs = Stubs(self._calls)

    def close(self) -> None:
        """Closes the channel; calls in progress are cancelled."""
        self._channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _call(self, method: Any, request: Any) -> Any:
        """method(request) with the client's deadline; errors as Error."""
        with translated():
            return method(request, timeout=self.timeout)

    def authenticate(self, user: str, password: str) -> int:
        """Gets a token (Auth.Authenticate) that every later call of this
        client sends; returns when it expires, in Unix seconds. A server
        with auth enabled answers calls without one UNAUTHENTICATED."""
        if not isinstance(user, str) or not isinstance(password, str):
            raise invalid_argument("user and password: strings are required")
        response = self._call(
            self.stubs.auth.Authenticate,
            auth_pb2.AuthenticateRequest(user=user, password=password))
        self._token.token = response.token
        return response.expires_unix

    def auth_status(self) -> Tuple[bool, str]:
        """(whether auth is enabled, the caller's user or "")."""
        response = self._call(self.stubs.auth.AuthStatus,
                              auth_pb2.AuthStatusRequest())
        return response.enabled, response.user

    def revision(self) -> int:
        """The server's newest revision."""
        return self._call(self.stubs.admin.Status,
                          admin_pb2.StatusRequest()).header.revision

    # Spaces.

    def create_space(self, name: str, dims: int) -> Space:
        """Creates a space of `dims` axes (1 to 16). ALREADY_EXISTS if the
        name is taken."""
        request = build(spaces_pb2.CreateSpaceRequest, name=name, dims=dims)
        return convert.space(
            self._call(self.stubs.spaces.CreateSpace, request).space)

    def get_space(self, name: str) -> Space:
        """The space; NOT_FOUND if there is none of that name."""
        request = build(spaces_pb2.GetSpaceRequest, name=name)
        return convert.space(
            self._call(self.stubs.spaces.GetSpace, request).space)

    def list_spaces(self) -> List[Space]:
        """Every space, sorted by name."""
        response = self._call(self.stubs.spaces.ListSpaces,
                              spaces_pb2.ListSpacesRequest())
        return [convert.space(s) for s in response.spaces]

    def drop_space(self, name: str) -> None:
        """Drops the space and its records on every branch."""
        self._call(self.stubs.spaces.DropSpace,
                   build(spaces_pb2.DropSpaceRequest, name=name))

    # Records.

    def put(self, space: str, point: PointLike, value: ValueLike, *,
            branch: str = "", if_revision: Optional[int] = None) -> Stamp:
        """Writes `value` (bytes, or str as UTF-8) at `point`; one revision.

        if_revision: write only if the address's live version has this
        revision (0 = only if it has none), else FAILED_PRECONDITION and
        nothing is written; None = unconditionally. branch: "" = main.
        """
        request = build(records_pb2.PutRequest, branch=branch, space=space,
                        point=convert.point_proto(point),
                        value=convert.value_bytes(value),
                        if_revision=convert.precondition(if_revision))
        return convert.stamp(self._call(self.stubs.records.Put,
                                        request).stamp)

    def delete(self, space: str, point: PointLike, *, branch: str = "",
               if_revision: Optional[int] = None) -> Stamp:
        """Writes a tombstone at `point`, with an optional precondition as
        in put()."""
        request = build(records_pb2.DeleteRequest, branch=branch,
                        space=space, point=convert.point_proto(point),
                        if_revision=convert.precondition(if_revision))
        return convert.stamp(self._call(self.stubs.records.Delete,
                                        request).stamp)

    def batch(self, mutations: Iterable[Mutation], *,
              branch: str = "") -> Stamp:
        """Applies every Put and Delete, or none, as one revision; the last
        of several mutations of one address wins. One failed precondition
        fails the whole batch with FAILED_PRECONDITION."""
        request = build(records_pb2.BatchRequest, branch=branch, mutations=[
            convert.mutation_proto(m, i) for i, m in enumerate(mutations)])
        return convert.stamp(self._call(self.stubs.records.Batch,
                                        request).stamp)

    def get(self, space: str, point: PointLike, *, branch: str = "",
            as_of: int = 0) -> Optional[Record]:
        """The visible version of the address on `branch` as of `as_of`
        (0 = newest), or None when it has none or it is deleted."""
        request = build(records_pb2.GetRequest, space=space,
                        point=convert.point_proto(point),
                        read=convert.read_options(branch, as_of))
        response = self._call(self.stubs.records.Get, request)
        return convert.record(response.record) if response.found else None

    def history(self, space: str, point: PointLike, *, branch: str = "",
                as_of: int = 0) -> List[Record]:
        """Every version of the address up to `as_of`, newest first,
        tombstones included (Record.deleted)."""
        request = build(records_pb2.HistoryRequest, space=space,
                        point=convert.point_proto(point),
                        read=convert.read_options(branch, as_of))
        response = self._call(self.stubs.records.History, request)
        return [convert.record(v) for v in response.versions]

    def query(self, space: str, box: Optional[BoxLike] = None, *,
              scope: Optional[Sequence[int]] = None, branch: str = "",
              as_of: int = 0,
              page_size: int = PAGE_SIZE_DEFAULT) -> Iterator[Record]:
        """The live records inside `box` ((min, max) corners, inclusive),
        or whose first axes equal `scope`, or of the whole space (neither),
        in Hilbert order, all read at one revision. The iterator asks for
        `page_size` records per call and resumes by the server's cursor,
        so any number of records streams with bounded memory."""
        request = self._query_request(space, box, scope, branch, as_of)
        records = streamed_pages(self.stubs.records.Query, request,
                                 "records", page_size, self.timeout)
        return (convert.record(r) for r in records)

    def count(self, space: str, box: Optional[BoxLike] = None, *,
              scope: Optional[Sequence[int]] = None, branch: str = "",
              as_of: int = 0) -> int:
        """How many records query() would return."""
        request = self._query_request(space, box, scope, branch, as_of)
        return self._call(self.stubs.records.Count, request).count

    def _query_request(self, space: str, box: Optional[BoxLike],
                       scope: Optional[Sequence[int]], branch: str,
                       as_of: int) -> records_pb2.QueryRequest:
        if box is not None and scope is not None:
            raise invalid_argument("box and scope: give one, not both")
        request = build(records_pb2.QueryRequest, space=space,
                        read=convert.read_options(branch, as_of))
        if box is not None:
            request.box.CopyFrom(convert.box_proto(box))
        if scope is not None:
            request.scope.CopyFrom(build(records_pb2.Scope,
                                         prefix=list(scope)))
        return request

    # Branches.

    def create_branch(self, name: str, parent: str = "") -> Branch:
        """Forks `name` from `parent` ("" = main) at its current revision."""
        request = build(branches_pb2.CreateBranchRequest, name=name,
                        parent=parent)
        return branch_convert.branch(
            self._call(self.stubs.branches.CreateBranch, request).branch)

    def list_branches(self) -> List[Branch]:
        """Every branch, main included, sorted by name."""
        response = self._call(self.stubs.branches.ListBranches,
                              branches_pb2.ListBranchesRequest())
        return [branch_convert.branch(b) for b in response.branches]

    def drop_branch(self, name: str) -> None:
        """Drops a branch: FAILED_PRECONDITION for main, a branch with
        children, or one a merge in progress involves."""
        self._call(self.stubs.branches.DropBranch,
                   build(branches_pb2.DropBranchRequest, name=name))

    def diff(self, from_branch: str, to_branch: str, *, from_as_of: int = 0,
             to_as_of: int = 0, space: str = "",
             box: Optional[BoxLike] = None,
             page_size: int = PAGE_SIZE_DEFAULT) -> Iterator[DiffEntry]:
        """The addresses and edges whose live versions differ between the
        two sides (each a branch as of a revision, 0 = newest), in space
        and key order; paged transparently. space "" = every space and the
        edges; else that space's records, inside `box` when given."""
        request = build(
            branches_pb2.DiffRequest, space=space,
            to=build(branches_pb2.BranchAt, branch=to_branch, as_of=to_as_of))
        # `from` is a Python keyword: set it as an attribute.
        getattr(request, "from").CopyFrom(build(
            branches_pb2.BranchAt, branch=from_branch, as_of=from_as_of))
        if box is not None:
            request.box.CopyFrom(convert.box_proto(box))
        entries = unary_pages(self.stubs.branches.Diff, request, "entries",
                              page_size, self.timeout)
        return (branch_convert.diff_entry(e) for e in entries)

    def merge(self, source: str, target: str = "", *,
              strategy: MergeStrategy = MergeStrategy.FAIL_ON_CONFLICT,
              dry_run: bool = False, conflict_limit: int = 0) -> MergeResult:
        """Three-way merge of `source` into `target` ("" = main) as one
        revision. With FAIL_ON_CONFLICT and conflicts, nothing is applied
        and the merge stays in progress (result.in_progress): resolve
        through stubs.branches, or abort_merge(). dry_run writes nothing.
        conflict_limit: most conflicts in the sample (0 = 100)."""
        request = build(branches_pb2.MergeRequest, source=source,
                        target=target, strategy=int(strategy),
                        dry_run=dry_run, conflict_limit=conflict_limit)
        return branch_convert.merge_result(
            self._call(self.stubs.branches.Merge, request))

    def abort_merge(self, target: str = "") -> None:
        """Drops the merge in progress into `target`; changes nothing."""
        self._call(self.stubs.branches.AbortMerge,
                   build(branches_pb2.AbortMergeRequest, target=target))

    # Graph.

    def put_edge(self, edge: Edge, *, branch: str = "",
                 if_revision: Optional[int] = None) -> EdgeWritten:
        """Writes an edge: a new one (edge.id 0; the server assigns the
        id) or a new version of edge.id (the whole edge is replaced)."""
        request = build(graph_pb2.PutEdgeRequest, branch=branch,
                        edge=graph_convert.edge_proto(edge),
                        if_revision=convert.precondition(if_revision))
        response = self._call(self.stubs.graph.PutEdge, request)
        return EdgeWritten(id=response.id,
                           stamp=convert.stamp(response.stamp))

    def delete_edge(self, edge_id: int, *, branch: str = "",
                    if_revision: Optional[int] = None) -> EdgeWritten:
        """Writes a tombstone for the edge; NOT_FOUND if it has no live
        version."""
        request = build(graph_pb2.DeleteEdgeRequest, branch=branch,
                        id=edge_id,
                        if_revision=convert.precondition(if_revision))
        response = self._call(self.stubs.graph.DeleteEdge, request)
        return EdgeWritten(id=response.id,
                           stamp=convert.stamp(response.stamp))

    def get_edge(self, edge_id: int, *, branch: str = "",
                 as_of: int = 0) -> Optional[Edge]:
        """The visible version of the edge, or None."""
        request = build(graph_pb2.GetEdgeRequest, id=edge_id,
                        read=convert.read_options(branch, as_of))
        response = self._call(self.stubs.graph.GetEdge, request)
        return graph_convert.edge(response.edge) if response.found else None

    def incident(self, space: str, point: PointLike, *,
                 direction: Direction = Direction.ANY,
                 kinds: Sequence[str] = (), roles: Sequence[str] = (),
                 branch: str = "", as_of: int = 0,
                 page_size: int = PAGE_SIZE_DEFAULT) -> Iterator[Incidence]:
        """The live edges incident to the node (space, point) that pass
        the filter (direction seen from the node; kinds and roles empty =
        any), in edge id order at one revision; paged transparently."""
        request = build(
            graph_pb2.IncidentRequest,
            read=convert.read_options(branch, as_of),
            node=graph_convert.node_proto(space, point),
            filter=build(graph_types_pb2.EdgeFilter,
                         direction=int(direction), kinds=list(kinds),
                         roles=list(roles)))
        incidences = streamed_pages(self.stubs.graph.Incident, request,
                                    "incidences", page_size, self.timeout)
        return (graph_convert.incidence(i) for i in incidences)

    # Changes.

    def watch(self, *, after_revision: Optional[int] = None,
              spaces: Sequence[str] = (), branches: Sequence[str] = (),
              timeout: Optional[float] = None) -> Watch:
        """The change sets committed after `after_revision` (None = after
        the newest revision now, i.e. from now on; 0 = from the start of
        the retained log), then live ones as they commit, filtered to
        `spaces` and `branches` (empty = all; the system spaces
        "__graph.edges" and "__catalog" pass only an empty space filter
        or one that names them). timeout: the whole stream's deadline
        (None = none). Use as `with client.watch() as changes:`."""
        if after_revision is None:
            after_revision = self.revision()
        start = build(replication_pb2.SubscribeRequest,
                      after_revision=after_revision, spaces=list(spaces),
                      branches=list(branches))
        return Watch(self.stubs.replication, start, timeout)
