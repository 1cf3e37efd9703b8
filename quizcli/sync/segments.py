"""A segment file: one sync's records from one device, as JSON Lines, readable and diffable.

The first line says what the file is (format, device, profile, how many records), each
record is one line, and the last line closes it (``{"end": N}``).  A file without that
last line, or with a line that does not parse, is half-written (a file-sync tool
delivered part of it): it is refused whole, and read again next time.  Every record is
checked here, field by field, so merging never meets a malformed one.
"""

import json
from datetime import datetime
from operator import attrgetter, itemgetter
from typing import Any

from quizcli.errors import QuizcliError

FORMAT = 1
Record = dict[str, Any]
_TEXT = (str,)
_MAYBE_TEXT = (str, type(None))
_NUMBER = (int, float)
_MAYBE_NUMBER = (int, float, type(None))
# The fields each kind of record must have, with their JSON types; "time" marks an ISO timestamp with an offset.
_FIELDS: dict[str, dict[str, tuple[type, ...] | str]] = {
    "review": {
        "uid": _TEXT,
        "deck": _TEXT,
        "item": _TEXT,
        "reviewed_at": "time",
        "rating": (int,),
        "kind": _TEXT,
        "state_before": (int,),
        "settings": _TEXT,
        "elapsed_days": _MAYBE_NUMBER,
        "retrievability": _MAYBE_NUMBER,
        "duration_ms": (int, type(None)),
        "scheduled_days": _MAYBE_NUMBER,
        "due_shift": (int,),
        "guessable": (int, type(None)),
    },
    "reset": {"deck": _TEXT, "at": "time", "device": _TEXT},
    "flag": {
        "deck": _TEXT,
        "item": _TEXT,
        "suspended": (bool,),
        "buried_until": _MAYBE_TEXT,
        "at": "time",
        "device": _TEXT,
    },
    "fit": {
        "deck": _TEXT,
        "parameters": (list,),
        "reviews": (int,),
        "loss_before": _NUMBER,
        "loss_after": _NUMBER,
        "at": "time",
        "device": _TEXT,
    },
    "exam": {"uid": _TEXT, "exam": (dict,), "answers": (list,)},
    "undo": {"uid": _TEXT, "deck": _TEXT, "item": _TEXT},
    "state": {"deck": _TEXT, "item": _TEXT, "log": _TEXT, "state": (dict,)},
}
_STATE_FIELDS: dict[str, tuple[type, ...] | str] = {
    "state": (int,),
    "due": "time",
    "step": (int, type(None)),
    "stability": _MAYBE_NUMBER,
    "difficulty": _MAYBE_NUMBER,
    "last_review": (str, type(None)),
    "reps": (int,),
    "lapses": (int,),
}


class HalfWritten(QuizcliError):
    """A segment file that is not complete (yet): skipped with a warning, read again at the next sync."""


def encode(device: str, profile: str, records: list[Record]) -> str:
    """The text of a segment holding ``records``."""
    header = {"quizcli_sync": FORMAT, "device": device, "profile": profile, "records": len(records)}
    lines = [header, *records, {"end": len(records)}]
    return "".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines)


def decode(text: str, profile: str) -> list[Record]:
    """The records of a complete segment of ``profile``; `HalfWritten` for anything else."""
    lines = text.count("\n")  # at "\n" only: JSON leaves other line breaks (U+2028...) raw in its strings
    if not text.endswith("\n") or lines < 2:
        raise HalfWritten("half-written (it stops before its last line)")
    try:  # one parse of the whole file; line by line only to say which line is broken
        # One copy of the text, the last line break left as white space: a big segment is copied no more than it must.
        parsed: list[Any] = json.loads("".join(("[", text.replace("\n", ",", lines - 1), "]")))
        if len(parsed) != lines:
            raise ValueError("a line holds more than one value")
    except ValueError:
        parsed = [_line(number, line) for number, line in enumerate(text.split("\n")[:-1], start=1)]
    header, end = parsed[0], parsed[-1]
    records: list[Record] = parsed[1:-1]
    if not isinstance(header, dict) or header.get("quizcli_sync") != FORMAT:
        raise HalfWritten("not a quizcli sync segment of this format")
    if header.get("profile") != profile:
        raise HalfWritten("written for another profile (another person's progress)")
    if end != {"end": len(records)} or header.get("records") != len(records):
        raise HalfWritten("half-written (its record count does not match)")
    if not _all_sound(records):  # then record by record, for the first one that is not and what is wrong with it
        for number, record in enumerate(records, start=2):
            problem = _problem(record)
            if problem:
                raise HalfWritten(f"line {number}: {problem}")
    return records


