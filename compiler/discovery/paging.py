"""Cursor paging shared by the adapters: complete, bounded, and loop-proof."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

import pydantic

from compiler.discovery.base import Fetcher, ProviderFailed
from compiler.secrets.redact import scrub

T = TypeVar("T", bound=pydantic.BaseModel)


def paginate(
    fetcher: Fetcher, fetch_page: Callable[[str | None], tuple[list[T], str | None]]
) -> Iterator[T]:
    """Yield items page by page until the cursor ends; fail on a repeated cursor."""
    seen: set[str] = set()
    cursor: str | None = None
    while True:
        items, cursor = fetch_page(cursor)
        fetcher.count_page(len(items))
        yield from items
        if not cursor:
            return
        if cursor in seen:
            msg = f"the provider repeated page cursor {scrub(cursor, limit=40)!r}"
            raise ProviderFailed(fetcher.failure("", None, msg, "pagination does not end"))
        seen.add(cursor)
