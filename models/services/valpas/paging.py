"""How the Valpas lists are read: in name order with a keyset cursor, one page at a time for GraphQL, or whole
in chunks for CSV. The lists themselves are async iterators computed from the current tables; the caller
stops reading when it has enough."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TypeVar

ListKey = tuple[str, str, str]  # (sukunimi, etunimet, oid): the lists' order, and their cursor
T = TypeVar("T")


async def first_page(rows: AsyncIterator[T], first: int) -> tuple[list[T], bool]:
    """The first `first` rows and whether more follow (one more row is read to know)."""
    page: list[T] = []
    async for row in rows:
        if len(page) == first:
            return page, True
        page.append(row)
    return page, False


async def chunked(rows: AsyncIterator[T], size: int) -> AsyncIterator[list[T]]:
    """The rows in lists of `size` (the last one shorter), for streaming an export."""
    chunk: list[T] = []
    async for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
