#!/usr/bin/python3
"""Generates the gRPC stubs of the infinitedb package from proto/.

The protos declare `package infinitedb.v1`, so protoc writes the modules
infinitedb/v1/*_pb2.py and *_pb2_grpc.py, and each imports the others as
`from infinitedb.v1 import common_pb2`. Writing them into the `infinitedb`
package directory itself, as its subpackage `v1`, makes those imports
resolve as they are: no sys.path changes and no rewriting of generated code.

setup.py calls generate() at build time (into the build directory), and the
tests call it into a temporary copy of the package. Run by hand, it writes
infinitedb/v1/ next to this file (ignored by git) for development:

    /usr/bin/python3 client/python/generate_stubs.py [PROTO_DIR]

PROTO_DIR defaults to $INFINITEDB_PROTO_DIR, else the repository's proto/.
"""
import glob
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# The stubs' proto package, as a path under the proto root.
PROTO_PACKAGE_PATH = os.path.join("infinitedb", "v1")
INIT_TEXT = ('"""Generated gRPC stubs of infinitedb/v1/*.proto (by '
             'generate_stubs.py). Do not edit."""\n')


class GenerateError(Exception):
    """The protos could not be found or compiled."""


def default_proto_dir():
    """$INFINITEDB_PROTO_DIR, else proto/ of the repository holding this
    file."""
    return os.environ.get("INFINITEDB_PROTO_DIR") or os.path.normpath(
        os.path.join(HERE, "..", "..", "proto"))


def generate(proto_dir, package_dir):
    """Compiles every proto_dir/infinitedb/v1/*.proto into
    package_dir/v1/ (replacing what was there), where package_dir is the
    directory of the `infinitedb` package. Returns the proto files compiled.
    Raises GenerateError when there are none or protoc fails; the old
    package_dir/v1 is then left as it was."""
    from grpc_tools import protoc  # Debian: python3-grpc-tools

    pattern = os.path.join(proto_dir, PROTO_PACKAGE_PATH, "*.proto")
    protos = sorted(os.path.relpath(path, proto_dir)
                    for path in glob.glob(pattern))
    if not protos:
        raise GenerateError("no protos match " + pattern)
    # The well-known types (google/protobuf/*.proto) that grpc_tools ships,
    # for a proto that imports one.
    well_known = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    with tempfile.TemporaryDirectory(prefix="infinitedb-stubs-") as out:
        arguments = ["grpc_tools.protoc", "-I" + proto_dir, "-I" + well_known,
                     "--python_out=" + out, "--grpc_python_out=" + out]
        if protoc.main(arguments + protos) != 0:
            raise GenerateError("protoc failed on " + " ".join(protos))
        generated = os.path.join(out, PROTO_PACKAGE_PATH)
        with open(os.path.join(generated, "__init__.py"), "w") as init:
            init.write(INIT_TEXT)
        target = os.path.join(package_dir, "v1")
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(generated, target)
    return protos


def main(argv):
    proto_dir = argv[1] if len(argv) > 1 else default_proto_dir()
    try:
        protos = generate(proto_dir, os.path.join(HERE, "infinitedb"))
    except GenerateError as error:
        sys.exit("generate_stubs.py: %s" % error)
    print("generated infinitedb/v1 from %d protos in %s" %
          (len(protos), proto_dir))


if __name__ == "__main__":
    main(sys.argv)
