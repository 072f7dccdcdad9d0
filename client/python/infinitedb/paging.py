"""Transparent paging of the server's resumable answers.

Records.Query and Graph.Incident stream an answer in messages; with a
limit, the last message's next_cursor resumes it in a new call at the same
revision. Branches.Diff answers one page per call the same way. These
generators make the calls one after another and yield the items, so a
caller sees one iterator over the whole answer, read at one revision,
while no call holds more than one page of it.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator, Optional

from infinitedb.errors import Error, invalid_argument, translated

# The default number of items each call asks for: big enough that the
# per-call overhead is small, small enough that each call ends quickly.
PAGE_SIZE_DEFAULT = 1000


def check_page_size(page_size: int) -> int:
    """page_size as the request's limit (it must be positive: the server
    reads a limit of 0 as no limit, which would not page)."""
    if isinstance(page_size, bool) or not isinstance(page_size, int) or \
            page_size < 1:
        raise invalid_argument("page_size: an int >= 1, got %r" %
                               (page_size,))
    return page_size


def streamed_pages(call: Callable[..., Any], request: Any, items: str,
                   page_size: int, timeout: Optional[float]) -> Iterator[Any]:
    """An iterator over every message in the `items` field of every
    response of the server-streaming `call`, resuming from next_cursor until
    it is empty. `request` (with `limit` and `cursor` fields) is modified.
    A bad page_size raises here; the calls are made as it is iterated."""
    request.limit = check_page_size(page_size)
    return _streamed(call, request, items, timeout)


def _streamed(call: Callable[..., Any], request: Any, items: str,
              timeout: Optional[float]) -> Iterator[Any]:
    while True:
        done = False
        stream = call(request, timeout=timeout)
        try:
            with translated():
                for response in stream:
                    yield from getattr(response, items)
                    done = response.done
        finally:
            # Ends the call when the caller stops iterating early.
            stream.cancel()
        if not done:
            # Without its last message the answer may be cut short.
            raise Error("UNKNOWN", "the server ended the stream before its "
                        "last message (done)")
        cursor = response.next_cursor
        if not cursor:
            return
        request.cursor = cursor


def unary_pages(call: Callable[..., Any], request: Any, items: str,
                page_size: int, timeout: Optional[float]) -> Iterator[Any]:
    """As streamed_pages for a unary `call` that answers one page."""
    request.limit = check_page_size(page_size)
    return _unary(call, request, items, timeout)


def _unary(call: Callable[..., Any], request: Any, items: str,
           timeout: Optional[float]) -> Iterator[Any]:
    while True:
        with translated():
            response = call(request, timeout=timeout)
        yield from getattr(response, items)
        if not response.next_cursor:
            return
        request.cursor = response.next_cursor
