"""The token of Client.authenticate, sent with every call.

A client interceptor on the channel adds the metadata
"authorization: Bearer TOKEN" to each call (unary, streaming and
bidirectional) once a token is set; before that, calls go without it.
"""
from __future__ import annotations

import collections
from typing import Any, Callable, Optional

import grpc


class _CallDetails(
        collections.namedtuple(
            "_CallDetails",
            ("method", "timeout", "metadata", "credentials", "wait_for_ready",
             "compression")), grpc.ClientCallDetails):
    pass


class TokenInterceptor(grpc.UnaryUnaryClientInterceptor,
                       grpc.UnaryStreamClientInterceptor,
                       grpc.StreamUnaryClientInterceptor,
                       grpc.StreamStreamClientInterceptor):
    """Adds the current token, if any, to every call's metadata."""

    def __init__(self) -> None:
        self.token: Optional[str] = None

    def _details(self, details: grpc.ClientCallDetails) -> Any:
        if self.token is None:
            return details
        metadata = list(details.metadata or [])
        metadata.append(("authorization", "Bearer " + self.token))
        return _CallDetails(details.method, details.timeout, metadata,
                            details.credentials,
                            getattr(details, "wait_for_ready", None),
                            getattr(details, "compression", None))

    def intercept_unary_unary(self, continuation: Callable, details: Any,
                              request: Any) -> Any:
        return continuation(self._details(details), request)

    def intercept_unary_stream(self, continuation: Callable, details: Any,
                               request: Any) -> Any:
        return continuation(self._details(details), request)

    def intercept_stream_unary(self, continuation: Callable, details: Any,
                               requests: Any) -> Any:
        return continuation(self._details(details), requests)

    def intercept_stream_stream(self, continuation: Callable, details: Any,
                                requests: Any) -> Any:
        return continuation(self._details(details), requests)
