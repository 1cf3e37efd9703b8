"""Exams drawn from the deck index by rank: ranks written when a deck is indexed, and by migration 5 for decks
indexed before it; a seed draws the same exam by rank as from the parsed deck and as before ranks."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from quizcli import catalog
from quizcli.cards import Card, Deck, Item, ItemRef
from quizcli.decks import DeckFile, Source
from quizcli.exam import DrawnQuestions, Exam, ExamError, ExamOptions, ExamSource, exam_pool, plan_exam
from quizcli.parser import load_deck
from quizcli.store import IndexEntry, Stamp, Store
from quizcli.store.index_write import card_rows
from quizcli.store.migrate import migrate
from quizcli.store.migrations import MIGRATIONS

from conftest import LONG_CONTEXT, LONG_CONTEXT_SNAPSHOT, write_deck


def generated(count: int) -> str:
    """A deck whose ranks are not its card positions: flashcards between the markable cards, two-deletion clozes."""
    cards = []
    for n in range(count):
        head = f"  - id: c{n}\n    tags: [part-{n % 3}]\n"
        body = (
            f"    front: front {n}\n    back: back {n}\n",
            f"    question: pick {n}\n    choices: [one, two, three, four]\n    answer: {'ABCD'[n % 4]}\n",
            f'    cloze: "{{{{c1::first {n}}}}} and {{{{c2::second {n}}}}}"\n',
            f"    question: statement {n}\n    answer: {'true' if n % 2 else 'false'}\n",
        )[n % 4]
        cards.append(head + body)
    return "title: Generated\ncards:\n" + "".join(cards)


@pytest.fixture
def big(tmp_path: Path) -> DeckFile:
    return DeckFile("big", write_deck(tmp_path, "big", generated(120)), Source.PATH)


def ranks(db: sqlite3.Connection, deck: str) -> list[tuple[str, int | None]]:
    rows = db.execute("SELECT item, rank FROM deck_items WHERE deck = ? ORDER BY position", (deck,))
    return [(str(item), rank) for item, rank in rows]


def markable(deck: DeckFile) -> list[str]:
    """The ids of the items an exam can ask, in deck order, from the parsed deck."""
    return [item.id for item in load_deck(deck.path, deck.name).items() if item.card.kind.auto_graded]


def test_indexing_ranks_the_markable_items_in_deck_order(store: Store, big: DeckFile) -> None:
    catalog.open_deck(store, big)
    rows = ranks(store._db, "big")
    ids = markable(big)
    assert [item for item, rank in rows if rank is not None] == ids == [ref.id for ref in store.graded_refs("big")]
    assert [rank for _, rank in rows if rank is not None] == list(range(len(ids)))
    assert [item for item, rank in rows if rank is None] == [f"c{n}" for n in range(0, 120, 4)]  # the flashcards
    assert store.graded_count("big") == len(ids) == 120
    assert store.graded_count("unknown") == 0


def test_items_are_loaded_by_rank_in_the_order_asked(store: Store, big: DeckFile) -> None:
    catalog.open_deck(store, big)
    ids = markable(big)
    wanted = [119, 0, 60, *range(120)] * 5  # more than one query's worth of bound parameters (500)
    assert [item.id for item in store.items_by_rank("big", wanted)] == [ids[rank] for rank in wanted]
    assert store.items_by_rank("big", []) == []
    assert store.cards_by_rank("big", wanted) == [ids[rank].split(":")[0] for rank in wanted]  # one range read


def test_a_deck_whose_cards_each_have_one_markable_item_is_drawn_without_reading_card_ids(
    store: Store, tmp_path: Path
) -> None:
    """An exam asks one item per card; with no card holding two, no draw can break that, so none is checked."""
    without_clozes = "".join(f"  - {{id: q{n}, question: 'statement {n}', answer: true}}\n" for n in range(50))
    deck = DeckFile("single", write_deck(tmp_path, "single", "cards:\n" + without_clozes), Source.PATH)
    source, asked = exam_source(store, deck), []

    def cards_ranked(ranks: list[int]) -> list[str]:
        asked.extend(ranks)
        return store.cards_by_rank("single", ranks)

    assert (source.markable, source.markable_cards) == (50, 50)
    for options in (ExamOptions(seed=3), ExamOptions(seed=3, size=20), ExamOptions(seed=3, tag=None, shuffle=True)):
        exam = plan_exam(source._replace(cards_ranked=cards_ranked), options)
        assert list(exam.questions) == list(plan_exam(source, options).questions) and not asked
    sibling = exam_source(store, DeckFile("big", write_deck(tmp_path, "big", generated(8)), Source.PATH))
    assert (sibling.markable, sibling.markable_cards) == (8, 6)  # two two-deletion clozes


def test_a_whole_deck_exam_loads_only_the_questions_shown(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its first question waits for one batch of items, not the deck; the rest load as they are asked for, and
    the exam is the one loading them all at once drew."""
    deck = DeckFile("huge", write_deck(tmp_path, "huge", generated(2_000)), Source.PATH)
    source, loaded = exam_source(store, deck), []

    def load_ranked(ranks: list[int]) -> list[Item]:
        loaded.extend(ranks)
        return store.items_by_rank("huge", ranks)

    lazy = plan_exam(source._replace(load_ranked=load_ranked), ExamOptions(seed=3))
    assert len(lazy.questions) == 1_500  # every card once: 500 of them are two-deletion clozes
    first = lazy.questions[0]
    assert len(loaded) == DrawnQuestions.BATCH < 100
    assert lazy.questions[DrawnQuestions.BATCH] is not first and len(loaded) == 2 * DrawnQuestions.BATCH
    assert list(lazy.questions) == list(plan_exam(source, ExamOptions(seed=3)).questions)
    assert len(loaded) == 1_500


