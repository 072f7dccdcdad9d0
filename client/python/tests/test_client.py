#!/usr/bin/python3
"""Tests of the infinitedb Python client against a real infdb-server.

usage: test_client.py PATH_TO_INFDB_SERVER PROTO_DIR [unittest arguments]
   or: INFDB_SERVER=PATH INFINITEDB_PROTO_DIR=DIR test_client.py [...]

Run it with /usr/bin/python3 (Debian's python3-grpcio and
python3-grpc-tools).

The package is staged in a temporary directory with stubs generated from
PROTO_DIR (as an install would lay it out), one server is started on a
free loopback port for all the tests (each uses its own spaces and
branches), and both are removed at the end.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import grpc

# Keep the source tree clean of __pycache__ (the helpers and
# generate_stubs.py are imported from it).
sys.dont_write_bytecode = True

import server_process  # noqa: E402
import staged_package  # noqa: E402

# Set by main() before the tests run.
SERVER_PATH = None
PROTO_DIR = None
# Set by setUpModule.
infinitedb = None
work_dir = None
server = None


def setUpModule():
    global infinitedb, work_dir, server
    work_dir = tempfile.mkdtemp(prefix="infdb-python-client-")
    staged_package.stage(PROTO_DIR, os.path.join(work_dir, "package"))
    import infinitedb as module
    infinitedb = module
    server = server_process.ServerProcess(SERVER_PATH, work_dir)
    server.start()


def tearDownModule():
    try:
        if server is not None:
            status = server.stop()
            assert status == 0, "server exited with %s" % status
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


class ClientTest(unittest.TestCase):
    def setUp(self):
        self.db = infinitedb.Client(server.address, timeout=10)
        self.addCleanup(self.db.close)

    def assertCode(self, code, function, *args, **kwargs):
        """function(*args, **kwargs) raises infinitedb.Error with `code`;
        returns the error."""
        with self.assertRaises(infinitedb.Error) as raised:
            result = function(*args, **kwargs)
            if hasattr(result, "__next__"):
                list(result)  # an iterator calls the server as it is read
        self.assertEqual(raised.exception.code, code, raised.exception)
        return raised.exception


class SpacesTest(ClientTest):
    def test_create_get_list_drop(self):
        created = self.db.create_space("spaces.a", dims=3)
        self.assertEqual((created.name, created.dims), ("spaces.a", 3))
        self.assertEqual(self.db.get_space("spaces.a"), created)
        self.assertIn(created, self.db.list_spaces())
        self.db.drop_space("spaces.a")
        self.assertCode("NOT_FOUND", self.db.get_space, "spaces.a")
        self.assertNotIn("spaces.a",
                         [s.name for s in self.db.list_spaces()])

    def test_taken_name_is_already_exists(self):
        self.db.create_space("spaces.b", dims=1)
        self.assertCode("ALREADY_EXISTS", self.db.create_space, "spaces.b",
                        dims=1)

    def test_dims_outside_1_to_16_is_invalid_argument(self):
        self.assertCode("INVALID_ARGUMENT", self.db.create_space,
                        "spaces.c", dims=17)


class RecordsTest(ClientTest):
    def setUp(self):
        super().setUp()
        self.space = self.id().rsplit(".", 1)[-1]
        self.db.create_space(self.space, dims=2)

    def test_put_get_delete_and_str_values_are_utf8(self):
        stamp = self.db.put(self.space, [1, 2], "12.5 kN \u00b1")
        self.assertGreater(stamp.revision, 0)
        self.assertEqual(self.db.revision(), stamp.revision)
        record = self.db.get(self.space, (1, 2))
        self.assertEqual(record.value, "12.5 kN \u00b1".encode("utf-8"))
        self.assertEqual((record.point, record.stamp), ((1, 2), stamp))
        self.db.delete(self.space, (1, 2))
        self.assertIsNone(self.db.get(self.space, (1, 2)))
        self.assertEqual(self.db.get(self.space, (1, 2),
                                     as_of=stamp.revision).value,
                         record.value)

    def test_history_is_newest_first_with_tombstones(self):
        first = self.db.put(self.space, (5, 5), b"a")
        second = self.db.put(self.space, (5, 5), b"b")
        third = self.db.delete(self.space, (5, 5))
        history = self.db.history(self.space, (5, 5))
        self.assertEqual([(r.revision, r.deleted, r.value) for r in history],
                         [(third.revision, True, b""),
                          (second.revision, False, b"b"),
                          (first.revision, False, b"a")])

    def test_failed_if_revision_is_failed_precondition_and_writes_nothing(
            self):
        stamp = self.db.put(self.space, (3, 4), b"v1")
        self.db.put(self.space, (3, 4), b"v2", if_revision=stamp.revision)
        before = self.db.revision()
        error = self.assertCode("FAILED_PRECONDITION", self.db.put,
                                self.space, (3, 4), b"v3",
                                if_revision=stamp.revision)
        self.assertIn("if_revision", error.message)
        self.assertCode("FAILED_PRECONDITION", self.db.delete, self.space,
                        (3, 4), if_revision=stamp.revision)
        self.assertCode("FAILED_PRECONDITION", self.db.put, self.space,
                        (3, 4), b"v3", if_revision=0)
        self.assertEqual(self.db.get(self.space, (3, 4)).value, b"v2")
        self.assertEqual(self.db.revision(), before)

    def test_if_revision_0_writes_only_a_new_address(self):
        self.db.put(self.space, (8, 8), b"new", if_revision=0)
        self.assertEqual(self.db.get(self.space, (8, 8)).value, b"new")

    def test_batch_is_one_revision_and_all_or_nothing(self):
        Put, Delete = infinitedb.Put, infinitedb.Delete
        old = self.db.put(self.space, (0, 0), b"old")
        stamp = self.db.batch([Put(self.space, (1, 1), b"a"),
                               Put(self.space, (2, 2), "b"),
                               Delete(self.space, (0, 0))])
        self.assertEqual(stamp.revision, old.revision + 1)
        self.assertEqual(self.db.count(self.space), 2)
        self.assertCode("FAILED_PRECONDITION", self.db.batch, [
            Put(self.space, (3, 3), b"c"),
            Put(self.space, (1, 1), b"a2", if_revision=old.revision)])
        self.assertIsNone(self.db.get(self.space, (3, 3)))
        self.assertEqual(self.db.revision(), stamp.revision)

    def test_query_pages_through_2500_records_each_exactly_once(self):
        Put = infinitedb.Put
        self.db.batch([Put(self.space, (x, y), b"%d,%d" % (x, y))
                       for x in range(50) for y in range(50)])
        records = list(self.db.query(self.space, page_size=100))
        self.assertEqual(len(records), 2500)
        self.assertEqual(len({r.point for r in records}), 2500)
        for record in records:
            self.assertEqual(record.value, b"%d,%d" % record.point)
        box = ((10, 20), (29, 49))
        inside = {r.point for r in self.db.query(self.space, box,
                                                 page_size=7)}
        self.assertEqual(inside, {(x, y) for x in range(10, 30)
                                  for y in range(20, 50)})
        self.assertEqual(self.db.count(self.space, box), 600)
        scoped = list(self.db.query(self.space, scope=[7], page_size=9))
        self.assertEqual(sorted(r.point for r in scoped),
                         [(7, y) for y in range(50)])

    def test_query_reads_one_revision_while_writes_go_on(self):
        for x in range(30):
            self.db.put(self.space, (x, 0), b"before")
        as_of = self.db.revision()
        seen = []
        for record in self.db.query(self.space, page_size=4):
            if len(seen) == 5:  # in the second page
                self.db.put(self.space, (99, 99), b"after")
                self.db.delete(self.space, (29, 0))
            seen.append(record)
        self.assertEqual(len(seen), 30)
        self.assertTrue(all(r.revision <= as_of for r in seen))
        self.assertEqual(len(list(self.db.query(self.space, as_of=as_of,
                                                page_size=3))), 30)

    def test_stopping_a_query_early_is_fine(self):
        for x in range(20):
            self.db.put(self.space, (x, x), b"v")
        for i, _ in enumerate(self.db.query(self.space, page_size=5)):
            if i == 7:
                break
        self.assertEqual(self.db.count(self.space), 20)

    def test_wrong_number_of_coordinates_is_invalid_argument(self):
        error = self.assertCode("INVALID_ARGUMENT", self.db.put, self.space,
                                (1,), b"x")
        self.assertIn("point", error.message)
        self.assertCode("INVALID_ARGUMENT", self.db.get, self.space,
                        (1, 2, 3))
        self.assertCode("INVALID_ARGUMENT", self.db.query, self.space,
                        ((0, 0), (1,)))
        self.assertCode("INVALID_ARGUMENT", self.db.batch,
                        [infinitedb.Put(self.space, (1, 2, 3), b"x")])
        self.assertEqual(self.db.count(self.space), 0)

    def test_input_the_client_can_check_is_refused_before_sending(self):
        for point in [(1, -1), (1, 2**32), (1, "2"), "12"]:
            self.assertCode("INVALID_ARGUMENT", self.db.put, self.space,
                            point, b"x")
        self.assertCode("INVALID_ARGUMENT", self.db.put, self.space, (1, 1),
                        12)
        self.assertCode("INVALID_ARGUMENT", self.db.get, self.space, (1, 1),
                        as_of=-1)
        with self.assertRaises(infinitedb.Error):  # before any iteration
            self.db.query(self.space, page_size=0)

    def test_unknown_space_or_future_revision(self):
        self.assertCode("NOT_FOUND", self.db.put, "no-such-space", (1,), b"")
        self.assertCode("OUT_OF_RANGE", self.db.get, self.space, (1, 1),
                        as_of=self.db.revision() + 1000)


class BranchesTest(ClientTest):
    def test_create_write_diff_merge_drop(self):
        self.db.create_space("plate", dims=2)
        self.db.put("plate", (1, 1), b"a")
        self.db.put("plate", (2, 2), b"b")
        branch = self.db.create_branch("option-b")
        self.assertEqual(branch.parent, "main")
        self.assertIn("option-b", [b.name for b in self.db.list_branches()])
        self.db.put("plate", (1, 1), b"a2", branch="option-b")
        self.db.delete("plate", (2, 2), branch="option-b")
        self.db.put("plate", (4, 4), b"d", branch="option-b")
        self.assertEqual(self.db.get("plate", (1, 1)).value, b"a")
        diff = {(e.kind, e.point): e for e in self.db.diff(
            "main", "option-b", space="plate", page_size=1)}
        Kind = infinitedb.ChangeKind
        self.assertEqual(set(diff), {(Kind.MODIFIED, (1, 1)),
                                     (Kind.REMOVED, (2, 2)),
                                     (Kind.ADDED, (4, 4))})
        self.assertEqual(diff[(Kind.MODIFIED, (1, 1))].after.value, b"a2")
        self.assertIsNone(diff[(Kind.ADDED, (4, 4))].before)
        dry = self.db.merge("option-b", dry_run=True)
        self.assertEqual((dry.taken, dry.conflicts, dry.stamp), (3, 0, None))
        merged = self.db.merge("option-b")
        self.assertIsNotNone(merged.stamp)
        self.assertEqual(self.db.get("plate", (1, 1)).value, b"a2")
        self.assertIsNone(self.db.get("plate", (2, 2)))
        self.db.drop_branch("option-b")
        self.assertNotIn("option-b",
                         [b.name for b in self.db.list_branches()])
        self.assertCode("FAILED_PRECONDITION", self.db.drop_branch, "main")

    def test_conflicting_merge_stays_in_progress_until_aborted(self):
        self.db.create_space("beam", dims=1)
        self.db.put("beam", (1,), b"base")
        self.db.create_branch("alt")
        self.db.put("beam", (1,), b"ours")
        self.db.put("beam", (1,), b"theirs", branch="alt")
        result = self.db.merge("alt")
        self.assertTrue(result.in_progress)
        self.assertEqual(result.conflicts, 1)
        conflict = result.conflict_sample[0]
        self.assertEqual((conflict.ours.value, conflict.theirs.value),
                         (b"ours", b"theirs"))
        self.assertCode("ABORTED", self.db.merge, "alt")
        self.db.abort_merge()
        self.assertEqual(self.db.get("beam", (1,)).value, b"ours")
        preferred = self.db.merge(
            "alt", strategy=infinitedb.MergeStrategy.PREFER_SOURCE)
        self.assertFalse(preferred.in_progress)
        self.assertEqual(self.db.get("beam", (1,)).value, b"theirs")


class GraphTest(ClientTest):
    def test_put_get_delete_edge_and_paged_incidence(self):
        Endpoint, Polarity = infinitedb.Endpoint, infinitedb.Polarity
        self.db.create_space("frame", dims=2)
        ids = []
        for i in range(5):
            written = self.db.put_edge(infinitedb.Edge(
                kind="pipe", directed=True, weight=i,
                properties={"diameter": str(50 + i)},
                endpoints=[Endpoint("frame", (i + 1, 0), "source",
                                    Polarity.TAIL),
                           Endpoint("frame", (0, 0), "sink", Polarity.HEAD)]))
            ids.append(written.id)
        edge = self.db.get_edge(ids[2])
        self.assertEqual((edge.kind, edge.weight, edge.properties),
                         ("pipe", 2, {"diameter": "52"}))
        self.assertEqual([e.point for e in edge.endpoints], [(3, 0), (0, 0)])
        incoming = list(self.db.incident(
            "frame", (0, 0), direction=infinitedb.Direction.INCOMING,
            page_size=2))
        self.assertEqual([i.edge.id for i in incoming], sorted(ids))
        self.assertEqual(incoming[0].roles, (("sink", Polarity.HEAD),))
        deleted = self.db.delete_edge(ids[0])
        self.assertIsNone(self.db.get_edge(ids[0]))
        self.assertEqual(self.db.get_edge(
            ids[0], as_of=deleted.stamp.revision - 1).id, ids[0])
        self.assertEqual(len(list(self.db.incident("frame", (0, 0)))), 4)

    def test_one_endpoint_edge_is_invalid_argument(self):
        self.db.create_space("lonely", dims=1)
        error = self.assertCode("INVALID_ARGUMENT", self.db.put_edge,
                                infinitedb.Edge(kind="k", endpoints=[
                                    infinitedb.Endpoint("lonely", (1,), "r")
                                ]))
        self.assertIn("edge.endpoints", error.message)


class WatchTest(ClientTest):
    def test_yields_a_change_made_after_it_started(self):
        self.db.create_space("watched", dims=1)
        self.db.create_space("ignored", dims=1)
        self.db.put("watched", (1,), b"before")
        with self.db.watch(spaces=["watched"], timeout=20) as changes:
            # Idle past the server's heartbeat (about 1 s): the heartbeats
            # are not yielded.
            writer = threading.Timer(1.5, lambda: (
                self.db.put("ignored", (1,), b"x"),
                self.db.put("watched", (2,), b"after")))
            writer.start()
            change = next(changes)
            writer.join()
        self.assertEqual([(op.space, op.point, op.value) for op in change.ops],
                         [("watched", (2,), b"after")])
        self.assertEqual(change.revision, self.db.revision())
        self.assertEqual(list(changes), [])  # ended by leaving the block

    def test_after_revision_replays_the_log_with_filters(self):
        self.db.create_space("replayed", dims=1)
        first = self.db.put("replayed", (1,), b"one")
        self.db.create_branch("replay-branch")
        second = self.db.put("replayed", (2,), b"two",
                             branch="replay-branch")
        with self.db.watch(after_revision=first.revision - 1,
                           spaces=["replayed"], timeout=20) as changes:
            got = [next(changes), next(changes)]
        self.assertEqual([c.revision for c in got],
                         [first.revision, second.revision])
        self.assertEqual(got[1].ops[0].branch, "replay-branch")
        with self.db.watch(after_revision=first.revision - 1,
                           branches=["replay-branch"], spaces=["replayed"],
                           timeout=20) as changes:
            self.assertEqual(next(changes).revision, second.revision)

    def test_revision_beyond_the_newest_is_out_of_range(self):
        watch = self.db.watch(after_revision=self.db.revision() + 100,
                              timeout=20)
        self.assertCode("OUT_OF_RANGE", next, watch)


class ConnectionTest(unittest.TestCase):
    def test_unreachable_server_is_unavailable(self):
        with infinitedb.Client("127.0.0.1:1", timeout=5) as db:
            with self.assertRaises(infinitedb.Error) as raised:
                db.list_spaces()
        self.assertEqual(raised.exception.code, "UNAVAILABLE")


class TlsTest(unittest.TestCase):
    """A server with --cert-file: the client with the CA's certificate as
    credentials works; a plaintext one is refused."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="infdb-python-tls-")
        self.addCleanup(shutil.rmtree, self.dir, True)

        def path(name):
            return os.path.join(self.dir, name)

        curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                 "-nodes"]
        for command in (
                ["req", "-x509"] + curve + ["-days", "2", "-keyout",
                 path("ca.key"), "-out", path("ca.pem"), "-subj", "/CN=ca"],
                ["req"] + curve + ["-keyout", path("s.key"), "-out",
                 path("s.csr"), "-subj", "/CN=s", "-addext",
                 "subjectAltName=IP:127.0.0.1"],
                ["x509", "-req", "-days", "2", "-copy_extensions", "copyall",
                 "-in", path("s.csr"), "-CA", path("ca.pem"), "-CAkey",
                 path("ca.key"), "-CAcreateserial", "-out", path("s.pem")]):
            subprocess.run(["openssl"] + command, check=True,
                           capture_output=True)
        self.server = server_process.ServerProcess(
            SERVER_PATH, self.dir,
            ["--cert-file=" + path("s.pem"), "--key-file=" + path("s.key")])
        self.server.start()
        self.addCleanup(self.server.stop)
        with open(path("ca.pem"), "rb") as ca:
            self.ca = ca.read()

    def test_tls_client_works_and_plaintext_is_refused(self):
        credentials = grpc.ssl_channel_credentials(root_certificates=self.ca)
        with infinitedb.Client(self.server.address, timeout=10,
                               credentials=credentials) as db:
            db.create_space("secure", 2)
            self.assertIn("secure", [s.name for s in db.list_spaces()])
        with infinitedb.Client(self.server.address, timeout=5) as plain:
            with self.assertRaises(infinitedb.Error) as raised:
                plain.list_spaces()
        self.assertEqual(raised.exception.code, "UNAVAILABLE")


