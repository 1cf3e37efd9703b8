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
next_day_starts_at = 4     # the local hour (0-23) the study day begins at; [study] only, for every deck
sync = "off"               # or "auto": sync with the sync folder as a session starts and after it ends

[sync]                     # written by the first `quizcli sync FOLDER` (and `--git`)
folder = "~/Sync/quizcli"
git = false

[decks.long-context]      # overrides for one deck
new_per_day = 10
```

Loading the config puts ``next_day_starts_at`` in force for the process (`quizcli.clock.set_rollover_hour`):
the study day is one for every deck, so limits, due reviews, burying and ``stats`` all count the same days.
"""

import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from quizcli import clock, paths
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
    "sync",
)
SYNC_MODES = ("off", "auto")
ROLLOVER_KEY = "next_day_starts_at"  # Anki's "Next day starts at"; only in [study]: one study day for every deck


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
    auto_sync: bool = False  # ``sync = "auto"``: a session syncs as it starts and after it ends


class ConfigError(QuizcliError):
    """The config file cannot be read or holds a value quizcli cannot use."""


def load_config(deck: str | None, path: Path | None = None) -> StudyConfig:
    """The settings for ``deck``: defaults, then ``[study]``, then ``[decks.<deck>]`` (no deck: up to ``[study]``).

    Also puts the configured ``next_day_starts_at`` in force (the default when there is no config file).
    Every unknown or invalid setting of the tables read is reported at once, each at its path:line:column.
    """
    path = path or paths.config_file()
    read = _read(path)
    if read is None:
        clock.set_rollover_hour(clock.DAY_ROLLOVER_HOUR)
        return StudyConfig()
    text, data = read
    source = _Source(path, text)
    study = _table(data, "study", path)
    tables = [("study", study)]
    if deck is not None:
        tables.append((f"decks.{deck}", _table(_table(data, "decks", path), deck, path)))
    problems = [problem for name, table in tables for problem in _problems(table, name, source)]
    if problems:
        raise ConfigError("\n".join(problems))
    clock.set_rollover_hour(study.get(ROLLOVER_KEY, clock.DAY_ROLLOVER_HOUR))
    config = StudyConfig()
    for _, table in tables:
        config = _with_values(config, table)
    return config


def sync_folder(path: Path | None = None) -> Path | None:
    """The folder ``quizcli sync`` uses when none is given: ``folder`` in the config file's ``[sync]`` table."""
    folder = _sync_table(path).get("folder")
    if folder is not None and not isinstance(folder, str):
        raise ConfigError(f"{path or paths.config_file()}: [sync] folder must be a string (a path)")
    return None if folder is None else Path(folder).expanduser()


def sync_with_git(path: Path | None = None) -> bool:
    """Whether ``quizcli sync`` runs git on the sync folder without being given ``--git``: ``[sync] git``."""
    git = _sync_table(path).get("git", False)
    if not isinstance(git, bool):
        raise ConfigError(f"{path or paths.config_file()}: [sync] git must be true or false")
    return git


def _sync_table(path: Path | None) -> dict[str, Any]:
    path = path or paths.config_file()
    read = _read(path)
    return {} if read is None else _table(read[1], "sync", path)


def _read(path: Path) -> tuple[str, dict[str, Any]] | None:
    """The config file's text and its TOML, or None when there is no file."""
    if not path.is_file():
        return None
    import tomllib

    try:
        text = path.read_text(encoding="utf-8")
        return text, tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def remember_sync_folder(folder: Path, path: Path | None = None) -> None:
    """Add ``[sync] folder = ...`` to the config file (created if need be), leaving the rest of it as it was.

    Only called when the file has no sync folder yet; a JSON string is a valid TOML basic string.
    """
    _remember_in_sync_table(f"folder = {json.dumps(str(folder), ensure_ascii=False)}", "the sync folder", path)


def remember_sync_with_git(path: Path | None = None) -> None:
    """Add ``[sync] git = true`` to the config file; only called when its ``[sync]`` table has no ``git`` yet."""
    _remember_in_sync_table("git = true", "that the sync folder is synced with git", path)


def _remember_in_sync_table(setting: str, what: str, path: Path | None) -> None:
    """Add the line ``setting`` to the config file's ``[sync]`` table (made if need be), the rest left as it was."""
    path = path or paths.config_file()
    try:
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        if text and not text.endswith("\n"):
            text += "\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        if re.search(r"(?m)^\s*\[\s*sync\s*\]", text):  # the key goes right under the table's header
            text = re.sub(r"(?m)^(\s*\[\s*sync\s*\][^\n]*\n)", lambda m: f"{m[1]}{setting}\n", text, count=1)
        else:
            text += f"\n[sync]\n{setting}\n"
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot remember {what} in {path}: {exc.strerror or exc}") from exc


def _table(data: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: '{key}' must be a table")
    return value


class _Source:
    """The config file's path and text, to point at the line of a setting (a plain class: never compared)."""

    __slots__ = ("path", "text")

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = path, text

    def at(self, table: str, key: str) -> str:
        """``path:line:column`` of ``key = ...`` in ``[table]`` (just the path when it is not written that way)."""
        lines = self.text.splitlines()
        header = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]")
        setting = re.compile(rf"^(\s*)[\"']?{re.escape(key)}[\"']?\s*=")
        inside = False
        for number, line in enumerate(lines, start=1):
            if line.lstrip().startswith("["):
                inside = bool(header.match(line))
            elif inside and (found := setting.match(line)):
                return f"{self.path}:{number}:{len(found.group(1)) + 1}"
        return str(self.path)


def _problems(table: dict[str, Any], name: str, source: _Source) -> list[str]:
    """What is wrong with each setting of ``[name]``: unknown, misplaced, or a value quizcli cannot use."""
    known = (*KEYS, ROLLOVER_KEY) if name == "study" else KEYS
    problems = []
    for key, value in table.items():
        where = f"{source.at(name, key)}: [{name}]"
        if key == ROLLOVER_KEY and name != "study":
            problems.append(f"{where}: {key} is the same for every deck; set it in [study]")
        elif key not in known:
            problems.append(f"{where}: unknown setting {key!r} (known: {', '.join(known)})")
        elif (error := _value_error(key, value)) is not None:
            problems.append(f"{where}: {error}")
    return problems


def _value_error(key: str, value: Any) -> str | None:
    """Why ``value`` cannot be ``key``'s, or None when it can."""
    try:
        if key == ROLLOVER_KEY:
            rollover_hour(value)
        else:
            _with_values(StudyConfig(), {key: value})
    except (TypeError, ValueError) as exc:
        return str(exc)
    return None


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
        auto_sync=_sync_mode(table["sync"]) if "sync" in table else config.auto_sync,
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


def _sync_mode(value: Any) -> bool:
    """Whether ``sync = value`` asks a session to sync by itself."""
    if not isinstance(value, str) or value not in SYNC_MODES:
        raise ValueError(f'sync must be "off" or "auto", got {value!r}')
    return value == "auto"


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, got {value!r}")
    return value


def rollover_hour(value: Any) -> int:
    """The hour after local midnight (0-23) a study day begins at."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 23:
        raise ValueError(f"{ROLLOVER_KEY} must be a whole hour from 0 to 23 (after midnight), got {value!r}")
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
        seconds = value
    else:
        match = re.match(_DURATION, str(value))
        if not match or float(match.group(1)) <= 0:
            raise ValueError(f"a step must be a duration like '1m', '10m', '1h' or '1d', got {value!r}")
        seconds = round(float(match.group(1)) * _UNIT_SECONDS[match.group(2)])
    if seconds > MAX_STEP_SECONDS:
        raise ValueError(f"a step must be at most 365d (a learning step, not an interval), got {value!r}")
    return seconds


MAX_STEP_SECONDS = 365 * 86_400
MAX_COUNT = 1_000_000  # more cards than any deck holds


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise ValueError(f"{name} must be a whole number from 0 to {MAX_COUNT:,}, got {value!r}")
    return value


def _positive(value: Any, name: str) -> int:
    if _count(value, name) == 0:
        raise ValueError(f"{name} must be at least 1")
    return int(value)