def index_rows(deck: str, cards: Iterable[Card]) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each card's row of ``deck_cards`` and its rows of ``deck_items``, as a whole deck's index write makes them."""
    position = rank = 0
    for place, card in enumerate(cards):
        card_row, items = card_rows(deck, card, place, position, rank)
        position += len(items)
        rank += len(items) if card.kind.auto_graded else 0
        yield card_row, items


def version_4_database(path: Path, decks: dict[str, Path]) -> None:
    """A database as quizcli wrote it before migration 5, with these decks indexed."""
    db = sqlite3.connect(path)
    for statement in (statement for migration in MIGRATIONS[:4] for statement in migration.statements):
        db.execute(statement)
    for name, deck_path in decks.items():
        cards = load_deck(deck_path, name).cards
        # Every column but the rank goes in; each item then held its card's JSON itself.
        rows = [item | {"data": card["data"]} for card, items in index_rows(name, cards) for item in items]
        db.executemany("INSERT INTO deck_items (deck, item, card, position, graded, tags, data)"
                       " VALUES (:deck, :item, :card, :position, :graded, :tags, :data)", rows)  # fmt: skip
    db.execute("PRAGMA user_version = 4")
    db.commit()
    db.close()


def test_migration_5_ranks_the_decks_indexed_before_it(tmp_path: Path, big: DeckFile) -> None:
    decks = {"big": big.path, "long-context": LONG_CONTEXT}
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    version_4_database(old, decks)
    migrated = sqlite3.connect(old, isolation_level=None)
    migrate(migrated, upto=5)  # migration 13 empties the index, which every deck then rebuilds
    with Store.open(new) as fresh:
        for name, path in decks.items():
            entry = IndexEntry(name, Stamp(str(path), 0, 0, 0), name, "", 0, 0, 0)
            fresh.replace_index(name, load_deck(path, name).cards, entry)
            assert ranks(migrated, name) == ranks(fresh._db, name)
            assert [rank for _, rank in ranks(migrated, name) if rank is not None][-1] + 1 == fresh.graded_count(name)
    indexes = {row[0] for row in migrated.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    migrated.close()
    assert "deck_items_rank" in indexes


def exam_source(store: Store, deck: DeckFile) -> ExamSource:
    return catalog.exam_source(store, catalog.open_deck(store, deck))


def drawn(exam: Exam) -> list[tuple[str, tuple[int, ...]]]:
    """Each question's item and the order its options are shown in."""
    return [(question.item.id, question.order) for question in exam.questions]


class Indexed(NamedTuple):
    """The generated deck indexed once into a store of its own, and the same deck parsed."""

    store: Store
    entry: IndexEntry
    parsed: Deck


@pytest.fixture(scope="module")
def indexed_big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Indexed]:
    """Shared by the draws below, which only read: indexing and parsing 120 cards once, not once per draw."""
    directory = tmp_path_factory.mktemp("indexed-big")
    deck = DeckFile("big", write_deck(directory, "big", generated(120)), Source.PATH)
    with Store.open(directory / "progress.db") as store:
        yield Indexed(store=store, entry=catalog.open_deck(store, deck), parsed=load_deck(deck.path, "big"))


@pytest.mark.parametrize("seed", [0, 1, 7, 42, 2026, 987654])
@pytest.mark.parametrize("size", [None, 1, 5, 20, 119, 120, 500])
@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("all_items", [False, True])
def test_the_index_draws_the_exam_the_parsed_deck_draws(
    indexed_big: Indexed, seed: int, size: int | None, shuffle: bool, all_items: bool
) -> None:
    """By rank from the index, in memory from the parsed deck, and from every reference (the pool an ``only``
    naming every item gives): the same questions in the same order with the same options.  The 120 items are
    those of 90 cards (30 two-deletion clozes): by default one item per card is drawn."""
    options = ExamOptions(seed=seed, size=size, shuffle=shuffle, all_items=all_items)
    source = catalog.exam_source(indexed_big.store, indexed_big.entry)
    by_rank = plan_exam(source, options)
    everything = frozenset(ref.id for ref in source.refs())
    assert by_rank.questions == plan_exam(indexed_big.parsed, options).questions
    assert by_rank.questions == plan_exam(source, options._replace(only=everything)).questions
    cards = 120 if all_items else 90
    assert len(by_rank.questions) == min(size or cards, cards)
    assert all_items or len({question.item.card.id for question in by_rank.questions}) == len(by_rank.questions)