def _all_sound(records: list[Any]) -> bool:
    """Whether `_problem` finds nothing in any record, checked a field at a time over all records of a kind.

    The records come from `json.loads`, whose values are of exactly its types, so a value is of an
    expected type when its type is one of them (a bool is then never taken for an int).
    """
    if not set(map(type, records)) <= {dict}:
        return False
    try:
        names = list(map(itemgetter("t"), records))
    except KeyError:
        return False
    if not set(map(type, names)) <= {str}:
        return False
    kinds: dict[str, list[Record]] = {}
    for name, record in zip(names, records, strict=True):
        kinds.setdefault(name, []).append(record)
    if not all(_all_fields_sound(group, _FIELDS.get(kind, {})) for kind, group in kinds.items()):
        return False
    reviews, states = kinds.get("review", []), [record["state"] for record in kinds.get("state", [])]
    return (
        _values(reviews, "rating") <= {1, 2, 3, 4}  # ints by now: the fields were checked
        and _values(reviews, "kind") <= {"review", "practice"}
        and _all_fields_sound(states, _STATE_FIELDS)
        and _values(states, "state") <= {0, 1, 2, 3}
        and _all_timestamps([state["last_review"] for state in states if state["last_review"] is not None])
    )


def _all_fields_sound(records: list[Record], fields: dict[str, tuple[type, ...] | str]) -> bool:
    for field, expected in fields.items():
        values = map(itemgetter(field), records)  # only a timestamp's values are kept, to be parsed
        try:
            if isinstance(expected, str):  # "time"
                if not _all_timestamps(list(values)):
                    return False
            elif not set(map(type, values)) <= set(expected):
                return False
        except KeyError:
            return False
    return True


def _values(records: list[Record], field: str) -> set[Any]:
    return set(map(itemgetter(field), records))


def _all_timestamps(values: list[Any]) -> bool:
    """`_is_timestamp` of every value."""
    if not set(map(type, values)) <= {str}:
        return False
    try:
        return None not in map(attrgetter("tzinfo"), map(datetime.fromisoformat, values))
    except ValueError:
        return False


def _line(number: int, line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError as exc:
        raise HalfWritten(f"line {number} does not parse ({exc})") from None


def _problem(record: object) -> str | None:
    """What is wrong with one record, or None; a kind this version does not know is left for the merge to skip."""
    if not isinstance(record, dict) or not isinstance(record.get("t"), str):
        return "not a record"
    problem = _fields_problem(record, _FIELDS.get(record["t"], {}))
    if problem is None and record["t"] == "state":
        state = record["state"]
        problem = _fields_problem(state, _STATE_FIELDS)
        last = state.get("last_review")
        if problem is None and (state["state"] not in (0, 1, 2, 3) or not (last is None or _is_timestamp(last))):
            problem = "a state is out of range"
    if (
        problem is None
        and record["t"] == "review"
        and (record["rating"] not in (1, 2, 3, 4) or record["kind"] not in ("review", "practice"))
    ):
        problem = "a review's rating or kind is out of range"
    return problem


def _fields_problem(record: dict[str, Any], fields: dict[str, tuple[type, ...] | str]) -> str | None:
    for field, expected in fields.items():
        value = record.get(field, ...)
        if isinstance(expected, str):  # "time"
            if not _is_timestamp(value):
                return f"{field} is not a timestamp with an offset"
        elif not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
            return f"{field} is missing or of the wrong type"
    return None


def _is_timestamp(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False
