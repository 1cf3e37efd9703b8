"""Multiple choice: one right option (``answer: B``) or select-all-that-apply (``answer: [A, C]``)."""

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from quizcli import grading  # as a module: grading imports kinds.base, so either may load first
from quizcli.kinds.base import (
    LETTERS,
    Answering,
    BadCard,
    Kind,
    Question,
    Verdict,
    empty_problem,
    has,
    json_text,
    json_texts,
)
from quizcli.text import plural, repeats

if TYPE_CHECKING:
    import random

    from quizcli.cards import Card, Item
    from quizcli.kinds.authoring import Answer, Answers, Ask
    from quizcli.kinds.base import DeckFields, GiftText, Value
    from quizcli.kinds.output import (
        AikenQuestion,
        AnkiNotes,
        FlowList,
        GiftQuestion,
        Refused,
        Shown,
        YamlField,
    )

# Compiled on first use (`re` caches it): only `check --strict` needs it.
MAX_SHORT_OPTION = 2  # words: a right option this short is never a give-away by its length (lint Q103)
_OF_THE_ABOVE = r"\b(all|none|both|neither)\s+(of\s+)?(the\s+)?(above|these|those)\b"


class Choice(NamedTuple):
    """``choices`` in authored order, ``correct`` the indices of the right ones."""

    question: str
    choices: tuple[str, ...]
    correct: tuple[int, ...]
    multiple: bool = False
    shuffle: bool = True

    @staticmethod
    def read(fields: "DeckFields") -> "Choice | None":
        question = fields.required_text("question")
        choices_value = fields.marker("choices")
        choices = fields.text_list("choices")
        shuffle = fields.optional_bool("shuffle")
        if choices is None:
            return None
        if len(choices) < 2:
            choices_value.error("E106", f"a choice card needs at least 2 choices, found {len(choices)}")
        elif len(choices) > len(LETTERS):
            choices_value.error("E106", f"a choice card has at most {len(LETTERS)} choices, found {len(choices)}")
        _report_duplicate_choices(choices, choices_value)
        answer = _answer(fields, len(choices))
        if question is None or answer is None:
            return None
        correct, multiple = answer
        return Choice(
            question=question, choices=choices, correct=correct, multiple=multiple, shuffle=shuffle is not False
        )

    @staticmethod
    def from_json(data: dict[str, Any]) -> "Choice":
        choices = json_texts(data, "choices")
        answer = data.get("answer")
        letters = answer if isinstance(answer, list) else [answer]
        if not letters or not all(isinstance(x, str) and x in LETTERS[: len(choices)] for x in letters):
            raise BadCard(f"answer {answer!r} is not a letter (or list of letters) of the {len(choices)} choices")
        return Choice(
            question=json_text(data, "question"),
            choices=choices,
            correct=tuple(sorted({LETTERS.index(str(x)) for x in letters})),
            multiple=isinstance(answer, list),
            shuffle=data.get("shuffle") is not False,
        )

    @staticmethod
    def asks() -> "tuple[Ask, ...]":
        from quizcli.kinds.authoring import Ask, Form, at_least

        few = at_least("choices", 2, "A choice card needs at least 2 choices.")
        return (
            Ask(key="question", label="Question"),
            Ask(key="choices", label="Choice", form=Form.LETTERED, problem=few),
            Ask(
                key="answer",
                label="Right choice letter(s)",
                how="e.g. B or A C",
                problem=_not_a_choice,
                written=_letters,
            ),
        )

    @property
    def prompt(self) -> str:
        return self.question

    def ask(self, item: "Item", rng: "random.Random | None") -> Question:
        return Question.lettered(
            item=item,
            prompt=self.question,
            answering=Answering.CHOOSE,
            texts=self.choices,
            rng=rng if self.shuffle else None,
            right=self.correct,
            multiple=self.multiple,
        )

    def grade(self, question: Question, response: str) -> Verdict:
        shown = grading.parse_letters(response, len(question.options))
        if shown is None:
            return Verdict(correct=False, given=response.strip())
        chosen = {question.order[pos] for pos in shown}
        given = ", ".join(LETTERS[pos] for pos in sorted(shown))
        return Verdict(correct=chosen == set(self.correct), given=given)

    def expected(self, question: Question) -> str:
        return ", ".join(f"{LETTERS[pos]}) {question.options[pos]}" for pos in question.right)

    def describe(self, question: Question, response: str) -> str:
        """``"B"`` -> ``"B) Attention spreads thin..."``; anything that is not an option as typed."""
        shown = grading.parse_letters(response, len(question.options))
        if shown is None:
            return response
        return ", ".join(f"{LETTERS[pos]}) {question.options[pos]}" for pos in sorted(shown))

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "choices": list(self.choices),
            "answer": [LETTERS[i] for i in self.correct] if self.multiple else LETTERS[self.correct[0]],
            "shuffle": self.shuffle,
        }

    def shown(self) -> "Shown":
        from quizcli.kinds.output import Row, Shown

        rows = tuple(Row(f"{LETTERS[i]})", choice, i in self.correct) for i, choice in enumerate(self.choices))
        return Shown(prompt=self.question, notes=("(select all that apply)",) if self.multiple else (), rows=rows)

    def problem(self) -> str | None:
        choices = self.choices
        if empty := empty_problem(self.question):
            return empty
        if len(choices) < 2:
            return f"a choice question needs at least 2 answers, found {len(choices)}"
        if len(choices) > len(LETTERS):
            return f"a choice question has at most {len(LETTERS)} answers, found {len(choices)}"
        if any(not c.strip() for c in choices):
            return "an empty answer option"
        if any(repeats(choices)):
            return "two answer options are the same text"
        return None

    def needs_answer(self) -> bool:
        return not self.correct

    def lints(self, card: "Card") -> list[tuple[str, str]]:
        found = []
        if not card.explanation:
            found.append(("Q105", "choice card has no explanation: say why the right answer is right"))
        if self.shuffle:
            for index, choice in enumerate(self.choices):
                if re.search(_OF_THE_ABOVE, choice, re.IGNORECASE):
                    message = f"choice {LETTERS[index]} '{choice}' breaks when the options are shuffled"
                    found.append(("Q104", message + "; reword it or add 'shuffle: false'"))
        if longer := self._much_longer():
            found.append(("Q103", longer))
        return found

    def _much_longer(self) -> str:
        """A give-away: the one right option has more words than every other and twice their average.

        Words, not characters, since symbols such as ``>>`` against ``>`` say nothing of the
        answer; an option of one or two words is never long enough to give anything away.
        """
        if self.multiple or len(self.choices) < 3 or len(self.correct) != 1:
            return ""
        right = _word_count(self.choices[self.correct[0]])
        if right <= MAX_SHORT_OPTION:
            return ""
        others = [_word_count(c) for i, c in enumerate(self.choices) if i != self.correct[0]]
        average = sum(others) / len(others)
        if right > max(others) and right >= 2 * average:
            others_text = f"the others {average:.0f} on average"
            return f"the right option is {right} words, {others_text}: the longest gives it away"
        return ""

    def yaml_fields(self) -> "list[YamlField]":
        from quizcli.kinds.output import BlockList, Plain

        fields: list[YamlField] = [("question", self.question), ("choices", BlockList(self.choices))]
        fields.append(("answer", Plain(self._yaml_answer())))
        return fields + ([] if self.shuffle else [("shuffle", False)])

    def _yaml_answer(self) -> str:
        if not self.correct:
            return "null  # needs an answer: the letter of the right choice"
        letters = [LETTERS[i] for i in self.correct]
        return "[" + ", ".join(letters) + "]" if self.multiple else letters[0]

    def anki(self, card: "Card") -> "AnkiNotes":
        """A ``Basic`` note (Anki has no choice notetype): the options on the front, the right ones on the back."""
        from quizcli.kinds.output import AnkiNotes, Note

        options = "\n".join(f"{LETTERS[i]}) {choice}" for i, choice in enumerate(self.choices))
        right = "\n".join(f"{LETTERS[i]}) {self.choices[i]}" for i in self.correct)
        return AnkiNotes(
            (
                Note(
                    notetype="Basic",
                    first=f"{self.question}\n\n{options}",
                    second="\n\n".join(filter(None, [right, card.explanation])),
                ),
            )
        )

    def aiken(self) -> "AikenQuestion | Refused":
        from quizcli.kinds.output import AikenQuestion, Refused

        if self.multiple:
            return Refused("select-all choice card: Aiken holds single-answer multiple choice only")
        return AikenQuestion(question=self.question, options=self.choices, answer=self.correct[0])

    def gift(self, card: "Card", gift: "GiftText") -> "list[GiftQuestion | Refused]":
        from quizcli.kinds.output import GiftQuestion

        answers = "".join(f"\n\t{self._gift_mark(i)}{gift.escape(choice)}" for i, choice in enumerate(self.choices))
        return [GiftQuestion(card.id, f"{gift.text(self.question)}{{{answers}{gift.feedback(card)}\n}}")]

    def _gift_mark(self, index: int) -> str:
        if not self.multiple:
            return "=" if index in self.correct else "~"
        if index not in self.correct:
            return "~%-100%"
        share = f"{100 / len(self.correct):.5f}".rstrip("0").rstrip(".")
        return f"~%{share}%"


