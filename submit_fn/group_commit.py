"""Group commit: the writes of concurrent requests share one transaction, hence one fsync.

A request hands its write over and waits. If no commit is under way, its own thread commits
everything waiting (the leader); otherwise it waits for that commit to end, then either finds
its write done or leads the next one. Nothing returns before the transaction holding its write
has committed, so a receipt still means a durable submission. With one request at a time (sync
workers) every group has one write and this costs a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Write = TypeVar("Write")
Outcome = TypeVar("Outcome")


class _Waiting(Generic[Write, Outcome]):
    __slots__ = ("error", "finished", "outcome", "write")

    def __init__(self, write: Write) -> None:
        self.write = write
        self.finished = False
        self.outcome: Outcome | None = None
        self.error: BaseException | None = None


class GroupCommit(Generic[Write, Outcome]):
    """Runs `commit_group(writes) -> outcomes` (one per write, or an exception for one write) for
    the writes of every thread that arrived while the previous group was committing."""

    def __init__(self, commit_group: Callable[[Sequence[Write]], Sequence[Outcome | BaseException]]) -> None:
        self._commit_group = commit_group
        self._turn = threading.Condition()
        self._waiting: list[_Waiting[Write, Outcome]] = []
        self._committing = False

    def write(self, write: Write) -> Outcome:
        """The outcome of `write`, once the transaction that holds it has committed."""
        mine: _Waiting[Write, Outcome] = _Waiting(write)
        with self._turn:
            self._waiting.append(mine)
            while self._committing and not mine.finished:
                self._turn.wait()
            if not mine.finished:
                self._committing = True
                group, self._waiting = self._waiting, []
        if not mine.finished:
            self._lead(group)
        if mine.error is not None:
            raise mine.error
        return mine.outcome  # type: ignore[return-value]

    def _lead(self, group: list[_Waiting[Write, Outcome]]) -> None:
        try:
            outcomes = self._commit_group([waiting.write for waiting in group])
            for waiting, outcome in zip(group, outcomes, strict=True):
                if isinstance(outcome, BaseException):
                    waiting.error = outcome
                else:
                    waiting.outcome = outcome
        except BaseException as error:  # noqa: BLE001 - the whole group failed: each of its requests raises it
            for waiting in group:
                waiting.error = error
        finally:
            with self._turn:
                for waiting in group:
                    waiting.finished = True
                self._committing = False
                self._turn.notify_all()
