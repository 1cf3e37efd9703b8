-- The schema a new progress database is created with, in one transaction: what every migration in
-- migrations.py makes of an empty database.  Written by tests/test_migrations.py
-- (QUIZCLI_WRITE_SCHEMA=1 pytest tests/test_migrations.py), which fails until it is rewritten after a
-- migration is added.

CREATE TABLE settings (id INTEGER PRIMARY KEY, json TEXT NOT NULL UNIQUE);

CREATE TABLE reviews (
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
            , scheduled_days REAL, due_shift INTEGER NOT NULL DEFAULT 0, guessable INTEGER, uid TEXT);

CREATE INDEX reviews_by_item ON reviews (deck, item, id);

CREATE INDEX reviews_by_time ON reviews (reviewed_at);

CREATE TABLE cards (
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
            ) WITHOUT ROWID;

CREATE INDEX cards_due ON cards (deck, due);

CREATE TABLE flags (
                deck TEXT NOT NULL,
                item TEXT NOT NULL,
                suspended INTEGER NOT NULL DEFAULT 0,
                buried_until TEXT, changed_at TEXT, device TEXT, sent INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (deck, item)
            ) WITHOUT ROWID;

CREATE TABLE exams (
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
            , kind TEXT NOT NULL DEFAULT 'full', uid TEXT);

CREATE INDEX exams_by_deck ON exams (deck, id);

CREATE TABLE exam_answers (
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
            ) WITHOUT ROWID;

CREATE TABLE deck_index (
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
            , broken TEXT NOT NULL DEFAULT '[]', markable_cards INTEGER NOT NULL DEFAULT 0, tags TEXT NOT NULL DEFAULT '') WITHOUT ROWID;

CREATE INDEX cards_queue ON cards (deck, state, due);

CREATE TRIGGER cards_seen AFTER INSERT ON cards BEGIN
                UPDATE deck_items SET seen = 1 WHERE deck = NEW.deck AND item = NEW.item;
            END;

CREATE TRIGGER cards_unseen AFTER DELETE ON cards BEGIN
                UPDATE deck_items SET seen = 0 WHERE deck = OLD.deck AND item = OLD.item;
            END;

CREATE TABLE fitted_parameters (
                deck TEXT NOT NULL PRIMARY KEY,  -- '' for every deck without its own
                parameters TEXT NOT NULL,
                reviews INTEGER NOT NULL,
                loss_before REAL NOT NULL,
                loss_after REAL NOT NULL,
                fitted_at TEXT NOT NULL
            , device TEXT, sent INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;

CREATE TABLE live_sessions (
                id INTEGER PRIMARY KEY,
                deck TEXT NOT NULL,
                host TEXT NOT NULL,
                pid INTEGER NOT NULL,
                started_at TEXT NOT NULL
            );

CREATE INDEX live_sessions_by_deck ON live_sessions (deck);

CREATE UNIQUE INDEX reviews_uid ON reviews (uid) WHERE uid IS NOT NULL;

CREATE INDEX reviews_unsent ON reviews (id) WHERE uid IS NULL;

CREATE UNIQUE INDEX exams_uid ON exams (uid) WHERE uid IS NOT NULL;

CREATE TABLE deck_resets (
                deck TEXT NOT NULL,
                reset_at TEXT NOT NULL,
                device TEXT NOT NULL DEFAULT '',  -- '' for this device
                sent INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (deck, reset_at, device)
            ) WITHOUT ROWID;

CREATE TABLE sync_identity (
                one INTEGER PRIMARY KEY CHECK (one = 1),
                device TEXT NOT NULL,
                profile TEXT NOT NULL,
                owner TEXT NOT NULL
            );

CREATE TABLE sync_segments (name TEXT PRIMARY KEY, records INTEGER NOT NULL) WITHOUT ROWID;

CREATE TABLE undone_reviews (
                uid TEXT PRIMARY KEY,
                deck TEXT NOT NULL,
                item TEXT NOT NULL,
                sent INTEGER NOT NULL DEFAULT 0  -- 1 once sent, or when it came from another device
            ) WITHOUT ROWID;

CREATE TABLE deck_items (deck TEXT NOT NULL, item TEXT NOT NULL, card TEXT NOT NULL, position INTEGER NOT NULL, graded INTEGER NOT NULL, tags TEXT NOT NULL, seen INTEGER NOT NULL DEFAULT 0, rank INTEGER, PRIMARY KEY (deck, item)) WITHOUT ROWID;

CREATE INDEX deck_items_order ON deck_items (deck, position, graded, item, tags);

CREATE INDEX deck_items_new ON deck_items (deck, seen, position);

CREATE INDEX deck_items_rank ON deck_items (deck, rank, card) WHERE rank IS NOT NULL;

CREATE TABLE deck_cards (deck TEXT NOT NULL, card TEXT NOT NULL, position INTEGER NOT NULL, data TEXT NOT NULL, line INTEGER NOT NULL, PRIMARY KEY (deck, card)) WITHOUT ROWID;

CREATE TABLE deck_sources (deck TEXT PRIMARY KEY, cards TEXT NOT NULL, sources BLOB NOT NULL, lines TEXT NOT NULL, items TEXT NOT NULL, graded BLOB NOT NULL);

CREATE TABLE review_quarters (
                quarter INTEGER NOT NULL,  -- UTC quarter hours since 0000-01-01
                deck TEXT NOT NULL,
                answers INTEGER NOT NULL,
                passed INTEGER NOT NULL,
                timed INTEGER NOT NULL,
                ms INTEGER NOT NULL,
                longest INTEGER NOT NULL,  -- the longest answer's milliseconds
                PRIMARY KEY (quarter, deck)
            ) WITHOUT ROWID;

CREATE TABLE review_kinds (
                quarter INTEGER NOT NULL,
                deck TEXT NOT NULL,
                retention INTEGER NOT NULL,  -- an answer to a card in review: 1 young, 2 mature; else 0
                bin INTEGER NOT NULL,  -- the calibration bin of the predicted recall; -1: not calibrated
                guessable INTEGER NOT NULL,
                answers INTEGER NOT NULL,
                passed INTEGER NOT NULL,
                predicted REAL NOT NULL,
                PRIMARY KEY (quarter, deck, retention, bin, guessable)
            ) WITHOUT ROWID;

CREATE TABLE reviews_summed (one INTEGER PRIMARY KEY CHECK (one = 1), upto INTEGER NOT NULL);

CREATE TRIGGER reviews_unsummed_by_delete AFTER DELETE ON reviews
                WHEN OLD.id <= (SELECT upto FROM reviews_summed)
                BEGIN DELETE FROM review_quarters; DELETE FROM review_kinds; UPDATE reviews_summed SET upto = 0; END;

CREATE TRIGGER reviews_unsummed_by_update AFTER UPDATE OF id, deck, reviewed_at, rating, kind,
                state_before, elapsed_days, retrievability, duration_ms, scheduled_days, guessable ON reviews
                WHEN MIN(OLD.id, NEW.id) <= (SELECT upto FROM reviews_summed)
                BEGIN DELETE FROM review_quarters; DELETE FROM review_kinds; UPDATE reviews_summed SET upto = 0; END;

INSERT INTO reviews_summed (one, upto) VALUES (1, 0);
