"""The bounded memory behind the signer-path and GOST-verification caches."""

from __future__ import annotations

import threading

from signing.remembered import Remembered


def test_the_least_recently_used_is_forgotten_first() -> None:
    memory: Remembered[str, int] = Remembered(2)
    memory.put("a", 1)
    memory.put("b", 2)
    assert memory.get("a") == 1  # "a" is now the most recent
    memory.put("c", 3)
    assert (memory.get("a"), memory.get("b"), memory.get("c")) == (1, None, 3)
    assert len(memory) == 2


def test_threads_sharing_it_never_fail_and_it_stays_bounded() -> None:
    memory: Remembered[int, int] = Remembered(8)
    errors: list[BaseException] = []

    def churn(offset: int) -> None:
        try:
            for i in range(5000):
                key = (i * 7 + offset) % 50
                if memory.get(key) is None:
                    memory.put(key, key)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=churn, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(memory) <= 8
