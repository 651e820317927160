"""What judging one submission's answers costs: python -m benchmarks.answers

Prints, per procedure and in one run, side by side: the schema's yes/no check alone (what the
function did before answers were normalised and x-checks judged), normalising the first example
as written and as people type it, the x-checks, and all of it as the function does it
(validation.validated). Microseconds per submission, the best of 15 rounds of 2,000 (the
best, not the median: on a shared machine the others only measure the neighbours).
"""

from __future__ import annotations

import timeit

from submit_fn.model.answer_checks import failed_checks
from submit_fn.model.normalize import normalized
from submit_fn.model.procedures import load_catalogue, today_in_vietnam
from submit_fn.model.validation import validated

ROUNDS, NUMBER = 15, 2000
TYPED = {"citizen_id": "001 190 012 345", "phone": "+84 912 345 678", "full_name": " Nguyễn  Thị Hoa "}


def best(action) -> float:
    return min(timeit.repeat(action, number=NUMBER, repeat=ROUNDS)) / NUMBER * 1e6


def costs(procedure, today) -> list[float]:
    example = procedure.examples[0]
    typed = {**example, **{key: value for key, value in TYPED.items() if key in example}}
    validated(procedure, example, today=today)  # compiled and cached before timing
    return [best(lambda: procedure.is_valid(example)), best(lambda: normalized(procedure, example)),
            best(lambda: normalized(procedure, typed)), best(lambda: failed_checks(procedure, example, today)),
            best(lambda: validated(procedure, example, today=today))]


def main() -> None:
    catalogue, today = load_catalogue(), today_in_vietnam()
    print(f"{'procedure':<20} {'schema only':>12} {'normalise':>10} {'(typed)':>9} {'x-checks':>9} {'all':>8}  µs")
    for procedure in catalogue:
        if procedure.examples:
            row = costs(procedure, today)
            print(f"{procedure.id:<20} " + " ".join(f"{value:>{width}.1f}" for value, width in zip(row, (12, 10, 9, 9, 8))))


if __name__ == "__main__":
    main()
