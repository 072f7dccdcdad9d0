"""The one exception of the package: every failed call raises Error.

A call refused by the server carries the gRPC status code's name and the
server's message, which names the offending field ("point: space 'loads'
has 3 dimensions, got 2 coordinates"). Input the client refuses before
sending anything (a coordinate outside uint32) is an Error with code
INVALID_ARGUMENT too, so callers handle both alike.
"""
from __future__ import annotations

import contextlib
from typing import Iterator, Optional

import grpc


class Error(Exception):
    """A failed call.

    Attributes:
        code: the gRPC status code's name, e.g. "FAILED_PRECONDITION",
            "NOT_FOUND", "INVALID_ARGUMENT", "UNAVAILABLE".
        message: the server's (or the client's) explanation.
        status: the grpc.StatusCode, or None for an error raised by the
            client before anything was sent.
    """

    def __init__(self, code: str, message: str,
                 status: Optional[grpc.StatusCode] = None) -> None:
        super().__init__("%s: %s" % (code, message))
        self.code = code
        self.message = message
        self.status = status

    @classmethod
    def from_rpc(cls, error: grpc.RpcError) -> "Error":
        """The Error for a grpc.RpcError raised by a stub."""
        status = error.code() if hasattr(error, "code") else None
        if not isinstance(status, grpc.StatusCode):
            return cls("UNKNOWN", str(error))
        return cls(status.name, error.details() or "", status)


def invalid_argument(message: str) -> Error:
    """An Error for input refused on the client."""
    return Error("INVALID_ARGUMENT", message)


@contextlib.contextmanager
def translated() -> Iterator[None]:
    """Re-raises a grpc.RpcError inside the block as Error."""
    try:
        yield
    except grpc.RpcError as error:
        raise Error.from_rpc(error) from None
