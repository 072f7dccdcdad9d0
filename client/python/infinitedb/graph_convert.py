"""Conversions between the Graph service's messages and the client's
graph values (graph_models.py): edges, endpoints, nodes and incidences.
"""
from __future__ import annotations

from typing import Optional

from infinitedb.convert import point, point_proto, stamp
from infinitedb.errors import invalid_argument
from infinitedb.graph_models import (Edge, Endpoint, Incidence, Node,
                                     Polarity)
from infinitedb.models import PointLike
from infinitedb.v1 import graph_pb2, graph_types_pb2


def endpoint_proto(endpoint: Endpoint, name: str) -> graph_types_pb2.Endpoint:
    return graph_types_pb2.Endpoint(
        space=endpoint.space, point=point_proto(endpoint.point,
                                                name + ".point"),
        role=endpoint.role, polarity=int(endpoint.polarity))


def edge_proto(edge: Edge) -> graph_types_pb2.Edge:
    """The Edge message of a write (stamp and deleted are not sent)."""
    if not isinstance(edge, Edge):
        raise invalid_argument("edge: an Edge, got %s" % type(edge).__name__)
    message = graph_types_pb2.Edge(
        id=edge.id, kind=edge.kind, directed=edge.directed,
        endpoints=[endpoint_proto(e, "edge.endpoints[%d]" % i)
                   for i, e in enumerate(edge.endpoints)],
        properties=dict(edge.properties), payload=bytes(edge.payload))
    if edge.weight is not None:
        message.weight.value = edge.weight
    return message


def node_proto(space: str,
               node_point: PointLike) -> graph_types_pb2.NodeRef:
    return graph_types_pb2.NodeRef(space=space,
                                   point=point_proto(node_point, "node.point"))


def edge(message: graph_types_pb2.Edge) -> Edge:
    return Edge(
        id=message.id, kind=message.kind, directed=message.directed,
        endpoints=tuple(Endpoint(space=e.space, point=point(e.point),
                                 role=e.role, polarity=Polarity(e.polarity))
                        for e in message.endpoints),
        weight=message.weight.value if message.HasField("weight") else None,
        properties=dict(message.properties), payload=message.payload,
        stamp=stamp(message.stamp) if message.HasField("stamp") else None,
        deleted=message.deleted)


def optional_edge(parent, field: str) -> Optional[Edge]:
    """parent.field as an Edge, or None where it is unset."""
    return edge(getattr(parent, field)) if parent.HasField(field) else None


def incidence(message: graph_pb2.Incidence) -> Incidence:
    return Incidence(
        node=Node(space=message.node.space, point=point(message.node.point)),
        roles=tuple((r.role, Polarity(r.polarity)) for r in message.roles),
        edge=edge(message.edge))
