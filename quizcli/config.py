"""Study settings: defaults, the user's ``config.toml``, per-deck overrides, then command-line flags.

```toml
[study]
desired_retention = 0.9
new_per_day = 20
reviews_per_day = 200
learning_steps = ["1m", "10m"]
relearning_steps = ["10m"]
maximum_interval = 36500   # days
leech_action = "suspend"   # or "tag": keep studying a leech, only flag it
guessable_rating = "hard"  # or "good": suggested after a right choice or true/false review
bury_new_siblings = true   # answering an item hides its card's other new items until the next study day
bury_review_siblings = true
new_order = "spread"       # or "authored": new items in deck order
max_answer_time = "60s"    # an answer that took longer is logged as taking this long

[decks.long-context]      # overrides for one deck
new_per_day = 10
```
"""

import re
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from quizcli import paths
from quizcli.errors import QuizcliError
from quizcli.scheduler import Settings

_DURATION = r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$"
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
KEYS = (
    "desired_retention",
    "new_per_day",
    "reviews_per_day",
    "learning_steps",
    "relearning_steps",
    "maximum_interval",
    "leech_action",
    "guessable_rating",
    "bury_new_siblings",
    "bury_review_siblings",
    "new_order",
    "max_answer_time",
)


class LeechAction(StrEnum):
    """What happens when an answer makes a card a leech: Anki's "Suspend Card" or "Tag Only"."""

    SUSPEND = "suspend"
    TAG = "tag"  # keep it in the queue; the notice and `quizcli stats` still name it


class GuessableRating(StrEnum):
    """The rating suggested after a right answer to a guessable card (choice, true/false) in review.

    A right answer there may be a lucky guess, so FSRS would over-estimate the memory if it were
    rated Good: ``hard`` suggests Hard instead (see docs/study.md for the measurements behind it).
    """

    HARD = "hard"
    GOOD = "good"


class NewOrder(StrEnum):
    """The order new items are introduced in: as written, or spread so related ones do not follow each other."""

    AUTHORED = "authored"
    SPREAD = "spread"


class StudyConfig(NamedTuple):
    new_per_day: int = 20
    reviews_per_day: int = 200
    settings: Settings = Settings()
    leech_action: LeechAction = LeechAction.SUSPEND
    guessable_rating: GuessableRating = GuessableRating.HARD
    bury_new_siblings: bool = True
    bury_review_siblings: bool = True
    new_order: NewOrder = NewOrder.SPREAD
    max_answer_seconds: int = 60


class ConfigError(QuizcliError):
    """The config file cannot be read or holds a value quizcli cannot use."""


def load_config(deck: str | None, path: Path | None = None) -> StudyConfig:
    """The settings for ``deck``: defaults, then ``[study]``, then ``[decks.<deck>]`` (no deck: up to ``[study]``)."""
    path = path or paths.config_file()
    if not path.is_file():
        return StudyConfig()
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    config = _apply(StudyConfig(), _table(data, "study", path), path, "[study]")
    if deck is None:
        return config
    per_deck = _table(_table(data, "decks", path), deck, path)
    return _apply(config, per_deck, path, f"[decks.{deck}]")


def _table(data: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: '{key}' must be a table")
    return value


def _apply(config: StudyConfig, table: dict[str, Any], path: Path, where: str) -> StudyConfig:
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigError(f"{path}: unknown setting {unknown[0]!r} in {where} (known: {', '.join(KEYS)})")
    try:
        return _with_values(config, table)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: {where}: {exc}") from exc


def _with_values(config: StudyConfig, table: dict[str, Any]) -> StudyConfig:
    settings = config.settings
    if "desired_retention" in table:
        settings = settings._replace(desired_retention=retention(table["desired_retention"]))
    if "learning_steps" in table:
        settings = settings._replace(learning_steps=steps(table["learning_steps"]))
    if "relearning_steps" in table:
        settings = settings._replace(relearning_steps=steps(table["relearning_steps"]))
    if "maximum_interval" in table:
        settings = settings._replace(maximum_interval=_positive(table["maximum_interval"], "maximum_interval"))
    new = _count(table.get("new_per_day", config.new_per_day), "new_per_day")
    reviews = _count(table.get("reviews_per_day", config.reviews_per_day), "reviews_per_day")
    leech = one_of(LeechAction, table.get("leech_action", config.leech_action), "leech_action")
    guessable = one_of(GuessableRating, table.get("guessable_rating", config.guessable_rating), "guessable_rating")
    return StudyConfig(
        new_per_day=new,
        reviews_per_day=reviews,
        settings=settings,
        leech_action=leech,
        guessable_rating=guessable,
        bury_new_siblings=_flag(table.get("bury_new_siblings", config.bury_new_siblings), "bury_new_siblings"),
        bury_review_siblings=_flag(
            table.get("bury_review_siblings", config.bury_review_siblings), "bury_review_siblings"
        ),
        new_order=one_of(NewOrder, table.get("new_order", config.new_order), "new_order"),
        max_answer_seconds=(
            _answer_time(table["max_answer_time"]) if "max_answer_time" in table else config.max_answer_seconds
        ),
    )


_Choice = TypeVar("_Choice", bound=StrEnum)


def one_of(choices: type[_Choice], value: Any, name: str) -> _Choice:
    """``value`` as a member of the enum ``choices``; the error names the setting and every accepted value."""
    try:
        return choices(value)
    except ValueError:
        accepted = " or ".join(f'"{member.value}"' for member in choices)
        raise ValueError(f"{name} must be {accepted}, got {value!r}") from None


def _answer_time(value: Any) -> int:
    try:
        return parse_duration(value)
    except ValueError:
        raise ValueError(f"max_answer_time must be a duration like '60s' or '2m', got {value!r}") from None


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, got {value!r}")
    return value


def retention(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.7 <= value <= 0.99:
        raise ValueError(f"desired retention must be a number from 0.70 to 0.99, got {value!r}")
    return float(value)


def steps(values: Any) -> tuple[int, ...]:
    if not isinstance(values, list):
        raise ValueError(f'steps must be a list like ["1m", "10m"], got {values!r}')
    return tuple(parse_duration(v) for v in values)


def parse_duration(value: Any) -> int:
    """``"10m"``, ``"1h"``, ``"1d"``, ``"30s"`` or a number of seconds, as whole seconds."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = re.match(_DURATION, str(value))
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"a step must be a duration like '1m', '10m', '1h' or '1d', got {value!r}")
    return round(float(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number, 0 or more, got {value!r}")
    return value


def _positive(value: Any, name: str) -> int:
    if _count(value, name) == 0:
        raise ValueError(f"{name} must be at least 1")
    return int(value)
