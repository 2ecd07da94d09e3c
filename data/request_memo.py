"""Reads that one request of the server repeats, remembered for that request only.

Nearly every store function a case page calls starts by asking whether the user may open the
case (`data.access.require_case`), so one page open asked it a dozen times or more. The app
says where a request's memo lives (`use`: a function returning a dict that lives exactly as
long as the request, or None outside one); outside the app (the command line, the store's
tests) there is none, and nothing is remembered.

Nothing outlives its request, so a change made by another request (an agency's access taken
away) counts from the next request on. Every write transaction empties the memo
(`data.store.Store.transaction`), so a request reads its own writes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def _none() -> dict | None:
    return None


_memo_of_request: Callable[[], dict | None] = _none


def use(memo_of_request: Callable[[], dict | None]) -> Callable[[], dict | None]:
    """Where this process's requests keep their memo (the app calls this once); returns where
    they kept it before."""
    global _memo_of_request
    before, _memo_of_request = _memo_of_request, memo_of_request
    return before


def remembered(key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, or what it returned earlier in this request for the same `key`. Only values
    are remembered: a read that raises is asked again next time."""
    memo = _memo_of_request()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def forget() -> None:
    """Empty this request's memo (after a write)."""
    memo = _memo_of_request()
    if memo:
        memo.clear()


def per_request(read: Callable[P, T]) -> Callable[P, T]:
    """`read` remembered for the request by its (hashable, positional) arguments. Its callers
    share what it returns: they must not change it."""

    @wraps(read)
    def remembered_read(*args: P.args, **kwargs: P.kwargs) -> T:
        if kwargs:
            return read(*args, **kwargs)
        return remembered((read.__module__, read.__qualname__, *args), lambda: read(*args))

    return remembered_read
