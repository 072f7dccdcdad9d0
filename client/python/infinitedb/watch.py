"""Watch: an iterator over the server's change stream
(Replication.Subscribe) as an anonymous subscriber.

The client sends one SubscribeMessage with `start` and then nothing (an
anonymous subscriber does not acknowledge, and the server keeps no WAL for
it). The server answers with messages holding whole change sets in
revision order, and an empty message (a heartbeat) about every second
while idle; Watch yields the change sets and skips the heartbeats.
"""
from __future__ import annotations

import collections
from typing import Any, Deque, Iterator, Optional

import grpc

from infinitedb.convert import change_set
from infinitedb.errors import Error
from infinitedb.models import ChangeSet
from infinitedb.v1 import replication_pb2


class Watch(Iterator[ChangeSet]):
    """The change sets committed after a revision, as they commit.

    Iterating blocks until the next change set (it never ends by itself
    unless `timeout` was given, which ends it with DEADLINE_EXCEEDED).
    cancel() (or leaving a `with` block) ends the stream: iteration then
    stops. Errors from the server (OUT_OF_RANGE for a revision older than
    the retained log or newer than the server's, UNAVAILABLE while it shuts
    down) raise Error. Iterate from one thread; cancel() may be called from
    any thread.
    """

    def __init__(self, stub: Any, start: replication_pb2.SubscribeRequest,
                 timeout: Optional[float]) -> None:
        first = replication_pb2.SubscribeMessage(start=start)
        self._stream = stub.Subscribe(iter([first]), timeout=timeout)
        self._pending: Deque[ChangeSet] = collections.deque()
        self._cancelled = False
        # The server's newest revision as last heard (0 until a message).
        self.current_revision = 0

    def __iter__(self) -> "Watch":
        return self

    def __next__(self) -> ChangeSet:
        if self._cancelled:
            raise StopIteration
        while not self._pending:
            try:
                response = next(self._stream)
            except grpc.RpcError as error:
                if self._cancelled:
                    raise StopIteration from None
                raise Error.from_rpc(error) from None
            self.current_revision = response.current_revision
            # A heartbeat has no changes and is skipped.
            self._pending.extend(change_set(c) for c in response.changes)
        return self._pending.popleft()

    def cancel(self) -> None:
        """Ends the stream; iteration stops after it."""
        self._cancelled = True
        self._stream.cancel()

    def __enter__(self) -> "Watch":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.cancel()
