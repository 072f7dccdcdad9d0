"""A real infdb-server process for the tests: started on a free loopback
port (--listen=127.0.0.1:0) with its own data directory, its address read
from the line it prints ("infdb-server VERSION listening on HOST:PORT"),
stopped with SIGTERM."""
import os
import re
import signal
import subprocess
import time

# How long the server may take to print its address, and to exit.
START_SECONDS_MAX = 30
STOP_SECONDS_MAX = 30


class ServerProcess:
    """One server; `address` is "127.0.0.1:PORT" once start() returns."""

    def __init__(self, server_path, work_dir, flags=()):
        self.server_path = server_path
        self.data_dir = os.path.join(work_dir, "data")
        self.log_path = os.path.join(work_dir, "server.log")
        self.flags = list(flags)
        self.address = None
        self._process = None

    def start(self):
        with open(self.log_path, "w") as log:
            self._process = subprocess.Popen(
                [self.server_path, "--data-dir=" + self.data_dir,
                 "--listen=127.0.0.1:0"] + self.flags, stdout=log,
                stderr=log)
        deadline = time.monotonic() + START_SECONDS_MAX
        while time.monotonic() < deadline:
            match = re.search(r"listening on (\S+)", self.log())
            if match:
                self.address = match.group(1)
                return self.address
            if self._process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("infdb-server did not start; its log:\n" +
                           self.log())

    def log(self):
        with open(self.log_path) as log:
            return log.read()

    def stop(self):
        """SIGTERM, then the exit status (SIGKILL after STOP_SECONDS_MAX)."""
        if self._process is None or self._process.poll() is not None:
            return self._process.returncode if self._process else None
        self._process.send_signal(signal.SIGTERM)
        try:
            return self._process.wait(timeout=STOP_SECONDS_MAX)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
            raise RuntimeError("infdb-server ignored SIGTERM for %d s" %
                               STOP_SECONDS_MAX)
