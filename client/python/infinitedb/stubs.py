"""The generated gRPC stubs of every service, on one channel.

The stubs are generated into the subpackage infinitedb.v1 at build time
(see generate_stubs.py); a source checkout that has not run it gets an
ImportError saying so.
"""
from __future__ import annotations

import grpc

try:
    from infinitedb.v1 import (admin_pb2_grpc, auth_pb2_grpc,
                               branches_pb2_grpc,
                               graph_pb2_grpc, records_pb2_grpc,
                               replication_pb2_grpc, spaces_pb2_grpc)
except ImportError as error:  # pragma: no cover - a setup problem
    raise ImportError(
        "infinitedb.v1 (the generated gRPC stubs) is missing: install the "
        "package (pip install client/python) or run "
        "client/python/generate_stubs.py (%s)" % error) from error


class Stubs:
    """One stub per service. For the calls the Client does not wrap (the
    merge conflict workflow, traversals, imports...), call these with the
    messages of infinitedb.v1.*_pb2 directly."""

    def __init__(self, channel: grpc.Channel) -> None:
        self.spaces = spaces_pb2_grpc.SpacesStub(channel)
        self.records = records_pb2_grpc.RecordsStub(channel)
        self.branches = branches_pb2_grpc.BranchesStub(channel)
        self.graph = graph_pb2_grpc.GraphStub(channel)
        self.admin = admin_pb2_grpc.AdminStub(channel)
        self.replication = replication_pb2_grpc.ReplicationStub(channel)
        self.auth = auth_pb2_grpc.AuthStub(channel)