SEED_7_BEFORE_RANKS = [("cloze-dilution-numbers:c2", ()), ("q2-lost-in-the-middle", (3, 2, 0, 1)),
                       ("cloze-statistical-issues:c3", ()), ("typed-position-degradation", ()),
                       ("cloze-dilution-numbers:c1", ()), ("q1-dilution", (2, 0, 1, 3))]  # fmt: skip


@pytest.mark.parametrize(
    ("seed", "size", "all_items", "expected"),
    [
        (7, 6, True, SEED_7_BEFORE_RANKS),
        # It drew c1 and c2 of the numbers cloze: the one sampled first (c1) is kept and q6 drawn in c2's place,
        # which uses the generator once more, so the order and the options' order change too.
        (7, 6, False, [("typed-position-degradation", ()), ("q1-dilution", (2, 1, 3, 0)),
                       ("q2-lost-in-the-middle", (1, 2, 0, 3)), ("q6-position-degradation", (3, 1, 2, 0)),
                       ("cloze-statistical-issues:c3", ()), ("cloze-dilution-numbers:c1", ())]),
        (2026, 4, False, [("q5-dilution-example", (0, 1, 2, 3)), ("cloze-statistical-issues:c3", ()),
                          ("q6-position-degradation", (3, 2, 0, 1)), ("cloze-lost-in-the-middle:c1", ())]),
    ],
)  # fmt: skip
def test_a_seed_replays_the_exam_it_drew_before_ranks(
    store: Store, seed: int, size: int, all_items: bool, expected: list[tuple[str, tuple[int, ...]]]
) -> None:
    """Exams recorded before drawing by rank (their seeds are in the history) are drawn again the same, by default
    when they drew no two items of one card, and with ``--all-items`` (as every exam was drawn before) always."""
    deck = DeckFile("long-context", LONG_CONTEXT_SNAPSHOT, Source.PATH)
    options = ExamOptions(seed=seed, size=size, all_items=all_items)
    assert drawn(plan_exam(exam_source(store, deck), options)) == expected


def test_a_whole_deck_exam_reads_no_reference_until_it_is_marked(
    store: Store, big: DeckFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    real = store.graded_refs

    def graded_refs(deck: str) -> list[ItemRef]:
        reads.append(deck)
        return real(deck)

    monkeypatch.setattr(store, "graded_refs", graded_refs)
    exam = plan_exam(exam_source(store, big), ExamOptions(seed=3, size=20))
    assert reads == []
    assert exam.deck.tag_order == ["part-1", "part-2", "part-0"]  # the score per tag, once the exam is over
    assert exam.deck.tag_order and reads == ["big"]  # read once


def test_tag_and_retry_exams_from_the_index_draw_from_their_part_of_the_deck(store: Store, big: DeckFile) -> None:
    source, deck = exam_source(store, big), load_deck(big.path, "big")
    for options in (
        ExamOptions(seed=5, size=10, tag="part-2"),
        ExamOptions(seed=5, tag="part-0", shuffle=False),
        ExamOptions(seed=5, size=3, only=frozenset({"c1", "c2:c2", "c7", "c9", "c4", "gone"})),
        ExamOptions(seed=5, tag="part-1", only=frozenset({"c1", "c2:c1", "c7"})),
    ):
        exam = plan_exam(source, options)
        assert exam.questions == plan_exam(deck, options).questions
        assert all(options.tag is None or options.tag in question.item.card.tags for question in exam.questions)
        assert all(options.only is None or question.item.id in options.only for question in exam.questions)
    assert [item.id for item in exam_pool(source, ExamOptions(seed=1, tag="part-1"))][:3] == ["c1", "c7", "c10:c1"]


def test_exams_from_the_index_are_refused_as_before(store: Store, big: DeckFile, tmp_path: Path) -> None:
    with pytest.raises(ExamError, match="^no question in 'big' has the tag 'nope'; its tags: part-0, part-1, part-2$"):
        plan_exam(exam_source(store, big), ExamOptions(seed=1, tag="nope"))
    with pytest.raises(ExamError, match="^none of the questions missed last time on 'big' is in this exam any more$"):
        plan_exam(exam_source(store, big), ExamOptions(seed=1, only=frozenset({"c0", "gone"})))  # c0: a flashcard
    flashcards = write_deck(tmp_path, "f", "cards:\n  - {id: a, front: x, back: y}\n  - {id: b, front: z, back: w}\n")
    with pytest.raises(ExamError, match="^'f' has no question an exam can mark.*its 2 cards are flashcards"):
        plan_exam(exam_source(store, DeckFile("f", flashcards, Source.PATH)), ExamOptions(seed=1, size=5))
    empty = write_deck(tmp_path, "e", "cards: []\n")
    with pytest.raises(ExamError, match="^'e' has no cards, so there is nothing to examine$"):
        plan_exam(exam_source(store, DeckFile("e", empty, Source.PATH)), ExamOptions(seed=1))
