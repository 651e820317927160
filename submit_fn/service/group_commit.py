"""Group commit: the writes of concurrent requests share one transaction, hence one fsync.

A request hands its write over and waits. If no commit is under way, its own thread commits
(the leader): it opens a transaction, waiting for the database's write lock if another process
holds it, and only then takes every write waiting, so that those arriving meanwhile join in.
The others wait for that commit to end, then either find their write done or lead the next one.
Nothing returns before the transaction holding its write has committed, so a receipt still
means a durable submission. With one request at a time (sync workers) every group has one
write and this costs a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Write = TypeVar("Write")
Outcome = TypeVar("Outcome")
Take = Callable[[], Sequence[Write]]


class _Waiting(Generic[Write, Outcome]):
    __slots__ = ("error", "finished", "outcome", "write")

    def __init__(self, write: Write) -> None:
        self.write = write
        self.finished = False
        self.outcome: Outcome | None = None
        self.error: BaseException | None = None


class GroupCommit(Generic[Write, Outcome]):
    """Runs `commit_group(take) -> outcomes`: it calls `take()` once, when it holds the write lock,
    for the writes waiting then, and returns one outcome per write (or an exception for one write)."""

    def __init__(self, commit_group: Callable[[Take], Sequence[Outcome | BaseException]]) -> None:
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
            lead = not mine.finished
            self._committing = self._committing or lead
        if lead:
            self._lead(mine)
        if mine.error is not None:
            raise mine.error
        return mine.outcome  # type: ignore[return-value]

    def _take(self) -> list[_Waiting[Write, Outcome]]:
        with self._turn:
            group, self._waiting = self._waiting, []
        return group

    def _lead(self, mine: _Waiting[Write, Outcome]) -> None:
        group: list[_Waiting[Write, Outcome]] = []

        def take() -> list[Write]:
            group.extend(self._take())
            return [waiting.write for waiting in group]

        try:
            outcomes = self._commit_group(take)
            for waiting, outcome in zip(group, outcomes, strict=True):
                if isinstance(outcome, BaseException):
                    waiting.error = outcome
                else:
                    waiting.outcome = outcome
        except BaseException as error:  # noqa: BLE001 - each request of the failed group raises it
            if not group:  # failed before taking: only the leader's own write fails, the rest wait on
                with self._turn:
                    self._waiting.remove(mine)
                group.append(mine)
            for waiting in group:
                waiting.error = error
        finally:
            with self._turn:
                for waiting in group:
                    waiting.finished = True
                self._committing = False
                self._turn.notify_all()
