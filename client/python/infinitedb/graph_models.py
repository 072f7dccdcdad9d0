"""The values the client takes and returns for the graph: hyperedges
between points of spaces, their endpoints, and incidences.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence, Tuple

from infinitedb.models import Point, PointLike, Stamp


class Polarity(enum.IntEnum):
    """An endpoint's place on an edge (the proto's Polarity)."""
    # Every endpoint of an undirected edge.
    NEUTRAL = 0
    # A directed edge leaves its tails...
    TAIL = 1
    # ...and enters its heads.
    HEAD = 2


class Direction(enum.IntEnum):
    """Which incident edges of a node to take, seen from the node."""
    ANY = 0
    # Directed edges where the node is a tail.
    OUTGOING = 1
    # Directed edges where the node is a head.
    INCOMING = 2
    # Undirected edges.
    NEUTRAL = 3


@dataclass(frozen=True)
class Endpoint:
    """One end of a hyperedge: a point of a space with a role."""
    space: str
    point: PointLike
    role: str
    polarity: Polarity = Polarity.NEUTRAL


@dataclass(frozen=True)
class Edge:
    """One version of a hyperedge.

    On a write, id 0 makes a new edge (the server assigns the id), and
    stamp and deleted are ignored. A directed edge needs at least one TAIL
    and one HEAD endpoint; an undirected one only NEUTRAL endpoints.
    """
    kind: str
    endpoints: Sequence[Endpoint]
    directed: bool = False
    # None = no weight.
    weight: Optional[int] = None
    properties: Mapping[str, str] = field(default_factory=dict)
    payload: bytes = b""
    id: int = 0
    # Set on reads: the commit that wrote this version.
    stamp: Optional[Stamp] = None
    # Set on reads: a tombstone.
    deleted: bool = False


@dataclass(frozen=True)
class EdgeWritten:
    """The result of put_edge and delete_edge."""
    # The edge's id (the assigned one for a new edge).
    id: int
    stamp: Stamp


@dataclass(frozen=True)
class Node:
    """A node of the graph: a point of a space."""
    space: str
    point: Point


@dataclass(frozen=True)
class Incidence:
    """One edge seen from one of its nodes."""
    node: Node
    # Every (role, polarity) the node has on the edge, in endpoint order.
    roles: Tuple[Tuple[str, Polarity], ...]
    edge: Edge
