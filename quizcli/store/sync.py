"""The tables behind ``quizcli sync``: this device's identity, what it has sent, and merging what others sent.

A sync is one write transaction (`merge_and_send`): this device's unsent reviews are
named, every new record from other devices is merged, the items that received reviews
are replayed from their whole log, and the outgoing records are handed to the caller to
write, before the transaction commits.  A kill anywhere rolls the merge back whole; a
segment file written before the kill is read again next time, and its records are
already known or merged then, so nothing is lost or counted twice.
"""

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any, NamedTuple

from quizcli.store import sync_states
from quizcli.store.reviews import settings_row

Record = dict[str, Any]
REVIEW_FIELDS = (
    "deck",
    "item",
    "reviewed_at",
    "rating",
    "kind",
    "state_before",
    "elapsed_days",
    "retrievability",
    "duration_ms",
    "scheduled_days",
    "due_shift",
    "guessable",
)
_review_values = itemgetter("uid", *REVIEW_FIELDS)  # a review record's columns, in the order inserted


class Identity(NamedTuple):
    """This device's id, and the profile (a person's progress) it syncs, with the owner's name for messages."""

    device: str
    profile: str
    owner: str


class Incoming(NamedTuple):
    """One complete segment file from the sync folder: its name there and its records."""

    name: str
    records: list[Record]


class Merged(NamedTuple):
    """What a sync brought in and sent out."""

    reviews_in: int
    flags_in: int
    resets_in: int
    fits_in: int
    fits_forgotten_in: int
    exams_in: int
    undos_in: int
    items_replayed: int
    reviews_out: int
    events_out: int
    exams_out: int
    segment: str | None
    changed: frozenset[tuple[str, str]] = frozenset()  # (deck, item) of each item whose state or flags changed


def identity(db: sqlite3.Connection) -> Identity | None:
    row = db.execute("SELECT device, profile, owner FROM sync_identity").fetchone()
    return None if row is None else Identity(device=row["device"], profile=row["profile"], owner=row["owner"])


def save_identity(db: sqlite3.Connection, who: Identity) -> None:
    db.execute(
        "INSERT OR REPLACE INTO sync_identity (one, device, profile, owner) VALUES (1, ?, ?, ?)",
        (who.device, who.profile, who.owner),
    )


def applied_segments(db: sqlite3.Connection) -> set[str]:
    return {row["name"] for row in db.execute("SELECT name FROM sync_segments")}


def pending_counts(db: sqlite3.Connection) -> dict[str, int]:
    """How many of this device's reviews, events and exams the next sync sends."""
    one = "SELECT count(*) AS n FROM "
    return {
        "reviews": db.execute(one + "reviews WHERE uid IS NULL").fetchone()["n"],
        "events": sum(
            db.execute(one + table).fetchone()["n"]
            for table in (
                "flags WHERE sent = 0 AND device IS NULL",
                "deck_resets WHERE sent = 0",
                "fitted_parameters WHERE sent = 0 AND device IS NULL",
                "undone_reviews WHERE sent = 0",
            )
        ),
        "exams": db.execute(one + "exams WHERE uid IS NULL").fetchone()["n"],
    }