def _word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _report_duplicate_choices(choices: tuple[str, ...], value: "Value") -> None:
    items = value.items() or []
    for index, earlier in repeats(choices):
        items[index].error("E108", f"choice {LETTERS[index]} repeats choice {LETTERS[earlier]}")


def _answer(fields: "DeckFields", count: int) -> tuple[tuple[int, ...], bool] | None:
    """The correct option indices: ``answer: B`` (one right) or ``answer: [A, C]`` (select all)."""
    answer = fields.value("answer")
    if answer is None or answer.is_null():
        fields.error("E113", "needs an answer: add 'answer:' with the letter of the right choice")
        return None
    listed = answer.items()
    if listed is not None and not listed:
        answer.error("E105", "'answer' lists no letters")
        return None
    indices: list[int] = []
    for letter in listed if listed is not None else [answer]:
        index = _letter_index(letter, count)
        if index is None:
            return None
        if index in indices:
            letter.error("E105", f"answer letter {LETTERS[index]} is listed twice")
            return None
        indices.append(index)
    return tuple(sorted(indices)), listed is not None


def _letter_index(value: "Value", count: int) -> int | None:
    valid = "A" if count == 1 else f"A-{LETTERS[count - 1]}" if 0 < count <= len(LETTERS) else "a letter"
    written = value.text()
    if written is None:
        value.error("E105", f"'answer' must be a choice letter ({valid}) or a list of letters")
        return None
    letter = written.strip().upper()
    if len(letter) != 1 or letter not in LETTERS:
        value.error("E105", f"answer '{written}' is not a choice letter ({valid})")
        return None
    index = LETTERS.index(letter)
    if index >= count:
        value.error("E105", f"answer {letter} is out of range: the card has {plural(count, 'choice')} ({valid})")
        return None
    return index


