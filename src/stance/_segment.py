"""Split news text into sentences with character offsets.

sentencex (maintained, rule-based, no model download) finds the boundaries first; a second
pass then splits where sentencex keeps a quotation together with the sentence before or
inside it ("… said. “We will release …"), as ANNOTATION.md labels each such sentence on its
own. Abbreviations (U.S., Gen., Jan., No.) and initials do not end a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col sen sens rep reps gov st jan feb mar apr jun jul aug sep sept oct nov
    dec no nos vs approx inc co corp ltd jr sr capt maj adm sgt cmdr mt ft gens messrs rev hon est dept
    fig al e.g i.e a.m p.m u.s u.k u.n e.u u.s.a etc""".split()
)
#: Abbreviations that also end sentences ("… moved to the U.S. The …") when a common
#: sentence opener follows.
_ENDING_ABBREVIATIONS = frozenset({"u.s", "u.k", "u.n", "e.u", "etc", "a.m", "p.m", "inc", "ltd", "co", "corp"})
_OPENERS = frozenset(
    """the a an he she it they we i his her its their this that these those but and in on at after
    before since when while as if there mr mrs ms officials some many most one two three""".split()
)
_CANDIDATE = re.compile(r"[.!?…]+[\"”’'»)\]]*\s+(?=[\"“‘'«(\[]*[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([\w.]+)[.!?…]+[\"”’'»)\]]*\s+$")
_NEXT_WORD = re.compile(r"[\"“‘'«(\[]*(\w+)")


@dataclass(frozen=True)
class Sentence:
    """A sentence and its character span in the text it came from."""

    start: int
    end: int
    text: str


def _is_boundary(text: str, end: int) -> bool:
    """Whether a sentence may end before ``end`` (the index after the punctuation and space)."""
    before = _WORD_BEFORE.search(text[:end])
    if before is None or not before.group(0)[len(before.group(1)) :].startswith("."):
        return True
    word = before.group(1).lower().rstrip(".")
    if re.fullmatch(r"[a-z]", word) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
        # an initial ("J.", "H.W.") or a dotted abbreviation ("U.S.")
        if word not in _ENDING_ABBREVIATIONS:
            return False
    elif word not in ABBREVIATIONS:
        return True
    following = _NEXT_WORD.match(text, end)
    if word in ("no", "nos"):  # "No. 10" but "said no. We …"
        return following is None or not following.group(1)[0].isdigit()
    return word in _ENDING_ABBREVIATIONS and following is not None and following.group(1).lower() in _OPENERS


def _refine(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, cursor = [], start
    for match in _CANDIDATE.finditer(text, start, end):
        if _is_boundary(text, match.end()):
            spans.append((cursor, match.end()))
            cursor = match.end()
    spans.append((cursor, end))
    return spans


def split_sentences(text: str, *, refine: bool = True) -> list[Sentence]:
    """The sentences of ``text`` with their character offsets, whitespace trimmed.

    Parameters
    ----------
    text : str
        An article or paragraph; blank lines are treated as paragraph breaks.
    refine : bool
        Apply the second pass that splits quotations and sentences sentencex keeps together.
    """
    from sentencex import get_sentence_boundaries

    spans: list[tuple[int, int]] = []
    for paragraph in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", text):
        offset = paragraph.start()
        parts: list[tuple[int, int]] = []
        for part in get_sentence_boundaries("en", paragraph.group(0)):
            begin, finish = offset + part["start_index"], offset + part["end_index"]
            if refine and parts and not _is_boundary(text, begin):
                # sentencex ended a sentence after an abbreviation ("approx.", "Ms.", "J.D."): join.
                begin = parts.pop()[0]
            parts.append((begin, finish))
        for begin, finish in parts:
            spans.extend(_refine(text, begin, finish) if refine else [(begin, finish)])
    sentences = []
    for begin, finish in spans:
        chunk = text[begin:finish]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            sentences.append(Sentence(begin + lead, begin + lead + len(stripped), stripped))
    return sentences
