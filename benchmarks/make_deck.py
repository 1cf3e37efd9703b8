"""Write a generated deck of N cards (every kind, realistic lengths) for the benchmarks.

python benchmarks/make_deck.py 100000 > /tmp/big.yaml
python benchmarks/make_deck.py 100 -o ~/.local/share/quizcli/decks/small.yaml
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

WORDS = (
    "attention context token position sequence model layer head weight memory window retrieval summary "
    "gradient encoder decoder embedding softmax query key value cache length dilution sink collapse"
).split()


def sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize()


def card(n: int, rng: random.Random) -> str:
    """One card's YAML: a mix of kinds in the proportions of a typical deck."""
    kind = n % 10
    head = f"  - id: card-{n}\n    tags: [section-{n % 12}]\n"
    if kind < 5:
        return head + f'    front: "{sentence(rng, 6, 14)}?"\n    back: "{sentence(rng, 12, 30)}."\n'
    if kind < 7:
        choices = "".join(f'      - "{sentence(rng, 3, 8)} {n}-{i}"\n' for i in range(4))
        return head + (
            f'    question: "{sentence(rng, 6, 14)}?"\n    choices:\n{choices}'
            f'    answer: {"ABCD"[n % 4]}\n    explanation: "{sentence(rng, 8, 20)}."\n'
        )
    if kind == 7:
        return head + f'    question: "{sentence(rng, 6, 14)}."\n    answer: {"true" if n % 2 else "false"}\n'
    if kind == 8:
        return head + f'    question: "{sentence(rng, 6, 14)}?"\n    answer: "{rng.choice(WORDS)} {n}"\n'
    return head + f'    cloze: "{sentence(rng, 4, 8)} {{{{{rng.choice(WORDS)}}}}} {sentence(rng, 4, 8)}."\n'


def make_deck(count: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    parts = [f"title: Generated deck of {count} cards\ncards:\n"]
    parts.extend(card(n, rng) for n in range(count))
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("-o", "--output", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    text = make_deck(args.count, args.seed)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
