"""The JSON Schema keywords that python-jsonschema would judge otherwise than the schemas mean.

- `pattern` is an ECMA-262 regular expression (JSON Schema 2020-12, 6.4), read here by regress,
  as the browser and jsonschema-rs read it: `^[0-9]{12}$` refuses "001190012345\\n", which
  Python's `re` accepts (its `$` also matches before a final newline).
- An array longer than its `maxItems` is judged item by item (`items`, `contains`,
  `uniqueItems`) only up to that many items: past them `maxItems` has said what is wrong,
  and the rest would be work whose size the sender chooses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache

import regress
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

STANDARD = Draft202012Validator.VALIDATORS
Keyword = Callable[..., Iterator[ValidationError]]


@cache
def ecma_regex(pattern: str) -> regress.Regex:
    return regress.Regex(pattern, "u")  # the flag the form pages' own check uses (docs/assets/js/form.js)


def pattern(validator, expression: str, instance: object, schema: dict) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and ecma_regex(expression).find(instance) is None:
        yield ValidationError(f"does not match {expression!r}")


def _up_to_max_items(judge: Keyword) -> Keyword:
    def bounded(validator, value: object, instance: object, schema: dict) -> Iterator[ValidationError]:
        limit = schema.get("maxItems")
        if isinstance(limit, int) and validator.is_type(instance, "array") and len(instance) > limit:
            instance = instance[:limit]
        yield from judge(validator, value, instance, schema)

    return bounded


SchemaValidator = validators.extend(
    Draft202012Validator,
    {
        "pattern": pattern,
        **{keyword: _up_to_max_items(STANDARD[keyword]) for keyword in ("items", "contains", "uniqueItems")},
    },
)
