"""Builds the infinitedb package: setuptools, plus a build_py step that
generates the gRPC stubs (the subpackage infinitedb.v1) from the
repository's proto/ into the build directory, so that every wheel or
install holds stubs made from the protos it was built with and nothing
generated is kept in the source tree. The proto directory is
$INFINITEDB_PROTO_DIR, else ../../proto. Metadata is in pyproject.toml.
"""
import os
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

# generate_stubs.py sits next to this file; PEP 517 backends do not always
# put this directory on sys.path.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate_stubs  # noqa: E402


class BuildPyWithStubs(build_py):
    """build_py, then the stubs into <build_lib>/infinitedb/v1."""

    def run(self):
        super().run()
        package_dir = os.path.join(self.build_lib, "infinitedb")
        try:
            protos = generate_stubs.generate(
                generate_stubs.default_proto_dir(), package_dir)
        except generate_stubs.GenerateError as error:
            sys.exit("infinitedb: cannot generate the gRPC stubs: %s (set "
                     "INFINITEDB_PROTO_DIR to the repository's proto/)" %
                     error)
        print("infinitedb: generated infinitedb/v1 from %d protos" %
              len(protos))


setup(cmdclass={"build_py": BuildPyWithStubs})