class AuthTest(unittest.TestCase):
    """A server of its own with auth enabled: calls without a token are
    UNAUTHENTICATED; after authenticate() unary calls, paged queries and a
    watch carry it; a missing grant is PERMISSION_DENIED."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="infdb-python-auth-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.server = server_process.ServerProcess(SERVER_PATH, self.dir)
        self.server.start()
        self.addCleanup(self.server.stop)
        from infinitedb.v1 import auth_pb2
        with infinitedb.Client(self.server.address, timeout=10) as setup:
            auth = setup.stubs.auth
            auth.UserAdd(auth_pb2.UserAddRequest(name="root",
                                                 password="root-password"))
            auth.UserAdd(auth_pb2.UserAddRequest(name="reader",
                                                 password="reader-password"))
            auth.RoleAdd(auth_pb2.RoleAddRequest(name="r"))
            auth.RoleGrantPermission(auth_pb2.RoleGrantRequest(
                role="r", grant=auth_pb2.Grant(permission=auth_pb2.READ,
                                               space="loads")))
            auth.UserGrantRole(auth_pb2.UserRoleRequest(user="reader",
                                                        role="r"))
            setup.create_space("loads", 2)
            for x in range(5):
                setup.put("loads", (x, x), "v%d" % x)
            auth.AuthEnable(auth_pb2.AuthEnableRequest())

    def test_token_on_every_call(self):
        with infinitedb.Client(self.server.address, timeout=10) as db:
            self.assertEqual(db.auth_status(), (True, ""))
            with self.assertRaises(infinitedb.Error) as raised:
                db.list_spaces()
            self.assertEqual(raised.exception.code, "UNAUTHENTICATED")
            with self.assertRaises(infinitedb.Error) as raised:
                db.authenticate("reader", "wrong-password")
            self.assertEqual(raised.exception.code, "UNAUTHENTICATED")
            expires = db.authenticate("reader", "reader-password")
            self.assertGreater(expires, time.time())
            self.assertEqual(db.auth_status(), (True, "reader"))
            self.assertEqual(db.get("loads", (1, 1)).value, b"v1")
            points = [r.point for r in db.query(
                "loads", box=((0, 0), (9, 9)), page_size=2)]
            self.assertEqual(len(points), 5)
            with db.watch(after_revision=0, spaces=["loads"],
                          timeout=10) as changes:
                self.assertEqual(next(iter(changes)).ops[0].space, "loads")
            with self.assertRaises(infinitedb.Error) as raised:
                db.put("loads", (1, 1), "changed")
            self.assertEqual(raised.exception.code, "PERMISSION_DENIED")
            self.assertIn("lacks write", raised.exception.message)


def main():
    global SERVER_PATH, PROTO_DIR
    args = sys.argv[1:]
    if len(args) >= 2 and not args[0].startswith("-"):
        SERVER_PATH, PROTO_DIR, args = args[0], args[1], args[2:]
    else:
        SERVER_PATH = os.environ.get("INFDB_SERVER")
        PROTO_DIR = os.environ.get("INFINITEDB_PROTO_DIR")
    if not SERVER_PATH or not PROTO_DIR:
        sys.exit(__doc__)
    unittest.main(argv=[sys.argv[0]] + args, verbosity=2)


if __name__ == "__main__":
    main()
