"""The infinitedb package as an install lays it out, in a temporary
directory: its sources copied from client/python/infinitedb (without any
stubs generated there for development) and its stubs generated from the
proto directory by the same generate_stubs.generate() that setup.py runs.
"""
import os
import shutil
import sys

CLIENT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def stage(proto_dir, target_dir):
    """Lays out target_dir/infinitedb and puts target_dir first on
    sys.path, so that `import infinitedb` imports the staged copy."""
    package_dir = os.path.join(target_dir, "infinitedb")
    shutil.copytree(os.path.join(CLIENT_DIR, "infinitedb"), package_dir,
                    ignore=shutil.ignore_patterns("v1", "__pycache__"))
    sys.path.insert(0, CLIENT_DIR)
    try:
        import generate_stubs
    finally:
        sys.path.remove(CLIENT_DIR)
    generate_stubs.generate(proto_dir, package_dir)
    sys.path.insert(0, target_dir)
