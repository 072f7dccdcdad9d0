"""Conversions between the generated protobuf messages and the client's
values (models.py) for points, values, records, spaces and changes.
Input is checked here where the client can tell it is wrong without the
server (a coordinate outside uint32, a value that is not bytes or str);
everything else is left to the server, which names the field.
"""
from __future__ import annotations

from typing import Any, Optional

from infinitedb.errors import invalid_argument
from infinitedb.models import (BoxLike, ChangeOp, ChangeSet, Delete,
                               Mutation, Point, PointLike, Put, Record, Space,
                               Stamp, ValueLike)
from infinitedb.v1 import common_pb2, records_pb2, replication_pb2, spaces_pb2

# The largest coordinate: points are uint32 per axis.
COORDINATE_MAX = 2**32 - 1


def point_proto(point: PointLike, name: str = "point") -> common_pb2.Point:
    """A Point message; `name` names the argument in errors."""
    if isinstance(point, (str, bytes)):
        raise invalid_argument("%s: a sequence of ints, got %r" %
                               (name, point))
    coordinates = list(point)
    for coordinate in coordinates:
        if isinstance(coordinate, bool) or not isinstance(coordinate, int):
            raise invalid_argument("%s: coordinates are ints, got %r" %
                                   (name, coordinate))
        if not 0 <= coordinate <= COORDINATE_MAX:
            raise invalid_argument("%s: coordinate %d is outside 0..%d" %
                                   (name, coordinate, COORDINATE_MAX))
    return common_pb2.Point(coordinates=coordinates)


def box_proto(box: BoxLike) -> common_pb2.Box:
    """A Box message from (min corner, max corner)."""
    try:
        low, high = box
    except (TypeError, ValueError):
        raise invalid_argument("box: a (min, max) pair of points, got %r" %
                               (box,)) from None
    return common_pb2.Box(min=point_proto(low, "box.min"),
                          max=point_proto(high, "box.max"))


def value_bytes(value: ValueLike, name: str = "value") -> bytes:
    """Bytes as they are, str encoded as UTF-8."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise invalid_argument("%s: bytes or str, got %s" %
                           (name, type(value).__name__))


def precondition(revision: Optional[int]
                 ) -> Optional[records_pb2.RevisionPrecondition]:
    """The if_revision message; None = unconditional (field unset)."""
    if revision is None:
        return None
    if isinstance(revision, bool) or not isinstance(revision, int) or \
            revision < 0:
        raise invalid_argument("if_revision: a revision >= 0, got %r" %
                               (revision,))
    return records_pb2.RevisionPrecondition(revision=revision)


def read_options(branch: str, as_of: int) -> common_pb2.ReadOptions:
    """Which branch (empty = main) and revision (0 = newest) a read uses."""
    return build(common_pb2.ReadOptions, branch=branch, as_of=as_of)


def mutation_proto(mutation: Mutation, index: int) -> records_pb2.Mutation:
    """A batch Mutation message; `index` names it in errors."""
    name = "mutations[%d]" % index
    if isinstance(mutation, Put):
        message = records_pb2.Mutation(
            space=mutation.space, point=point_proto(mutation.point,
                                                    name + ".point"),
            put_value=value_bytes(mutation.value, name + ".value"))
    elif isinstance(mutation, Delete):
        message = records_pb2.Mutation(
            space=mutation.space,
            point=point_proto(mutation.point, name + ".point"), delete=True)
    else:
        raise invalid_argument("%s: a Put or a Delete, got %s" %
                               (name, type(mutation).__name__))
    if mutation.if_revision is not None:
        message.if_revision.CopyFrom(precondition(mutation.if_revision))
    return message


def point(message: common_pb2.Point) -> Point:
    return tuple(message.coordinates)


def stamp(message: common_pb2.CommitStamp) -> Stamp:
    return Stamp(revision=message.revision, hlc=message.hlc,
                 origin=message.origin)


def record(message: common_pb2.Record) -> Record:
    return Record(point=point(message.point), value=message.value,
                  stamp=stamp(message.stamp), deleted=message.deleted)


def optional_record(parent, field: str) -> Optional[Record]:
    """parent.field as a Record, or None where it is unset."""
    return record(getattr(parent, field)) if parent.HasField(field) else None


def space(message: spaces_pb2.Space) -> Space:
    return Space(name=message.name, dims=message.dims,
                 created_revision=message.created_revision)


def change_set(message: replication_pb2.ChangeSet) -> ChangeSet:
    return ChangeSet(revision=message.revision, ops=tuple(
        ChangeOp(branch=op.branch, space=op.space, point=point(op.point),
                 deleted=op.deleted, value=op.value, hlc=op.hlc,
                 origin=op.origin) for op in message.ops))


def build(message_class: Any, **fields: Any) -> Any:
    """message_class(**fields), with protobuf's refusal of a field's type
    or range (a negative as_of, a str where an int goes) as an Error that
    names the field."""
    try:
        return message_class(**fields)
    except (TypeError, ValueError) as error:
        culprit = message_class.__name__
        for name, value in fields.items():
            try:
                message_class(**{name: value})
            except (TypeError, ValueError):
                culprit = name
                break
        raise invalid_argument("%s: %s" % (culprit, error)) from None
