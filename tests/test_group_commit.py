"""Submissions arriving together share one commit, yet each request gets its own answer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest

from submit_fn.model.procedures import VIETNAM, load_catalogue
from submit_fn.service.group_commit import GroupCommit
from submit_fn.service.receipts import make_receipt
from submit_fn.service.requests import body_hash, key_hash
from submit_fn.service.storage import IdempotencyConflict, Storage, Submission
from tests.servers import RECEIPT_KEY, postgresql

PROCEDURE = load_catalogue()["tiep-tuc"]


def together(count: int, action: Callable[[int], object]) -> list[object]:
    """Run action(0..count-1) in as many threads started at once; each result or the exception raised."""
    start = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = action(index)
        except Exception as error:  # noqa: BLE001 - the test looks at what each thread got
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def all_waiting(writer: GroupCommit, count: int) -> None:
    """Wait until `count` writes are handed over to `writer` (a state, never a time: the machine may be busy)."""
    deadline = time.monotonic() + 30
    while len(writer._waiting) < count:
        assert time.monotonic() < deadline, "the writes never arrived"
        time.sleep(0.001)


def slow_commit(groups: list[list[int]], fail: Callable[[int], bool] = lambda write: False,
                before_first: Callable[[], None] = lambda: None):
    """A commit whose first group waits, as one waiting for a lock would, until `before_first` returns;
    fails the writes `fail` picks."""

    def commit(take):
        if not groups:
            before_first()
        writes = take()
        groups.append(list(writes))
        return [ValueError(f"write {w} refused") if fail(w) else w * 10 for w in writes]

    return commit


def test_writes_arriving_during_a_commit_are_committed_together_and_each_gets_its_own_outcome():
    groups: list[list[int]] = []
    writer = GroupCommit(slow_commit(groups, before_first=lambda: all_waiting(writer, 16)))
    results = together(16, writer.write)
    assert results == [i * 10 for i in range(16)]
    assert sorted(w for group in groups for w in group) == list(range(16))
    assert len(groups) == 1  # every write that arrived while the first waited for the lock joined it


def test_a_write_that_fails_fails_only_its_own_request():
    groups: list[list[int]] = []
    writer = GroupCommit(slow_commit(groups, fail=lambda write: write == 3))
    results = together(8, writer.write)
    assert isinstance(results[3], ValueError) and "write 3" in str(results[3])
    assert [r for i, r in enumerate(results) if i != 3] == [i * 10 for i in range(8) if i != 3]


def test_a_commit_that_fails_reaches_every_request_in_it_and_the_next_commit_still_happens():
    failing = threading.Event()
    failing.set()

    def commit(take):
        writes = take()
        if failing.is_set():
            failing.clear()
            raise OSError("disk full")
        return list(writes)

    writer = GroupCommit(commit)
    with pytest.raises(OSError, match="disk full"):
        writer.write(1)
    assert writer.write(2) == 2


def test_a_commit_that_cannot_start_fails_only_the_request_that_led_it():
    groups: list[list[int]] = []
    locked = threading.Event()
    locked.set()

    def commit(take):
        if locked.is_set():  # e.g. the write lock not obtained in time
            locked.clear()
            all_waiting(writer, 8)
            raise TimeoutError("database is locked")
        return slow_commit(groups)(take)

    writer = GroupCommit(commit)
    results = together(8, writer.write)
    assert sum(isinstance(r, TimeoutError) for r in results) == 1
    assert all(r == i * 10 for i, r in enumerate(results) if not isinstance(r, TimeoutError))
    assert len(groups) == 1  # the seven left waiting are committed together by the next leader


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def storage(request, tmp_path_factory) -> Iterator[Storage]:
    if request.param == "sqlite":
        yield Storage(f"sqlite:///{tmp_path_factory.mktemp('db') / 'group.sqlite3'}")
    else:
        with postgresql() as database_url:
            yield Storage(database_url)


def submission(answers: dict) -> Submission:
    receipt = make_receipt(PROCEDURE, datetime.now(VIETNAM), RECEIPT_KEY)
    return Submission(receipt, answers, body_hash(answers))


def test_concurrent_submissions_are_all_stored_and_one_that_cannot_be_stored_fails_alone(storage):
    before = storage.count()
    submissions = [submission(PROCEDURE.examples[0]) for _ in range(16)]
    clash = Submission({**submissions[5].receipt}, submissions[5].answers, submissions[5].body_hash)
    submissions.append(clash)  # the same receipt id twice: the database refuses one of them
    results = together(len(submissions), lambda i: storage.add(submissions[i], None))
    failed = [r for r in results if isinstance(r, Exception)]
    assert len(failed) == 1 and not isinstance(failed[0], IdempotencyConflict)
    assert storage.count() == before + 16
    for stored in (r for r in results if not isinstance(r, Exception)):
        assert storage.get(stored.id).receipt == stored.receipt


def test_concurrent_retries_in_one_commit_store_once_and_a_different_body_is_a_conflict(storage):
    before = storage.count()
    first, other = PROCEDURE.examples[0], {**PROCEDURE.examples[0], "phone": "0987654321"}
    key = key_hash("double-tap-in-one-group", PROCEDURE.id)
    bodies = [first if i % 2 else other for i in range(16)]
    results = together(16, lambda i: storage.add(submission(bodies[i]), key))
    assert storage.count() == before + 1
    kept = next(r for r in results if isinstance(r, Submission))
    for body, result in zip(bodies, results, strict=True):
        if body_hash(body) == kept.body_hash:
            assert isinstance(result, Submission) and result.receipt == kept.receipt
        else:
            assert isinstance(result, IdempotencyConflict)