def merge_and_send(
    db: sqlite3.Connection,
    device: str,
    incoming: Iterable[Incoming],
    sync_time: str,
    write_out: Callable[[list[Record]], str | None],
    digest: Callable[[str], str],
) -> Merged:
    """The whole sync, inside the caller's transaction (see the module's docstring)."""
    own_reviews, own_exams = _name_own(db, "reviews", device), _name_own(db, "exams", device)
    counts: dict[str, int] = defaultdict(int)
    fresh = [segment for segment in incoming if segment.name not in applied_segments(db)]
    records = [record for segment in fresh for record in segment.records]
    for record in records:
        if record["t"] == "reset":  # resets first: they filter the reviews and flags
            counts["reset"] += _add_reset(db, record, device)
    undone = _add_undos(db, [record for record in records if record["t"] == "undo"])  # before the reviews they undo
    counts["review"], items = _add_reviews(db, [record for record in records if record["t"] == "review"])
    counts["undo"] = len(undone)
    items |= {(deck, item) for deck, item, _ in undone}
    shipped: dict[tuple[str, str], Record] = {}
    flagged: set[tuple[str, str]] = set()
    for record in records:
        kind = record["t"]
        if kind == "state":
            shipped[(record["deck"], record["item"])] = record
        elif kind in _ADDERS:  # a kind a newer quizcli writes is skipped
            counted = "forgotten fit" if kind == "fit" and not record["parameters"] else kind
            added = _ADDERS[kind](db, record, device)
            counts[counted] += added
            if added and kind == "flag":
                flagged.add((record["deck"], record["item"]))
    db.executemany(
        "INSERT OR IGNORE INTO sync_segments (name, records) VALUES (?, ?)",
        [(segment.name, len(segment.records)) for segment in fresh],
    )
    items |= sync_states.interleaved(db, device, own_reviews) | _forget_before_resets(db)
    sync_states.rebuild(db, items, shipped, digest)
    outgoing = _outgoing(db, device, sync_time, own_reviews, own_exams)
    outgoing += sync_states.state_records(db, own_reviews, digest)
    name = write_out(outgoing) if outgoing else None
    if name is not None:
        db.execute("INSERT OR IGNORE INTO sync_segments (name, records) VALUES (?, ?)", (name, len(outgoing)))
    _mark_sent(db)
    sent = defaultdict(int, {kind: sum(1 for r in outgoing if r["t"] == kind) for kind in ("review", "exam")})
    return Merged(
        reviews_in=counts["review"],
        flags_in=counts["flag"],
        resets_in=counts["reset"],
        fits_in=counts["fit"],
        fits_forgotten_in=counts["forgotten fit"],
        exams_in=counts["exam"],
        undos_in=counts["undo"],
        items_replayed=len(items),
        reviews_out=sent["review"],
        events_out=sum(1 for r in outgoing if r["t"] in ("flag", "reset", "fit", "undo")),
        exams_out=sent["exam"],
        segment=name,
        changed=frozenset(items | flagged),
    )


def _name_own(db: sqlite3.Connection, table: str, device: str) -> list[int]:
    """Give each unsent review (or exam) its id everywhere, ``<device>:<local id>``, the same on a retried sync;
    returns the local ids named.

    The local id is padded, so the ids of one device sort in the order its answers were logged.  Should the
    name be taken (a restored backup re-used a local id that had already been sent), a suffix is added.
    """
    ids = [row["id"] for row in db.execute(f"SELECT id FROM {table} WHERE uid IS NULL ORDER BY id")]
    if not ids:
        return ids
    db.execute(
        f"UPDATE {table} SET uid = printf('%s:%012d', :device, id) WHERE uid IS NULL AND NOT EXISTS"
        f" (SELECT 1 FROM {table} o WHERE o.uid = printf('%s:%012d', :device, {table}.id))",
        {"device": device},
    )
    for row in db.execute(f"SELECT id FROM {table} WHERE uid IS NULL").fetchall():
        extra = 1
        while db.execute(f"SELECT 1 FROM {table} WHERE uid = ?", (f"{device}:{row['id']:012d}.{extra}",)).fetchone():
            extra += 1
        db.execute(f"UPDATE {table} SET uid = ? WHERE id = ?", (f"{device}:{row['id']:012d}.{extra}", row["id"]))
    return ids


def _add_undos(db: sqlite3.Connection, records: list[Record]) -> set[tuple[str, str, str]]:
    """Remember each review another device undid, and remove it here; returns the (deck, item, uid) removed."""
    removed = set()
    for record in records:
        db.execute(
            "INSERT OR IGNORE INTO undone_reviews (uid, deck, item, sent) VALUES (?, ?, ?, 1)",
            (record["uid"], record["deck"], record["item"]),
        )
        if db.execute("DELETE FROM reviews WHERE uid = ?", (record["uid"],)).rowcount:
            removed.add((record["deck"], record["item"], record["uid"]))
    return removed


def _add_reviews(db: sqlite3.Connection, records: list[Record]) -> tuple[int, set[tuple[str, str]]]:
    """Insert the reviews not known yet, not undone and not older than their deck's latest reset; returns how
    many were inserted, and their (deck, item)."""
    new = _new_reviews(records, _known(db, records), _latest_resets(db))
    _insert_reviews(db, new)
    return len(new), {(record["deck"], record["item"]) for record in new}


def _insert_reviews(db: sqlite3.Connection, records: list[Record]) -> None:
    """Insert the review records, each row made as it is inserted: no list of them for the collector to walk."""
    settings = {text: settings_row(db, text) for text in {record["settings"] for record in records}}
    db.executemany(
        f"INSERT INTO reviews (uid, {', '.join(REVIEW_FIELDS)}, settings_id)"
        f" VALUES ({', '.join('?' * (len(REVIEW_FIELDS) + 2))})",
        ((*_review_values(record), settings[record["settings"]]) for record in records),
    )


