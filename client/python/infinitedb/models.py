"""The values the client takes and returns for spaces, records, branches
and the change stream (the graph's are in graph_models.py).

Points are tuples of ints (one uint32 coordinate per axis); values are
bytes; revisions, HLC stamps and counts are Python ints (64-bit on the
server). Every result is a frozen dataclass: it compares by value and
cannot be changed by accident.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional, Sequence, Tuple, Union

if TYPE_CHECKING:
    from infinitedb.graph_models import Edge

# One coordinate per axis of the space, each 0 to 2**32 - 1.
Point = Tuple[int, ...]
# What a caller may pass as a point.
PointLike = Sequence[int]
# What a caller may pass as a value: bytes as they are, str as UTF-8.
ValueLike = Union[bytes, bytearray, memoryview, str]
# An inclusive box: (min corner, max corner).
BoxLike = Tuple[PointLike, PointLike]


@dataclass(frozen=True)
class Space:
    """A named dataset with a fixed number of axes."""
    name: str
    dims: int
    # The revision current when the space was created.
    created_revision: int


@dataclass(frozen=True)
class Stamp:
    """The identity of a commit."""
    # Server-wide commit number (never 0 for a commit).
    revision: int
    # Hybrid logical clock: physical milliseconds << 16 | logical counter.
    hlc: int
    # Node id of the server that made the commit.
    origin: int


@dataclass(frozen=True)
class Record:
    """One version of one address (space, point)."""
    point: Point
    # Empty for a tombstone; an empty value is also a value (see deleted).
    value: bytes
    stamp: Stamp
    # True for a tombstone (a delete); only history() returns those.
    deleted: bool = False

    @property
    def revision(self) -> int:
        """The revision of the commit that wrote this version."""
        return self.stamp.revision


@dataclass(frozen=True)
class Put:
    """A batch mutation writing `value` at (space, point). if_revision:
    write only if the address's live version has this revision (0 = only
    if it has none); None = unconditionally."""
    space: str
    point: PointLike
    value: ValueLike
    if_revision: Optional[int] = None


@dataclass(frozen=True)
class Delete:
    """A batch mutation writing a tombstone at (space, point), with an
    optional precondition as in Put."""
    space: str
    point: PointLike
    if_revision: Optional[int] = None


Mutation = Union[Put, Delete]


@dataclass(frozen=True)
class Branch:
    """A named line of history; "main" has no parent."""
    name: str
    # Empty for main.
    parent: str
    # This server's revision at which the branch was forked.
    fork_revision: int
    # Its newest commit (0: none yet).
    head_revision: int
    # The fork's HLC stamp, equal on every replica (0 for main).
    fork_hlc: int


class ChangeKind(enum.IntEnum):
    """How an address or edge differs between the two sides of a diff."""
    # Never sent by a server that works; here so that any value converts.
    UNSPECIFIED = 0
    ADDED = 1
    MODIFIED = 2
    REMOVED = 3


@dataclass(frozen=True)
class DiffEntry:
    """One address (space and point) or one edge (edge_id) whose live
    versions differ between the two sides of a diff: an edge's versions are
    in before_edge and after_edge."""
    kind: ChangeKind
    space: str
    point: Point
    edge_id: int
    # None where that side has no live version.
    before: Optional[Record]
    after: Optional[Record]
    before_edge: Optional[Edge] = None
    after_edge: Optional[Edge] = None


class MergeStrategy(enum.IntEnum):
    """What a merge does with a conflict."""
    # Apply nothing; keep the merge in progress for resolution.
    FAIL_ON_CONFLICT = 0
    # Keep the target's version.
    PREFER_TARGET = 1
    # Take the source's version.
    PREFER_SOURCE = 2


@dataclass(frozen=True)
class MergeConflict:
    """A record or edge changed differently on both sides. kind is the
    proto's ConflictKind name, e.g. "CONFLICT_BOTH_MODIFIED"."""
    id: int
    kind: str
    space: str
    point: Point
    edge_id: int
    base: Optional[Record]
    ours: Optional[Record]
    theirs: Optional[Record]


@dataclass(frozen=True)
class MergeResult:
    """What a merge did (or, for a dry run, would do)."""
    # The merge base as (branch, revision).
    base: Tuple[str, int]
    ours_revision: int
    theirs_revision: int
    fast_forward: bool
    taken: int
    unchanged: int
    # Every conflict is counted; conflict_sample holds the first ones.
    conflicts: int
    conflict_sample: Tuple[MergeConflict, ...]
    # The merge's commit, when it wrote one.
    stamp: Optional[Stamp]
    # True while a merge stopped by conflicts awaits resolution.
    in_progress: bool
    # Edges left with an endpoint that has no live record.
    dangling_edges: Tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class ChangeOp:
    """One operation of a committed change. Besides user spaces, the
    system spaces "__graph.edges" (edges) and "__catalog" (branch and
    space events) appear unless a space filter leaves them out."""
    branch: str
    space: str
    point: Point
    # A tombstone; value is then empty.
    deleted: bool
    value: bytes
    hlc: int
    origin: int


@dataclass(frozen=True)
class ChangeSet:
    """Every operation of one revision that passed the watch's filters."""
    revision: int
    ops: Tuple[ChangeOp, ...]
