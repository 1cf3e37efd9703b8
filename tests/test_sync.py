"""``quizcli sync``: segments out, an idempotent merge in, last-writer-wins events, and the edge cases users meet."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sync_devices import Device
from typer.testing import CliRunner

from quizcli.cli import app
from quizcli.errors import QuizcliError
from quizcli.scheduler import Rating
from quizcli.store.exams import AnswerRecord, ExamRecord
from quizcli.store.fits import Fit
from quizcli.sync import folder as sync_folder
from quizcli.sync import segments

from conftest import examples

T0 = datetime.fromisoformat("2026-11-28T10:00:00+00:00")


@pytest.fixture
def laptop(tmp_path: Path) -> Device:
    return Device(tmp_path / "laptop")


@pytest.fixture
def desktop(tmp_path: Path) -> Device:
    return Device(tmp_path / "desktop")


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    return tmp_path / "Sync" / "quizcli"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def segment_paths(folder: Path) -> list[Path]:
    return sorted((folder / "devices").glob("*/*.jsonl"))


# ---- the segment format ---------------------------------------------------------------------------------------


def test_a_segment_reads_back_as_written() -> None:
    records = [{"t": "reset", "deck": "d", "at": "2026-11-28T10:00:00.000000+00:00", "device": "a"}]
    assert segments.decode(segments.encode("a", "p", records), "p") == records


@pytest.mark.parametrize(
    "name", ["line\u2028separator", "paragraph\u2029separator", "next\x85line", "file\x1cseparator"]
)
def test_a_name_with_a_line_break_json_leaves_in_its_string_reads_back(name: str) -> None:
    records = [{"t": "reset", "deck": name, "at": "2026-11-28T10:00:00.000000+00:00", "device": "a"}]
    assert segments.decode(segments.encode("a", "p", records), "p") == records


@pytest.mark.parametrize(
    ("cut", "problem"),
    [
        (lambda text: text[: len(text) // 2], "half-written"),
        (lambda text: text.rsplit("\n", 2)[0] + "\n", "half-written"),
        (lambda text: text.replace('"rating":3', '"rating":9'), "out of range"),
        (lambda text: text.replace('"rating":3', '"rating":"3"'), "wrong type"),
        (
            lambda text: text.replace('"reviewed_at":"2026-11-28T10:00:00.000000+00:00"', '"reviewed_at":"soon"'),
            "timestamp",
        ),
        (lambda text: text.replace('"profile":"p"', '"profile":"q"'), "another profile"),
        (lambda text: text.replace('"quizcli_sync":1', '"quizcli_sync":7'), "not a quizcli sync segment"),
    ],
)
def test_a_damaged_or_partial_segment_is_refused_whole(cut: object, problem: str) -> None:
    text = segments.encode("a", "p", [SOUND_RECORDS[0]])  # a review
    with pytest.raises(segments.HalfWritten, match=problem):
        segments.decode(cut(text), "p")  # type: ignore[operator]


SOUND_RECORDS: list[dict[str, Any]] = [
    {
        "t": "review", "uid": "a:1", "deck": "d", "item": "x", "reviewed_at": "2026-11-28T10:00:00.000000+00:00",
        "rating": 3, "kind": "review", "state_before": 0, "settings": "{}", "elapsed_days": None,
        "retrievability": 0.5, "duration_ms": None, "scheduled_days": 1, "due_shift": 0, "guessable": 0,
    },
    {
        "t": "state", "deck": "d", "item": "x", "log": "ab",
        "state": {"state": 2, "due": "2026-11-29T10:00:00+00:00", "step": None, "stability": 1.5, "difficulty": 5,
                  "last_review": "2026-11-28T10:00:00+00:00", "reps": 1, "lapses": 0},
    },
    {"t": "flag", "deck": "d", "item": "x", "suspended": True, "buried_until": None, "at": "2026-11-28T10:00:00Z",
     "device": "a"},
    {"t": "fit", "deck": "", "parameters": [0.4], "reviews": 512, "loss_before": 0.3, "loss_after": 0.2,
     "at": "2026-11-28T10:00:00+01:00", "device": "a"},
    {"t": "undo", "uid": "a:1", "deck": "d", "item": "x"},
    {"t": "hologram"},
]  # fmt: skip
# Values a field may be given instead of its own: of another type, out of range, a time without an offset...
NEAR_MISSES: list[Any] = [None, True, 0, 4, 5, -1, 1.5, "", "x", "reviewx", "2026-11-28T10:00:00", [], {}]


def variants(record: dict[str, Any]) -> list[Any]:
    """The record with each field (and each field of its state) removed or given each of `NEAR_MISSES` in turn."""
    found: list[Any] = [record, *NEAR_MISSES]
    for field in [*record, "t"]:
        found.append({key: value for key, value in record.items() if key != field})
        found += [{**record, field: value} for value in NEAR_MISSES]
    if record["t"] == "state":
        found += [{**record, "state": state} for state in variants({**record["state"], "t": "-"})]
    return found


VARIANTS = [variant for record in SOUND_RECORDS for variant in variants(record)]


def test_the_quick_check_of_a_segment_agrees_with_the_check_of_each_record() -> None:
    verdicts = [(segments._all_sound([record]), segments._problem(record) is None) for record in VARIANTS]
    assert [quick for quick, slow in verdicts] == [slow for quick, slow in verdicts]
    assert {slow for _, slow in verdicts} == {True, False}


@given(st.lists(st.sampled_from(VARIANTS), min_size=1, max_size=8))
@settings(max_examples=examples(300))
def test_the_quick_check_agrees_over_a_whole_segment(records: list[Any]) -> None:
    assert segments._all_sound(records) is all(segments._problem(record) is None for record in records)


def test_a_record_of_a_kind_from_a_newer_quizcli_is_skipped(laptop: Device, desktop: Device, shared: Path) -> None:
    desktop.sync(shared, at(0))
    laptop.sync(shared, at(0))
    with laptop.store() as store:
        device = store.sync_identity()
        assert device is not None
        text = segments.encode(device.device, device.profile, [{"t": "hologram", "x": 1}])
    sync_folder.write_segment(shared, device.device, at(1), text)
    assert desktop.sync(shared, at(2)).lines[-2] == "In: nothing new."


def test_an_undo_record_without_its_fields_is_refused_with_its_segment(
    laptop: Device, desktop: Device, shared: Path
) -> None:
    desktop.sync(shared, at(0))
    laptop.sync(shared, at(0))
    with laptop.store() as store:
        device = store.sync_identity()
        assert device is not None
    text = segments.encode(device.device, device.profile, [{"t": "undo", "deck": "d", "item": "x"}])
    sync_folder.write_segment(shared, device.device, at(1), text)
    report = desktop.sync(shared, at(2))
    assert report.lines[-2] == "In: nothing new."
    assert len(report.warnings) == 1 and "line 2: uid is missing or of the wrong type" in report.warnings[0]


# ---- one sync after another -----------------------------------------------------------------------------------


def test_first_sync_remembers_the_folder_and_writes_the_owner(laptop: Device, shared: Path) -> None:
    report = laptop.sync(shared, at(0))
    assert report.lines[0].startswith(f"Remembered {shared}")
    assert f'folder = "{shared}"' in (laptop.home / "config.toml").read_text(encoding="utf-8")
    owner = json.loads((shared / "quizcli-sync.json").read_text(encoding="utf-8"))
    assert owner["format"] == 1 and owner["profile"]
    assert laptop.sync(None, at(1)).lines == [
        "Synced with " + str(shared) + ".",
        "In: nothing new.",
        "Out: nothing new.",
    ]


def test_a_folder_whose_name_is_not_utf8_syncs_and_is_not_remembered(laptop: Device, tmp_path: Path) -> None:
    folder = tmp_path / os.fsdecode(b"shared\x9b")
    laptop.answer("d", "a", Rating.GOOD, at(0))
    report = laptop.sync(folder, at(1))
    assert report.lines[0].startswith("Not remembered: the folder's name is not UTF-8 text")
    assert report.lines[-1].startswith("Out: 1 review in devices/")
    assert not (laptop.home / "config.toml").exists()


def test_a_remembered_folder_that_is_gone_is_refused_and_not_made_again(laptop: Device, shared: Path) -> None:
    laptop.sync(shared, at(0))
    shutil.rmtree(shared)  # a share not mounted looks the same
    with pytest.raises(QuizcliError, match="the sync folder .* is not there"):
        laptop.sync(None, at(1))
    assert not shared.exists()


def test_without_a_folder_it_says_how_to_give_one(laptop: Device) -> None:
    with pytest.raises(QuizcliError, match="quizcli sync FOLDER"):
        laptop.sync(None, at(0))


def test_reviews_move_both_ways_and_cards_are_replayed(laptop: Device, desktop: Device, shared: Path) -> None:
    laptop.answer("d", "a", Rating.GOOD, at(0))
    desktop.answer("d", "b", Rating.AGAIN, at(1))
    out = laptop.sync(shared, at(2))
    assert out.lines[-1].startswith("Out: 1 review in devices/")
    both = desktop.sync(shared, at(3))
    assert both.lines[-2] == "In: 1 review from 1 segment file; 1 card rescheduled."
    assert both.changed == {("d", "a")}  # what a study session beside the sync takes in
    assert both.lines[-1].startswith("Out: 1 review in devices/")
    assert laptop.sync(shared, at(4)).lines[-2].startswith("In: 1 review")
    assert laptop.progress() == desktop.progress()
    assert laptop.progress()["cards"] == laptop.replayed_union()
    assert len(laptop.progress()["reviews"]) == 2


def test_an_answer_undone_after_it_was_sent_is_undone_everywhere_and_never_comes_back(
    laptop: Device, desktop: Device, shared: Path
) -> None:
    laptop.answer("d", "a", Rating.GOOD, at(0))
    laptop.answer("d", "a", Rating.AGAIN, at(1))
    laptop.sync(shared, at(2))
    desktop.sync(shared, at(3))  # the desktop has both answers
    laptop.undo("d", "a")
    out = laptop.sync(shared, at(4))
    assert out.lines[-1].startswith("Out: 1 event in devices/")
    came = desktop.sync(shared, at(5))
    assert came.lines[-2] == "In: 1 undone review from 1 segment file; 1 card rescheduled."
    for device in (laptop, desktop):
        assert [row[-1] for row in device.progress()["reviews"]] == [int(Rating.GOOD)]
        assert device.states_unlike_their_log() == []
    assert laptop.progress() == desktop.progress()
    desktop.sync(shared, at(6))
    laptop.sync(shared, at(7))
    first = min((shared / "devices").rglob("*.jsonl"), key=lambda path: path.name)  # the laptop's first segment
    relay = shared / "devices" / "relay"
    relay.mkdir()
    (relay / first.name).write_bytes(first.read_bytes())  # the undone answer arrives again by another route
    for device in (laptop, desktop):
        assert device.sync(shared, at(8)).lines[-2] == "In: nothing new."
        with device.store() as store:  # read, and nothing taken from it
            relayed = "SELECT count(*) FROM sync_segments WHERE name LIKE 'devices/relay/%'"
            assert store._db.execute(relayed).fetchone()[0] == 1
    assert laptop.progress() == desktop.progress()
    assert [row[-1] for row in laptop.progress()["reviews"]] == [int(Rating.GOOD)]


def test_status_shows_what_would_move_and_writes_nothing(laptop: Device, desktop: Device, shared: Path) -> None:
    laptop.answer("d", "a", Rating.GOOD, at(0))
    laptop.sync(shared, at(1))
    desktop.sync(shared, at(2), status=True)  # a first --status: no identity saved, nothing merged
    desktop.answer("d", "b", Rating.GOOD, at(3))
    desktop.sync(shared, at(4))
    laptop.answer("d", "c", Rating.GOOD, at(5))
    laptop.suspend("d", "c", True, at(6))
    before = laptop.progress()
    lines = laptop.sync(None, at(7), status=True).lines
    assert lines[1] == "To bring in: 1 segment file from 1 device (1 record)"
    assert lines[2] == "To send: 1 review, 1 flag, setting or undo event, 0 exams"
    assert laptop.progress() == before


def test_syncing_twice_or_receiving_a_segment_twice_changes_nothing(
    laptop: Device, desktop: Device, shared: Path
) -> None:
    for minute in range(5):
        laptop.answer("d", "a", Rating.GOOD, at(minute * 600))
    laptop.sync(shared, at(4000))
    desktop.sync(shared, at(4001))
    once = desktop.progress()
    original = segment_paths(shared)[0]
    shutil.copy(original, original.with_name("copy-" + original.name))  # the same records by a second route
    assert desktop.sync(shared, at(4002)).lines[-2] == "In: nothing new."
    assert desktop.sync(shared, at(4003)).lines[1:] == ["In: nothing new.", "Out: nothing new."]
    assert desktop.progress() == once
    assert len(once["reviews"]) == 5


def test_the_same_card_on_two_devices_the_same_day_keeps_both_answers(
    laptop: Device, desktop: Device, shared: Path
) -> None:
    laptop.sync(shared, at(0))
    desktop.sync(shared, at(0))
    laptop.answer("d", "a", Rating.GOOD, at(60))
    desktop.answer("d", "a", Rating.AGAIN, at(120))
    laptop.answer("d", "a", Rating.EASY, at(180))
    for device in (laptop, desktop, laptop):
        device.sync(shared, at(200))
    progress = laptop.progress()
    assert progress == desktop.progress()
    assert [row[4] for row in sorted(progress["reviews"], key=lambda row: row[3])] == [3, 1, 4]
    assert progress["cards"] == laptop.replayed_union()


def test_clocks_that_disagree_order_answers_by_their_own_times(laptop: Device, desktop: Device, shared: Path) -> None:
    laptop.sync(shared, at(0))
    desktop.sync(shared, at(0))
    desktop.answer("d", "a", Rating.AGAIN, at(24 * 60))  # the desktop's clock is a day ahead
    desktop.sync(shared, at(24 * 60 + 1))
    laptop.sync(shared, at(1))
    laptop.answer("d", "a", Rating.GOOD, at(2))  # logged after, but earlier by the laptop's clock
    laptop.sync(shared, at(3))
    desktop.sync(shared, at(24 * 60 + 2))
    assert laptop.progress() == desktop.progress()
    assert laptop.progress()["cards"] == laptop.replayed_union()


def test_a_device_offline_for_months_sends_and_takes_everything(laptop: Device, desktop: Device, shared: Path) -> None:
    laptop.sync(shared, at(0))
    desktop.sync(shared, at(0))
    for day in range(120):
        laptop.answer("d", f"l{day % 7}", Rating.GOOD, at(day * 1440))
        desktop.answer("d", f"l{day % 5}", Rating.HARD, at(day * 1440 + 30))
        if day % 10 == 0:
            laptop.sync(shared, at(day * 1440 + 60))
    back = desktop.sync(shared, at(200 * 1440))
    assert back.lines[-2] == "In: 111 reviews from 12 segment files; 7 cards rescheduled."
    assert back.lines[-1].startswith("Out: 120 reviews in devices/")
    laptop.sync(shared, at(200 * 1440 + 1))
    desktop.sync(shared, at(200 * 1440 + 2))
    assert laptop.progress() == desktop.progress()
    assert len(desktop.progress()["reviews"]) == 240
    assert desktop.progress()["cards"] == desktop.replayed_union()


def test_progress_of_a_renamed_deck_or_card_is_kept_under_its_old_name(
    laptop: Device, desktop: Device, shared: Path
) -> None:
    laptop.answer("biology", "cell", Rating.GOOD, at(0))
    laptop.answer("bio", "cell-wall", Rating.GOOD, at(10))  # after renaming the deck and the card
    laptop.sync(shared, at(20))
    desktop.sync(shared, at(21))
    decks = {(row[1], row[2]) for row in desktop.progress()["reviews"]}
    assert decks == {("biology", "cell"), ("bio", "cell-wall")}


def test_flags_merge_by_the_latest_change(laptop: Device, desktop: Device, shared: Path) -> None:
    laptop.sync(shared, at(0))
    desktop.sync(shared, at(0))
    laptop.suspend("d", "a", True, at(10))
    desktop.suspend("d", "a", False, at(5))  # earlier: loses wherever it meets the laptop's
    desktop.suspend("d", "b", True, at(20))
    laptop.sync(shared, at(30))
    assert desktop.sync(shared, at(30)).changed == {("d", "a")}  # the laptop's later change won
    assert laptop.sync(shared, at(30)).changed == {("d", "b")}
    assert laptop.progress()["flags"] == desktop.progress()["flags"] == [("d", "a", 1, None), ("d", "b", 1, None)]


def test_a_reset_on_one_device_forgets_the_deck_everywhere(laptop: Device, desktop: Device, shared: Path) -> None:
    laptop.answer("d", "a", Rating.GOOD, at(0))
    laptop.answer("e", "a", Rating.GOOD, at(0))
    laptop.sync(shared, at(1))
    desktop.sync(shared, at(2))
    desktop.answer("d", "b", Rating.GOOD, at(3))  # not synced before the reset: forgotten too
    laptop.reset("d", at(10))
    laptop.answer("d", "c", Rating.GOOD, at(11))  # after the reset: kept
    for device in (laptop, desktop, laptop):
        device.sync(shared, at(12))
    progress = desktop.progress()
    assert progress == laptop.progress()
    assert {(row[1], row[2]) for row in progress["reviews"]} == {("e", "a"), ("d", "c")}
    assert {(row[0], row[1]) for row in progress["cards"]} == {("e", "a"), ("d", "c")}


def test_exams_and_fitted_parameters_are_synced(laptop: Device, desktop: Device, shared: Path) -> None:
    exam = ExamRecord(
        deck="d", started_at=at(0), seconds=60.0, score=1, total=1, percent=100, pass_mark=70, passed=True, seed=1,
        tag=None, timed_out=False, finished_at=at(1), shuffled=False, time_limit_s=None,
        answers=(AnswerRecord(number=1, item="a", kind="typed", given="x", expected="x", correct=True, almost=False,
                              flagged=False),),
    )  # fmt: skip
    with laptop.store() as store:
        store.record_exam(exam)
        store.save_fit(None, Fit(parameters=(0.5,) * 21, reviews=600, loss_before=0.4, loss_after=0.3, fitted_at=at(2)))
    laptop.sync(shared, at(3))
    report = desktop.sync(shared, at(4))
    assert report.lines[-2] == "In: 1 fitted parameter set, 1 exam from 1 segment file."
    desktop.sync(shared, at(5))
    with desktop.store() as store:
        attempts = store.exam_attempts("d")
        assert [(a.score, a.total) for a in attempts] == [(1, 1)]
        assert store.fitted_parameters("d") == (0.5,) * 21
        assert store.last_exam_misses("d") == []


def test_a_forgotten_fit_is_forgotten_on_every_device(laptop: Device, desktop: Device, shared: Path) -> None:
    mine, everyone = (0.5,) * 21, (0.25,) * 21
    laptop.fit("d", mine, at(0))
    laptop.fit(None, everyone, at(0))
    laptop.sync(shared, at(1))
    desktop.sync(shared, at(2))
    assert laptop.forget_fit("d", at(3))
    laptop.sync(None, at(4))
    assert desktop.sync(None, at(5)).lines[-2] == "In: 1 forgotten fit from 1 segment file."
    with desktop.store() as store:
        assert store.fitted_parameters("d") == everyone  # the fit for every deck, as on the laptop
    assert desktop.forget_fit(None, at(6)) and not desktop.forget_fit(None, at(7))
    desktop.sync(None, at(8))
    laptop.sync(None, at(9))
    with laptop.store() as store:
        assert store.fitted_parameters("d") == store.fitted_parameters(None) == ()
    assert laptop.progress() == desktop.progress()


def test_a_fit_forgotten_by_a_clock_behind_the_one_that_fitted_it_stays_forgotten(
    laptop: Device, desktop: Device, shared: Path
) -> None:
    desktop.fit("d", (0.5,) * 21, at(600))  # the desktop's clock runs ten hours ahead
    desktop.sync(shared, at(600))
    laptop.sync(shared, at(1))
    assert laptop.forget_fit("d", at(2))
    laptop.sync(None, at(3))
    desktop.sync(None, at(604))
    for device in (laptop, desktop):
        with device.store() as store:
            assert store.fitted_parameters("d") == ()
    assert laptop.progress() == desktop.progress()


def test_a_fit_made_after_one_was_forgotten_wins(laptop: Device, desktop: Device, shared: Path) -> None:
    laptop.fit("d", (0.5,) * 21, at(0))
    laptop.sync(shared, at(1))
    desktop.sync(shared, at(2))
    laptop.forget_fit("d", at(3))
    desktop.fit("d", (0.75,) * 21, at(4))
    for device, minutes in ((laptop, 5), (desktop, 6), (laptop, 7)):
        device.sync(None, at(minutes))
    for device in (laptop, desktop):
        with device.store() as store:
            assert store.fitted_parameters("d") == (0.75,) * 21
    assert laptop.progress() == desktop.progress()


def test_a_half_written_segment_is_skipped_then_taken_next_time(laptop: Device, desktop: Device, shared: Path) -> None:
    laptop.answer("d", "a", Rating.GOOD, at(0))
    laptop.sync(shared, at(1))
    whole = segment_paths(shared)[0]
    text = whole.read_text(encoding="utf-8")
    whole.write_text(text[: len(text) // 2], encoding="utf-8")  # the file-sync tool delivered half of it
    report = desktop.sync(shared, at(2))
    assert report.lines[-2] == "In: nothing new."
    assert len(report.warnings) == 1 and "half-written" in report.warnings[0] and "next sync" in report.warnings[0]
    whole.write_text(text, encoding="utf-8")  # the rest arrived
    assert desktop.sync(shared, at(3)).lines[-2].startswith("In: 1 review")
    assert desktop.progress() == laptop.progress()


def test_a_sync_killed_after_writing_its_segment_loses_nothing(
    laptop: Device, desktop: Device, shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop.answer("d", "a", Rating.GOOD, at(0))
    laptop.sync(shared, at(1))
    laptop.answer("d", "a", Rating.GOOD, at(20))
    write = sync_folder.write_segment

    def write_then_die(*args: object) -> str:
        write(*args)  # type: ignore[arg-type]
        raise KeyboardInterrupt  # the process dies before the merge commits

    monkeypatch.setattr(sync_folder, "write_segment", write_then_die)
    with pytest.raises(KeyboardInterrupt):
        laptop.sync(shared, at(21))
    monkeypatch.undo()
    assert laptop.sync(None, at(22)).lines[-1].startswith("Out: 1 review")  # the same review again, by the same id
    desktop.sync(shared, at(23))
    assert desktop.progress() == laptop.progress()
    assert len(desktop.progress()["reviews"]) == 2


# ---- whose folder ---------------------------------------------------------------------------------------------


def test_a_folder_of_another_profile_is_refused(laptop: Device, desktop: Device, shared: Path, tmp_path: Path) -> None:
    laptop.sync(shared, at(0))
    desktop.sync(tmp_path / "someone-elses", at(0))
    with pytest.raises(QuizcliError, match="another profile"):
        desktop.sync(shared, at(1))


def test_a_new_device_of_another_user_name_must_join(
    laptop: Device, desktop: Device, shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "alice")
    laptop.answer("d", "a", Rating.GOOD, at(0))
    laptop.sync(shared, at(0))
    monkeypatch.setattr("getpass.getuser", lambda: "bob")
    with pytest.raises(QuizcliError, match="holds alice's progress, and you are bob.*--join"):
        desktop.sync(shared, at(1))
    assert desktop.sync(shared, at(2), join=True).lines[-2].startswith("In: 1 review")


# ---- the command line -----------------------------------------------------------------------------------------


def test_the_command_prints_the_report_and_warnings(shared: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["sync", str(shared)])
    assert result.exit_code == 0, result.output
    assert "Synced with" in result.stdout
    (shared / "devices" / "other").mkdir(parents=True)
    (shared / "devices" / "other" / "x.jsonl").write_text('{"quizcli_sync": 1', encoding="utf-8")
    result = runner.invoke(app, ["sync", "--status"])
    assert result.exit_code == 0
    assert "quizcli: warning: skipped devices/other/x.jsonl: half-written" in result.stderr
    assert "To bring in: 0 segment files" in result.stdout


# ---- the remembered folder ------------------------------------------------------------------------------------


def test_the_folder_is_added_to_a_config_file_and_the_rest_kept(tmp_path: Path) -> None:
    from quizcli import config

    path = tmp_path / "config.toml"
    path.write_text("[study]\nnew_per_day = 5\n\n[sync]\n# where my progress travels\n", encoding="utf-8")
    config.remember_sync_folder(tmp_path / 'my "sync" folder', path)
    assert config.sync_folder(path) == tmp_path / 'my "sync" folder'
    assert config.load_config(None, path).new_per_day == 5
    text = path.read_text(encoding="utf-8")
    assert text.count("[sync]") == 1 and "# where my progress travels" in text


def test_a_clock_that_cannot_be_read_refuses_the_sync_before_the_folder_is_touched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZCLI_NOW", "garbage")
    result = CliRunner().invoke(app, ["sync", str(tmp_path / "folder"), "--join"])
    assert result.exit_code == 1 and "QUIZCLI_NOW" in result.stderr and not (tmp_path / "folder").exists()
