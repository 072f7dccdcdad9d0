"""Conversions from the Branches service's messages to the client's values:
branches, diff entries and merge results.
"""
from __future__ import annotations

from infinitedb.convert import optional_record, point, stamp
from infinitedb.graph_convert import optional_edge
from infinitedb.models import (Branch, ChangeKind, DiffEntry, MergeConflict,
                               MergeResult)
from infinitedb.v1 import branches_pb2


def branch(message: branches_pb2.Branch) -> Branch:
    return Branch(name=message.name, parent=message.parent,
                  fork_revision=message.fork_revision,
                  head_revision=message.head_revision,
                  fork_hlc=message.fork_hlc)


def diff_entry(message: branches_pb2.DiffEntry) -> DiffEntry:
    return DiffEntry(kind=ChangeKind(message.kind), space=message.space,
                     point=point(message.point), edge_id=message.edge_id,
                     before=optional_record(message, "before"),
                     after=optional_record(message, "after"),
                     before_edge=optional_edge(message, "before_edge"),
                     after_edge=optional_edge(message, "after_edge"))


def merge_conflict(message: branches_pb2.MergeConflict) -> MergeConflict:
    return MergeConflict(
        id=message.id, kind=branches_pb2.ConflictKind.Name(message.kind),
        space=message.space, point=point(message.point),
        edge_id=message.edge_id, base=optional_record(message, "base"),
        ours=optional_record(message, "ours"),
        theirs=optional_record(message, "theirs"))


def merge_result(message: branches_pb2.MergeResponse) -> MergeResult:
    return MergeResult(
        base=(message.base.branch, message.base.as_of),
        ours_revision=message.ours_revision,
        theirs_revision=message.theirs_revision,
        fast_forward=message.fast_forward, taken=message.taken,
        unchanged=message.unchanged, conflicts=message.conflicts,
        conflict_sample=tuple(merge_conflict(c)
                              for c in message.conflict_sample),
        stamp=(stamp(message.stamp) if message.stamp.revision != 0
               else None),
        in_progress=message.in_progress,
        dangling_edges=tuple(message.dangling_edges))
