#!/usr/bin/python3
"""Checks deploy/compose.yaml and deploy/kubernetes/*.yaml without a
cluster: every file parses; names, ports, probes, labels and peer lists
agree; and the image's entry point (deploy/docker-entrypoint.sh) turns the
StatefulSet's environment into each pod's node id and peers.

usage: check_manifests.py REPO_DIR"""
import os
import stat
import subprocess
import sys
import tempfile
import unittest

import yaml

REPO = None
PORT = 7070


def load_all(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


class ComposeTest(unittest.TestCase):
    def setUp(self):
        (self.compose,) = load_all(os.path.join(REPO, "deploy/compose.yaml"))
        self.services = self.compose["services"]

    def test_a_mesh_of_three_with_distinct_node_ids(self):
        self.assertEqual(len(self.services), 3)
        ids = [s["environment"]["INFDB_NODE_ID"] for s in self.services.values()]
        self.assertEqual(sorted(ids), ["1", "2", "3"])
        for name, service in self.services.items():
            peers = service["environment"]["INFDB_PEER"].split(",")
            others = ["%s:%d" % (other, PORT) for other in self.services
                      if other != name]
            self.assertEqual(sorted(peers), sorted(others), name)
            self.assertEqual(service["hostname"], name)

    def test_volumes_ports_and_health(self):
        declared = set(self.compose["volumes"])
        host_ports = set()
        for name, service in self.services.items():
            (volume,) = service["volumes"]
            source, target = volume.split(":")
            self.assertIn(source, declared, name)
            self.assertEqual(target, "/data", name)
            (port,) = service["ports"]
            host, container = port.split(":")
            self.assertEqual(int(container), PORT, name)
            host_ports.add(host)
            test = service["healthcheck"]["test"]
            self.assertEqual(test[:2], ["CMD", "infdb-cli"], name)
            self.assertIn("health", test, name)
            self.assertIn("127.0.0.1:%d" % PORT, test, name)
        self.assertEqual(len(host_ports), 3)


class KubernetesTest(unittest.TestCase):
    def setUp(self):
        directory = os.path.join(REPO, "deploy/kubernetes")
        self.objects = {}
        for name in sorted(os.listdir(directory)):
            if name.endswith(".yaml"):
                for document in load_all(os.path.join(directory, name)):
                    key = (document["kind"], document["metadata"]["name"])
                    self.assertNotIn(key, self.objects)
                    self.objects[key] = document
        self.set = self.objects[("StatefulSet", "infdb")]
        self.pod = self.set["spec"]["template"]
        (self.container,) = self.pod["spec"]["containers"]

    def env(self):
        return {e["name"]: e.get("value") for e in self.container["env"]}

    def test_every_object_is_a_known_kind_with_api_version(self):
        kinds = {("ConfigMap", "v1"), ("Service", "v1"),
                 ("StatefulSet", "apps/v1"),
                 ("PodDisruptionBudget", "policy/v1")}
        for (kind, name), document in self.objects.items():
            self.assertIn((kind, document["apiVersion"]), kinds, name)

    def test_headless_service_names_the_pods_and_peers_agree(self):
        service = self.objects[("Service", self.set["spec"]["serviceName"])]
        self.assertEqual(service["spec"]["clusterIP"], "None")
        self.assertTrue(service["spec"]["publishNotReadyAddresses"])
        replicas = self.set["spec"]["replicas"]
        peers = self.env()["INFDB_PEER"].split(",")
        expected = ["%s-%d.%s:%d" % (self.set["metadata"]["name"], i,
                                     service["metadata"]["name"], PORT)
                    for i in range(replicas)]
        self.assertEqual(peers, expected)
        self.assertEqual(self.env()["INFDB_NODE_ID"], "from-hostname")

    def test_selectors_ports_and_probes_agree(self):
        labels = self.pod["metadata"]["labels"]
        self.assertEqual(self.set["spec"]["selector"]["matchLabels"], labels)
        (port,) = self.container["ports"]
        self.assertEqual(port["containerPort"], PORT)
        for (kind, name), document in self.objects.items():
            if kind == "Service":
                self.assertEqual(document["spec"]["selector"], labels, name)
                (service_port,) = document["spec"]["ports"]
                self.assertEqual(service_port["targetPort"], port["name"])
                self.assertEqual(service_port["port"], PORT)
            if kind == "PodDisruptionBudget":
                self.assertEqual(document["spec"]["selector"]["matchLabels"],
                                 labels)
                self.assertEqual(document["spec"]["maxUnavailable"], 1)
        for probe in ("readinessProbe", "livenessProbe"):
            self.assertEqual(self.container[probe]["grpc"]["port"], PORT)

    def test_flags_volume_user_and_grace(self):
        (source,) = self.container["envFrom"]
        config = self.objects[("ConfigMap", source["configMapRef"]["name"])]
        for key in config["data"]:
            self.assertTrue(key.startswith("INFDB_"), key)
        grace_ms = int(config["data"]["INFDB_SHUTDOWN_GRACE_MS"])
        self.assertGreater(self.pod["spec"]["terminationGracePeriodSeconds"],
                           grace_ms / 1000)
        (claim,) = self.set["spec"]["volumeClaimTemplates"]
        (mount,) = self.container["volumeMounts"]
        self.assertEqual(mount["name"], claim["metadata"]["name"])
        self.assertEqual(mount["mountPath"], "/data")
        self.assertEqual(self.pod["spec"]["securityContext"]["runAsUser"], 7070)
        self.assertIn("requests", self.container["resources"])


class EntrypointTest(unittest.TestCase):
    """Runs deploy/docker-entrypoint.sh with stand-ins for hostname and
    infdb-server that print what it would run."""

    def run_entrypoint(self, host, environment):
        with tempfile.TemporaryDirectory() as bin_dir:
            for name, body in (("hostname", "echo %s" % host),
                               ("infdb-server", 'echo "$@"')):
                path = os.path.join(bin_dir, name)
                with open(path, "w") as f:
                    f.write("#!/bin/sh\n%s\n" % body)
                os.chmod(path, stat.S_IRWXU)
            env = {"PATH": bin_dir + ":/usr/bin:/bin"}
            env.update(environment)
            return subprocess.run(
                ["/bin/sh", os.path.join(REPO, "deploy/docker-entrypoint.sh")],
                env=env, capture_output=True, text=True)

    def test_pod_gets_its_ordinal_and_the_other_peers(self):
        peers = "infdb-0.infdb:7070,infdb-1.infdb:7070,infdb-2.infdb:7070"
        result = self.run_entrypoint("infdb-1", {
            "INFDB_NODE_ID": "from-hostname", "INFDB_PEER": peers,
            "INFDB_CACERT": "/certs/ca.pem", "INFDB_LOG_FORMAT": "json"})
        self.assertEqual(result.returncode, 0, result.stderr)
        args = result.stdout.split()
        self.assertIn("--node-id=2", args)
        self.assertIn("--peer=infdb-0.infdb:7070,infdb-2.infdb:7070", args)
        self.assertIn("--log-format=json", args)
        self.assertIn("--data-dir=/data", args)
        self.assertFalse([a for a in args if a.startswith("--cacert")])

    def test_hostname_without_an_ordinal_is_an_error(self):
        result = self.run_entrypoint("db", {"INFDB_NODE_ID": "from-hostname"})
        self.assertEqual(result.returncode, 2)
        self.assertIn("does not end in -N", result.stderr)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    REPO = sys.argv[1]
    unittest.main(argv=[sys.argv[0]] + sys.argv[2:], verbosity=2)
