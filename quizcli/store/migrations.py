"""The schema, as numbered, append-only migrations, each applied in its own transaction (`quizcli.store.migrate`).

A new version appends one `Migration` here, and raises `quizcli.store.schema.SCHEMA_VERSION`
to its number; none is ever edited once released, so a database written by any earlier
quizcli is brought up to date step by step.  ``PRAGMA user_version`` holds the number of
the last migration applied.  Only a database that is behind imports this module.
"""

from typing import NamedTuple

from quizcli.store.schema import SCHEMA_VERSION


class Migration(NamedTuple):
    """One step of the schema: its number (from 1), what it adds, and the SQL that adds it."""

    number: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "the review log, derived card states, suspend and bury flags",
        (
            "CREATE TABLE settings (id INTEGER PRIMARY KEY, json TEXT NOT NULL UNIQUE)",
            """CREATE TABLE reviews (
                id INTEGER PRIMARY KEY,
                deck TEXT NOT NULL,
                item TEXT NOT NULL,
                reviewed_at TEXT NOT NULL,
                rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
                kind TEXT NOT NULL CHECK (kind IN ('review', 'practice')),
                state_before INTEGER NOT NULL,
                elapsed_days REAL,
                retrievability REAL,
                duration_ms INTEGER,
                settings_id INTEGER NOT NULL REFERENCES settings (id)
            )""",
            "CREATE INDEX reviews_by_item ON reviews (deck, item, id)",
            "CREATE INDEX reviews_by_time ON reviews (reviewed_at)",
            """CREATE TABLE cards (
                deck TEXT NOT NULL,
                item TEXT NOT NULL,
                state INTEGER NOT NULL,
                due TEXT NOT NULL,
                step INTEGER,
                stability REAL,
                difficulty REAL,
                last_review TEXT,
                reps INTEGER NOT NULL,
                lapses INTEGER NOT NULL,
                PRIMARY KEY (deck, item)
            ) WITHOUT ROWID""",
            "CREATE INDEX cards_due ON cards (deck, due)",
            """CREATE TABLE flags (
                deck TEXT NOT NULL,
                item TEXT NOT NULL,
                suspended INTEGER NOT NULL DEFAULT 0,
                buried_until TEXT,
                PRIMARY KEY (deck, item)
            ) WITHOUT ROWID""",
        ),
    ),
    Migration(
        2,
        "exam attempts and their marked questions (never touching the schedule)",
        (
            """CREATE TABLE exams (
                id INTEGER PRIMARY KEY,
                deck TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT NOT NULL,
                duration_ms INTEGER NOT NULL,
                score INTEGER NOT NULL,
                total INTEGER NOT NULL CHECK (total > 0),
                percent INTEGER NOT NULL,
                pass_mark INTEGER NOT NULL,
                passed INTEGER NOT NULL,
                seed INTEGER NOT NULL,
                tag TEXT,
                shuffled INTEGER NOT NULL,
                time_limit_s REAL,
                timed_out INTEGER NOT NULL
            )""",
            "CREATE INDEX exams_by_deck ON exams (deck, id)",
            """CREATE TABLE exam_answers (
                exam INTEGER NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
                number INTEGER NOT NULL,
                item TEXT NOT NULL,
                kind TEXT NOT NULL,
                given TEXT,
                expected TEXT NOT NULL,
                correct INTEGER NOT NULL,
                almost INTEGER NOT NULL,
                flagged INTEGER NOT NULL,
                PRIMARY KEY (exam, number)
            ) WITHOUT ROWID""",
        ),
    ),
    Migration(
        3,
        "the deck index, so an unchanged deck file is never parsed again",
        (
            """CREATE TABLE deck_index (
                deck TEXT PRIMARY KEY,
                path TEXT NOT NULL,
                size INTEGER NOT NULL,
                mtime_ns INTEGER NOT NULL,
                parser INTEGER NOT NULL,
                digest TEXT NOT NULL,
                indexed_ns INTEGER NOT NULL,
                title TEXT NOT NULL,
                description TEXT NOT NULL,
                cards INTEGER NOT NULL,
                items INTEGER NOT NULL,
                errors INTEGER NOT NULL
            ) WITHOUT ROWID""",
            """CREATE TABLE deck_items (
                deck TEXT NOT NULL,
                item TEXT NOT NULL,
                card TEXT NOT NULL,
                position INTEGER NOT NULL,
                graded INTEGER NOT NULL,
                tags TEXT NOT NULL,
                data TEXT NOT NULL,
                seen INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (deck, item)
            ) WITHOUT ROWID""",
            # Covering what exams draw from (id, tags, markable) so a 100,000-card deck is read from the index alone.
            "CREATE INDEX deck_items_order ON deck_items (deck, position, graded, item, tags)",
            # The study queues: learning items, and reviews due by now, without walking the rest of a big deck.
            "CREATE INDEX cards_queue ON cards (deck, state, due)",
            # New items in deck order, without stepping over every item already studied.
            "CREATE INDEX deck_items_new ON deck_items (deck, seen, position)",
            # `seen` follows the card states: a state written marks the item seen, a state removed (undo, reset) new.
            """CREATE TRIGGER cards_seen AFTER INSERT ON cards BEGIN
                UPDATE deck_items SET seen = 1 WHERE deck = NEW.deck AND item = NEW.item;
            END""",
            """CREATE TRIGGER cards_unseen AFTER DELETE ON cards BEGIN
                UPDATE deck_items SET seen = 0 WHERE deck = OLD.deck AND item = OLD.item;
            END""",
        ),
    ),
    Migration(
        4,
        "each review's scheduled interval (young or mature, for stats); FSRS parameters fitted to the log",
        (
            "ALTER TABLE reviews ADD COLUMN scheduled_days REAL",
            """CREATE TABLE fitted_parameters (
                deck TEXT NOT NULL PRIMARY KEY,  -- '' for every deck without its own
                parameters TEXT NOT NULL,
                reviews INTEGER NOT NULL,
                loss_before REAL NOT NULL,
                loss_after REAL NOT NULL,
                fitted_at TEXT NOT NULL
            ) WITHOUT ROWID""",
        ),
    ),
    Migration(
        5,
        "each markable item's rank, its place (from 0) among its deck's markable items; NULL for flashcards",
        (
            "ALTER TABLE deck_items ADD COLUMN rank INTEGER",
            # Decks indexed before now are ranked here rather than parsed again.  The ranks go through a
            # keyed table so the update is one lookup per item on any SQLite with window functions (3.25).
            "CREATE TEMP TABLE ranks (deck TEXT, item TEXT, rank INTEGER NOT NULL, PRIMARY KEY (deck, item))"
            " WITHOUT ROWID",
            "INSERT INTO temp.ranks SELECT deck, item, row_number() OVER (PARTITION BY deck ORDER BY position) - 1"
            " FROM deck_items WHERE graded = 1",
            "UPDATE deck_items SET rank = (SELECT r.rank FROM temp.ranks r WHERE r.deck = deck_items.deck"
            " AND r.item = deck_items.item) WHERE graded = 1",
            "DROP TABLE temp.ranks",
            # An exam of N questions from the whole deck loads the N items at its drawn ranks, and no other row.
            "CREATE INDEX deck_items_rank ON deck_items (deck, rank) WHERE rank IS NOT NULL",
        ),
    ),
    Migration(
        6,
        "the study sessions running on each deck, so a second one on the same deck warns",
        (
            """CREATE TABLE live_sessions (
                id INTEGER PRIMARY KEY,
                deck TEXT NOT NULL,
                host TEXT NOT NULL,
                pid INTEGER NOT NULL,
                started_at TEXT NOT NULL
            )""",
            "CREATE INDEX live_sessions_by_deck ON live_sessions (deck)",
        ),
    ),
    Migration(
        7,
        "each review's due-date shift off a sibling's due day, so the log replays to the dispersed state",
        ("ALTER TABLE reviews ADD COLUMN due_shift INTEGER NOT NULL DEFAULT 0",),
    ),
    Migration(
        8,
        "each exam's kind (full, subset, tag, retry), so history compares like with like",
        (
            "ALTER TABLE exams ADD COLUMN kind TEXT NOT NULL DEFAULT 'full'",
            # Earlier exams did not say: one with a tag was a tag exam, and one with fewer questions than the
            # deck's largest untagged exam was a part of the deck (a --count or a --retry-wrong).
            "UPDATE exams SET kind = 'tag' WHERE tag IS NOT NULL",
            "UPDATE exams SET kind = 'subset' WHERE tag IS NULL AND total <"
            " (SELECT max(e.total) FROM exams e WHERE e.deck = exams.deck AND e.tag IS NULL)",
        ),
    ),
    Migration(
        9,
        "whether each answer could have been a lucky guess (single-answer choice, true/false), for fits and stats",
        (
            "ALTER TABLE reviews ADD COLUMN guessable INTEGER",  # 1 or 0; NULL: not known (the item is gone)
            # Earlier answers are taken to be of the kind their item has in the deck index now.
            "UPDATE reviews SET guessable = (SELECT CASE WHEN json_extract(i.data, '$.kind') = 'true-false' THEN 1"
            " WHEN json_extract(i.data, '$.kind') = 'choice' AND json_type(i.data, '$.content.answer') = 'text'"
            " THEN 1 ELSE 0 END FROM deck_items i WHERE i.deck = reviews.deck AND i.item = reviews.item)",
        ),
    ),
    Migration(
        10,
        "the rank index holds each markable item's card, so a whole-deck exam reads no row to draw one per card",
        (
            "DROP INDEX deck_items_rank",
            "CREATE INDEX deck_items_rank ON deck_items (deck, rank, card) WHERE rank IS NOT NULL",
        ),
    ),
    Migration(
        11,
        "sync between devices: review and exam ids unique everywhere, stamped flags, resets, this device's id",
        (
            # NULL until `quizcli sync` sends the row out: it is then named '<device>:<local id>'.
            "ALTER TABLE reviews ADD COLUMN uid TEXT",
            "CREATE UNIQUE INDEX reviews_uid ON reviews (uid) WHERE uid IS NOT NULL",
            "CREATE INDEX reviews_unsent ON reviews (id) WHERE uid IS NULL",
            "ALTER TABLE exams ADD COLUMN uid TEXT",
            "CREATE UNIQUE INDEX exams_uid ON exams (uid) WHERE uid IS NOT NULL",
            # Each flag row is a last-writer-wins register: when it was set, by which device (NULL: this one),
            # and whether this device's change has been sent.
            "ALTER TABLE flags ADD COLUMN changed_at TEXT",
            "ALTER TABLE flags ADD COLUMN device TEXT",
            "ALTER TABLE flags ADD COLUMN sent INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE fitted_parameters ADD COLUMN device TEXT",
            "ALTER TABLE fitted_parameters ADD COLUMN sent INTEGER NOT NULL DEFAULT 0",
            # A reset forgets every review of the deck made before it, on any device, even one synced later.
            """CREATE TABLE deck_resets (
                deck TEXT NOT NULL,
                reset_at TEXT NOT NULL,
                device TEXT NOT NULL DEFAULT '',  -- '' for this device
                sent INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (deck, reset_at, device)
            ) WITHOUT ROWID""",
            """CREATE TABLE sync_identity (
                one INTEGER PRIMARY KEY CHECK (one = 1),
                device TEXT NOT NULL,
                profile TEXT NOT NULL,
                owner TEXT NOT NULL
            )""",
            # The segment files already merged (by the folder's relative path), so a sync reads only new ones.
            "CREATE TABLE sync_segments (name TEXT PRIMARY KEY, records INTEGER NOT NULL) WITHOUT ROWID",
        ),
    ),
    Migration(
        12,
        "undone answers that other devices have: sent as undos, and never taken back in",
        (
            """CREATE TABLE undone_reviews (
                uid TEXT PRIMARY KEY,
                deck TEXT NOT NULL,
                item TEXT NOT NULL,
                sent INTEGER NOT NULL DEFAULT 0  -- 1 once sent, or when it came from another device
            ) WITHOUT ROWID""",
        ),
    ),
    Migration(
        13,
        "each card's content once (deck_cards), not once per item; a deck's broken cards' errors and markable cards",
        (
            # The index is derived from the deck files: it is emptied here and rebuilt as each deck is next used.
            # A cloze card's items each held a copy of the whole card, which grew with the square of its deletions.
            "DROP TABLE deck_items",
            "DELETE FROM deck_index",
            "ALTER TABLE deck_index ADD COLUMN broken TEXT NOT NULL DEFAULT '[]'",  # JSON [[line, column, code, text]]
            # How many cards the markable items come from: fewer than them when a card has several (an exam asks one).
            "ALTER TABLE deck_index ADD COLUMN markable_cards INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE deck_index ADD COLUMN tags TEXT NOT NULL DEFAULT ''",  # the deck's own, space-separated
            # As migrations 3 and 5 made it, without the card's JSON (now in deck_cards).
            "CREATE TABLE deck_items (deck TEXT NOT NULL, item TEXT NOT NULL, card TEXT NOT NULL,"
            " position INTEGER NOT NULL, graded INTEGER NOT NULL, tags TEXT NOT NULL, seen INTEGER NOT NULL DEFAULT 0,"
            " rank INTEGER, PRIMARY KEY (deck, item)) WITHOUT ROWID",
            "CREATE INDEX deck_items_order ON deck_items (deck, position, graded, item, tags)",
            "CREATE INDEX deck_items_new ON deck_items (deck, seen, position)",
            "CREATE INDEX deck_items_rank ON deck_items (deck, rank, card) WHERE rank IS NOT NULL",
            "CREATE TABLE deck_cards (deck TEXT NOT NULL, card TEXT NOT NULL, position INTEGER NOT NULL,"
            " data TEXT NOT NULL, PRIMARY KEY (deck, card)) WITHOUT ROWID",
        ),
    ),
    Migration(
        14,
        "each indexed card's line beside its JSON, and each deck's cards in order with the digests of their texts,"
        " so an edited deck parses only the cards that changed",
        (
            # Emptied as by migration 13: a card's line leaves its JSON for a column of its own, so a card that
            # an edit above it moved keeps its JSON.
            "DELETE FROM deck_index",
            "DELETE FROM deck_items",
            "DROP TABLE deck_cards",
            "CREATE TABLE deck_cards (deck TEXT NOT NULL, card TEXT NOT NULL, position INTEGER NOT NULL,"
            " data TEXT NOT NULL, line INTEGER NOT NULL, PRIMARY KEY (deck, card)) WITHOUT ROWID",
            # Each indexed deck's cards in order, read and written whole (see store/index_write.py): their ids
            # (one a line), the digests of their texts (16 bytes each; zeros: not to be reused), their lines and
            # item counts (8-byte little-endian integers), and whether their items are ranked (a byte each).
            "CREATE TABLE deck_sources (deck TEXT PRIMARY KEY, cards TEXT NOT NULL, sources BLOB NOT NULL,"
            " lines TEXT NOT NULL, items TEXT NOT NULL, graded BLOB NOT NULL)",
        ),
    ),
    Migration(
        15,
        "the review log summed by UTC quarter hour, which quizcli stats reads instead of every review",
        (
            # The sums of the reviews up to reviews_summed.upto (a review id), by quarter hour and deck: every
            # answer, and (review_kinds) those retention or calibration count, by what those figures tell apart.
            # store/review_sums.py adds the reviews logged since (a new review's id is higher).
            """CREATE TABLE review_quarters (
                quarter INTEGER NOT NULL,  -- UTC quarter hours since 0000-01-01
                deck TEXT NOT NULL,
                answers INTEGER NOT NULL,
                passed INTEGER NOT NULL,
                timed INTEGER NOT NULL,
                ms INTEGER NOT NULL,
                longest INTEGER NOT NULL,  -- the longest answer's milliseconds
                PRIMARY KEY (quarter, deck)
            ) WITHOUT ROWID""",
            """CREATE TABLE review_kinds (
                quarter INTEGER NOT NULL,
                deck TEXT NOT NULL,
                retention INTEGER NOT NULL,  -- an answer to a card in review: 1 young, 2 mature; else 0
                bin INTEGER NOT NULL,  -- the calibration bin of the predicted recall; -1: not calibrated
                guessable INTEGER NOT NULL,
                answers INTEGER NOT NULL,
                passed INTEGER NOT NULL,
                predicted REAL NOT NULL,
                PRIMARY KEY (quarter, deck, retention, bin, guessable)
            ) WITHOUT ROWID""",
            "CREATE TABLE reviews_summed (one INTEGER PRIMARY KEY CHECK (one = 1), upto INTEGER NOT NULL)",
            "INSERT INTO reviews_summed (one, upto) VALUES (1, 0)",
            # A summed review deleted (an undo, a reset, a sync) or changed empties the sums, to be summed again
            # from the log.  Inserting a review costs nothing more.
            """CREATE TRIGGER reviews_unsummed_by_delete AFTER DELETE ON reviews
                WHEN OLD.id <= (SELECT upto FROM reviews_summed)
                BEGIN DELETE FROM review_quarters; DELETE FROM review_kinds; UPDATE reviews_summed SET upto = 0; END""",
            """CREATE TRIGGER reviews_unsummed_by_update AFTER UPDATE OF id, deck, reviewed_at, rating, kind,
                state_before, elapsed_days, retrievability, duration_ms, scheduled_days, guessable ON reviews
                WHEN MIN(OLD.id, NEW.id) <= (SELECT upto FROM reviews_summed)
                BEGIN DELETE FROM review_quarters; DELETE FROM review_kinds; UPDATE reviews_summed SET upto = 0; END""",
        ),
    ),
)
if len(MIGRATIONS) != SCHEMA_VERSION:
    raise AssertionError(
        f"quizcli.store.schema.SCHEMA_VERSION is {SCHEMA_VERSION}, but there are {len(MIGRATIONS)} migrations"
    )
