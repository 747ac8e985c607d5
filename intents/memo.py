"""A bounded memo of one function's results per word: the fuzzy spelling searches of the rules and
the gazetteer cost more than everything else in understand(), and the words people type repeat.
Emptied when full, so it never holds more than `size` words however long the service runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
_UNSEEN = object()


class WordMemo(Generic[T]):
    def __init__(self, compute: Callable[[str], T], size: int = 20_000) -> None:
        self._compute = compute
        self._size = size
        self._seen: dict[str, object] = {}

    def __call__(self, word: str) -> T:
        seen = self._seen.get(word, _UNSEEN)
        if seen is not _UNSEEN:
            return seen  # type: ignore[return-value]
        if len(self._seen) >= self._size:
            self._seen.clear()
        result = self._compute(word)
        self._seen[word] = result
        return result