def _known(db: sqlite3.Connection, records: list[Record]) -> set[str]:
    """The ids among the review records' that are in the log or were undone."""
    rows = db.execute(
        "SELECT value AS uid FROM json_each(?) WHERE EXISTS (SELECT 1 FROM reviews WHERE uid = value)"
        " OR EXISTS (SELECT 1 FROM undone_reviews WHERE uid = value)",
        (json.dumps(list(map(itemgetter("uid"), records))),),
    )
    return {row["uid"] for row in rows}


def _latest_resets(db: sqlite3.Connection) -> dict[str, str]:
    """When each deck that was reset was last reset."""
    rows = db.execute("SELECT deck, max(reset_at) AS at FROM deck_resets GROUP BY deck")
    return {row["deck"]: row["at"] for row in rows}


def _new_reviews(records: list[Record], known: set[str], resets: dict[str, str]) -> list[Record]:
    """The review records whose id is not ``known`` (nor given by an earlier record: ``known`` learns it) and
    that are younger than their deck's latest reset."""
    new = []
    for record in records:
        uid = record["uid"]
        if uid not in known and record["reviewed_at"] > resets.get(record["deck"], ""):
            known.add(uid)
            new.append(record)
    return new


def _add_reset(db: sqlite3.Connection, record: Record, device: str) -> bool:
    cursor = db.execute(
        "INSERT OR IGNORE INTO deck_resets (deck, reset_at, device, sent) VALUES (?, ?, ?, 1)",
        (record["deck"], record["at"], "" if record["device"] == device else record["device"]),
    )
    return cursor.rowcount > 0


def _forget_before_resets(db: sqlite3.Connection) -> set[tuple[str, str]]:
    """Forget every review and flag older than its deck's latest reset, wherever it came from; returns the
    items whose log lost a review, to replay."""
    forgotten: set[tuple[str, str]] = set()
    for deck, at in _latest_resets(db).items():
        rows = db.execute("SELECT DISTINCT item FROM reviews WHERE deck = ? AND reviewed_at <= ?", (deck, at))
        forgotten |= {(deck, row["item"]) for row in rows}
        db.execute("DELETE FROM reviews WHERE deck = ? AND reviewed_at <= ?", (deck, at))
        db.execute("DELETE FROM flags WHERE deck = ? AND coalesce(changed_at, '') <= ?", (deck, at))
    return forgotten


def _wins(db: sqlite3.Connection, table: str, where: str, key: tuple[str, ...], record: Record, device: str) -> bool:
    """Last writer wins: the record's (time, device) against the stored row's; a missing row always loses."""
    column = "changed_at" if table == "flags" else "fitted_at"
    row = db.execute(f"SELECT {column} AS at, device FROM {table} WHERE {where}", key).fetchone()
    if row is None:
        return True
    return (record["at"], record["device"]) > (row["at"] or "", row["device"] or device)


def _stored_device(record: Record, device: str) -> str | None:
    """The device a row came from as stored: NULL for this one (its own records, read back after a restore)."""
    return None if record["device"] == device else str(record["device"])


def _add_flag(db: sqlite3.Connection, record: Record, device: str) -> bool:
    reset = db.execute("SELECT max(reset_at) AS at FROM deck_resets WHERE deck = ?", (record["deck"],)).fetchone()
    if reset["at"] is not None and record["at"] <= reset["at"]:
        return False
    key = (record["deck"], record["item"])
    if not _wins(db, "flags", "deck = ? AND item = ?", key, record, device):
        return False
    db.execute(
        "INSERT OR REPLACE INTO flags (deck, item, suspended, buried_until, changed_at, device, sent)"
        " VALUES (?, ?, ?, ?, ?, ?, 1)",
        (*key, int(record["suspended"]), record["buried_until"], record["at"], _stored_device(record, device)),
    )
    return True


def _add_fit(db: sqlite3.Connection, record: Record, device: str) -> bool:
    if not _wins(db, "fitted_parameters", "deck = ?", (record["deck"],), record, device):
        return False
    db.execute(
        "INSERT OR REPLACE INTO fitted_parameters (deck, parameters, reviews, loss_before, loss_after, fitted_at,"
        " device, sent) VALUES (:deck, :parameters, :reviews, :loss_before, :loss_after, :at, :device, 1)",
        {**record, "parameters": json.dumps(record["parameters"]), "device": _stored_device(record, device)},
    )
    return True