def _given_letters(answer: "Answer") -> list[str]:
    """``B``, ``a c`` or ``A, C`` as the letters ``B``; ``A``, ``C``."""
    from quizcli.kinds.authoring import text

    return text(answer).upper().replace(",", " ").split()


def _letters(answer: "Answer") -> "str | FlowList":
    """One letter as ``answer: B``; several (select all that apply) as ``answer: [A, C]``."""
    from quizcli.kinds.output import FlowList

    letters = _given_letters(answer)
    return letters[0] if len(letters) == 1 else FlowList(tuple(letters))


def _not_a_choice(answers: "Answers") -> str:
    """Letters past the choices given (once they are: without them, check names what is missing)."""
    from quizcli.kinds.authoring import entries

    count = len(entries(answers.get("choices", [])))
    wrong = [letter for letter in _given_letters(answers["answer"]) if letter not in LETTERS[:count]]
    if not count or not wrong:
        return ""
    return f"{', '.join(wrong)} is not a choice: the card has {plural(count, 'choice')} (A-{LETTERS[count - 1]})."


KIND = Kind(
    name="choice",
    keys=("question", "choices", "answer", "shuffle"),
    recognises=has("choices"),
    needs_answer=Choice.needs_answer,
    lints=Choice.lints,
    content=Choice,
)
