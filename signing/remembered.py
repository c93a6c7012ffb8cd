"""A bounded memory of answers, shared by the server's threads."""

from __future__ import annotations

from collections import OrderedDict
from contextlib import suppress
from typing import Generic, TypeVar

__all__ = ["Remembered"]

K = TypeVar("K")
V = TypeVar("V")


class Remembered(Generic[K, V]):
    """The last ``size`` answers by key, the least recently used forgotten first.

    For answers that are a pure function of their key: two threads racing on one key
    compute it twice and keep one, which changes nothing but the time.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._answers: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        known = self._answers.get(key)
        if known is not None:
            with suppress(KeyError):  # another thread may have forgotten it meanwhile
                self._answers.move_to_end(key)
        return known

    def put(self, key: K, value: V) -> None:
        self._answers[key] = value
        if len(self._answers) > self._size:
            with suppress(KeyError):  # another thread emptied it meanwhile
                self._answers.popitem(last=False)

    def __len__(self) -> int:
        return len(self._answers)