def _add_exam(db: sqlite3.Connection, record: Record, device: str) -> bool:
    if db.execute("SELECT 1 FROM exams WHERE uid = ?", (record["uid"],)).fetchone():
        return False
    exam: Record = record["exam"]
    columns = _columns(db, "exams") & exam.keys()
    cursor = db.execute(
        f"INSERT INTO exams ({', '.join(sorted(columns))}, uid) VALUES ({', '.join(':' + c for c in sorted(columns))},"
        " :uid)",
        {**exam, "uid": record["uid"]},
    )
    answer_columns = sorted(_columns(db, "exam_answers") - {"exam"})
    db.executemany(
        f"INSERT INTO exam_answers (exam, {', '.join(answer_columns)}) VALUES (:exam,"
        f" {', '.join(':' + c for c in answer_columns)})",
        [{**{c: answer.get(c) for c in answer_columns}, "exam": cursor.lastrowid} for answer in record["answers"]],
    )
    return True


_ADDERS: dict[str, Callable[[sqlite3.Connection, Record, str], bool]] = {
    "flag": _add_flag,
    "fit": _add_fit,
    "exam": _add_exam,
}


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row["name"] for row in db.execute(f"PRAGMA table_info({table})")} - {"id", "uid"}


def _outgoing(
    db: sqlite3.Connection, device: str, sync_time: str, reviews: list[int], exams: list[int]
) -> list[Record]:
    """This device's records not sent yet: resets first, then reviews, flags, fits and exams."""
    records: list[Record] = [
        {"t": "reset", "deck": row["deck"], "at": row["reset_at"], "device": device}
        for row in db.execute("SELECT deck, reset_at FROM deck_resets WHERE sent = 0 AND device = ''")
    ]
    rows = db.execute(
        f"SELECT r.uid, s.json, {', '.join('r.' + f for f in REVIEW_FIELDS)} FROM reviews r"
        " JOIN settings s ON s.id = r.settings_id WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY r.id",
        (json.dumps(reviews),),
    )
    records += [
        {"t": "review", "uid": row["uid"], "settings": row["json"], **{f: row[f] for f in REVIEW_FIELDS}}
        for row in rows
    ]
    records += [
        {"t": "undo", "uid": row["uid"], "deck": row["deck"], "item": row["item"]}
        for row in db.execute("SELECT uid, deck, item FROM undone_reviews WHERE sent = 0")
    ]
    records += [
        {
            "t": "flag",
            "deck": row["deck"],
            "item": row["item"],
            "suspended": bool(row["suspended"]),
            "buried_until": row["buried_until"],
            "at": row["changed_at"] or sync_time,
            "device": device,
        }
        for row in db.execute("SELECT * FROM flags WHERE sent = 0 AND device IS NULL")
    ]
    records += [
        {
            "t": "fit",
            "deck": row["deck"],
            "parameters": json.loads(row["parameters"]),
            "reviews": row["reviews"],
            "loss_before": row["loss_before"],
            "loss_after": row["loss_after"],
            "at": row["fitted_at"],
            "device": device,
        }
        for row in db.execute("SELECT * FROM fitted_parameters WHERE sent = 0 AND device IS NULL")
    ]
    return records + [_exam_record(db, local) for local in exams]


def _exam_record(db: sqlite3.Connection, local: int) -> Record:
    row = db.execute("SELECT * FROM exams WHERE id = ?", (local,)).fetchone()
    answers = db.execute("SELECT * FROM exam_answers WHERE exam = ? ORDER BY number", (local,))
    exam = {key: row[key] for key in row.keys() if key not in ("id", "uid")}
    return {"t": "exam", "uid": row["uid"], "exam": exam, "answers": [dict(answer) for answer in answers]}


def _mark_sent(db: sqlite3.Connection) -> None:
    db.execute("UPDATE flags SET sent = 1 WHERE sent = 0")
    db.execute("UPDATE deck_resets SET sent = 1 WHERE sent = 0")
    db.execute("UPDATE fitted_parameters SET sent = 1 WHERE sent = 0")
    db.execute("UPDATE undone_reviews SET sent = 1 WHERE sent = 0")
