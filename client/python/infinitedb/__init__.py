"""infinitedb: a Python client for InfiniteDB (infdb-server).

    import infinitedb
    with infinitedb.Client("127.0.0.1:7070") as db:
        db.create_space("loads", dims=3)
        stamp = db.put("loads", (42, 3, 0), "12.5 kN")
        for record in db.query("loads", box=((0, 0, 0), (50, 9, 0))):
            print(record.point, record.value, record.revision)

Every failed call raises infinitedb.Error (.code is the gRPC status code's
name, .message the server's message). The generated stubs and messages are
in infinitedb.v1 (Client.stubs holds one stub per service).
"""
from infinitedb.client import Client
from infinitedb.errors import Error
from infinitedb.graph_models import (Direction, Edge, EdgeWritten, Endpoint,
                                     Incidence, Node, Polarity)
from infinitedb.models import (Branch, ChangeKind, ChangeOp, ChangeSet,
                               Delete, DiffEntry, MergeConflict, MergeResult,
                               MergeStrategy, Mutation, Point, Put, Record,
                               Space, Stamp)
from infinitedb.watch import Watch

__version__ = "0.1.0"

__all__ = [
    "Branch", "ChangeKind", "ChangeOp", "ChangeSet", "Client", "Delete",
    "DiffEntry", "Direction", "Edge", "EdgeWritten", "Endpoint", "Error",
    "Incidence", "MergeConflict", "MergeResult", "MergeStrategy", "Mutation",
    "Node", "Point", "Polarity", "Put", "Record", "Space", "Stamp", "Watch",
]
