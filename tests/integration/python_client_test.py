#!/usr/bin/python3
"""Any-language proof: a Python client (Debian's python3-grpcio and
python3-grpc-tools) generates stubs from proto/ and runs put, query and
history, and hyperedge put, get and incidence, against a real infdb-server.

usage: python_client_test.py PATH_TO_INFDB_SERVER PROTO_DIR
"""
import os
import re
import subprocess
import sys
import tempfile
import time

from grpc_tools import protoc


def main():
    server_path, proto_dir = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="infdb-python-")
    out = os.path.join(work, "gen")
    os.makedirs(out)
    protos = [os.path.join("infinitedb/v1", name) for name in
              ("common.proto", "spaces.proto", "records.proto",
               "branches.proto", "admin.proto", "graph_types.proto",
               "graph.proto")]
    if protoc.main(["protoc", "-I" + proto_dir, "--python_out=" + out,
                    "--grpc_python_out=" + out] + protos) != 0:
        sys.exit("protoc failed")
    sys.path.insert(0, out)
    import grpc
    from infinitedb.v1 import common_pb2, records_pb2, records_pb2_grpc
    from infinitedb.v1 import spaces_pb2, spaces_pb2_grpc
    from infinitedb.v1 import graph_pb2, graph_pb2_grpc, graph_types_pb2

    log_path = os.path.join(work, "server.log")
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [server_path, "--data-dir=" + os.path.join(work, "data"),
             "--listen=127.0.0.1:0"], stdout=log, stderr=log)
    try:
        address = None
        for _ in range(300):
            match = re.search(r"listening on (\S+)", open(log_path).read())
            if match:
                address = match.group(1)
                break
            time.sleep(0.1)
        assert address, "server did not start"
        channel = grpc.insecure_channel(address)
        spaces = spaces_pb2_grpc.SpacesStub(channel)
        records = records_pb2_grpc.RecordsStub(channel)
        spaces.CreateSpace(spaces_pb2.CreateSpaceRequest(name="field", dims=2))
        stamps = []
        for i in range(10):
            response = records.Put(records_pb2.PutRequest(
                space="field", point=common_pb2.Point(coordinates=[i, i * 2]),
                value=("sample %d" % i).encode()))
            stamps.append(response.stamp.revision)
        assert stamps == list(range(1, 11)), stamps
        records.Put(records_pb2.PutRequest(
            space="field", point=common_pb2.Point(coordinates=[3, 6]),
            value=b"edited"))
        box = common_pb2.Box(min=common_pb2.Point(coordinates=[2, 0]),
                             max=common_pb2.Point(coordinates=[5, 100]))
        found = []
        for page in records.Query(records_pb2.QueryRequest(space="field",
                                                           box=box)):
            found.extend((tuple(r.point.coordinates), r.value)
                         for r in page.records)
        assert sorted(found) == [((2, 4), b"sample 2"), ((3, 6), b"edited"),
                                 ((4, 8), b"sample 4"), ((5, 10), b"sample 5")
                                 ], found
        history = records.History(records_pb2.HistoryRequest(
            space="field", point=common_pb2.Point(coordinates=[3, 6])))
        assert [v.value for v in history.versions] == [b"edited", b"sample 3"]
        try:
            records.Put(records_pb2.PutRequest(
                space="field", point=common_pb2.Point(coordinates=[1]),
                value=b"x"))
            sys.exit("a 1-coordinate point in a 2-D space was accepted")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error
            assert "point" in error.details(), error.details()
        check_graph(channel, grpc, common_pb2, graph_types_pb2, graph_pb2,
                    graph_pb2_grpc)
        print("2 passed, 0 failed")
    finally:
        server.terminate()
        server.wait(timeout=30)


def check_graph(channel, grpc, common_pb2, types_pb2, graph_pb2,
                graph_pb2_grpc):
    """A directed hyperedge between points of the space "field": put, get,
    incidence from one of its nodes, and a refused one-endpoint edge."""
    graph = graph_pb2_grpc.GraphStub(channel)

    def endpoint(coordinates, role, polarity):
        return types_pb2.Endpoint(
            space="field", point=common_pb2.Point(coordinates=coordinates),
            role=role, polarity=polarity)

    edge = types_pb2.Edge(
        kind="pipe", directed=True, weight=types_pb2.EdgeWeight(value=7),
        properties={"diameter": "50"},
        endpoints=[endpoint([2, 4], "source", types_pb2.POLARITY_TAIL),
                   endpoint([3, 6], "sink", types_pb2.POLARITY_HEAD),
                   endpoint([4, 8], "sink", types_pb2.POLARITY_HEAD)])
    written = graph.PutEdge(graph_pb2.PutEdgeRequest(edge=edge))
    assert written.id != 0, written
    got = graph.GetEdge(graph_pb2.GetEdgeRequest(id=written.id))
    assert got.found and got.edge.weight.value == 7, got
    assert got.edge.properties["diameter"] == "50", got
    assert [e.role for e in got.edge.endpoints] == ["source", "sink", "sink"]
    node = types_pb2.NodeRef(space="field",
                             point=common_pb2.Point(coordinates=[3, 6]))
    incidences = []
    for page in graph.Incident(graph_pb2.IncidentRequest(
            node=node, filter=types_pb2.EdgeFilter(
                direction=types_pb2.DIRECTION_INCOMING))):
        incidences.extend(page.incidences)
    assert [i.edge.id for i in incidences] == [written.id], incidences
    assert incidences[0].roles[0].polarity == types_pb2.POLARITY_HEAD
    try:
        del edge.endpoints[1:]
        graph.PutEdge(graph_pb2.PutEdgeRequest(edge=edge))
        sys.exit("an edge with one endpoint was accepted")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error
        assert "edge.endpoints" in error.details(), error.details()


if __name__ == "__main__":
    main()
