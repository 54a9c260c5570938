"""From whole articles to positions: who stands where, on what, with the evidence.

Each article is split into sentences, every sentence is predicted, and the article is used
to resolve references (ANNOTATION.md rule 4): an official's name resolves by the article's
date, a sentence whose holder is only a pronoun ("He said …") takes the holder of the sentence
before, and a position on "it" takes the target of the sentence before. Positions are then
aggregated per (actor, target), counting each distinct sentence once however many outlets
carried it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ._aliases import AliasTable, Mention, alias_table
from ._errors import DataError
from ._features import REPORTING_VERBS, TARGET_WORDS
from ._ontology import NONE
from ._segment import split_sentences

Period = Literal["month", "quarter", "year"]
POSITIONS = ("favor", "against", "neutral")
_PRONOUN_START = re.compile(
    r"^[\"“‘']?(?:he|she|they|it|we|the (?:minister|president|prime minister|chancellor|spokesman|spokeswoman|"
    r"spokesperson|ministry|secretary-general|official|officials|leader|envoy|government))\b",
    re.IGNORECASE,
)
# "He said …", "She later warned …": the holder is a pronoun, whatever actors follow.
_PRONOUN_SPEAKER = re.compile(
    rf"^[\"“‘']?(?:he|she|they)\s+(?:\w+\s+)?(?:{'|'.join(sorted(REPORTING_VERBS))})\b",
    re.IGNORECASE,
)


@dataclass
class SentencePrediction:
    """One sentence of an article with its prediction and how its holder was found."""

    doc: str
    date: str | None
    index: int
    start: int
    end: int
    text: str
    actor: str
    target: str
    stance: str
    probabilities: dict[str, float]
    holder: dict[str, Any] | None = None
    resolved: list[str] = field(default_factory=list)
    duplicate: bool = False


@dataclass
class Position:
    """Where one actor stands on one target: the majority stance, counts and evidence."""

    actor: str
    target: str
    stance: str
    counts: dict[str, int]
    confidence: float
    evidence: dict[str, Any]
    period: str | None = None
    doc: str | None = None


@dataclass
class Analysis:
    """Sentences, the position map for the whole input, per document, and per period."""

    sentences: list[SentencePrediction]
    positions: list[Position]
    documents: dict[str, list[Position]]
    periods: list[Position]
    dates_unknown: list[str]

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON."""
        return {
            "sentences": [asdict(s) for s in self.sentences],
            "positions": [asdict(p) for p in self.positions],
            "documents": {doc: [asdict(p) for p in rows] for doc, rows in self.documents.items()},
            "periods": [asdict(p) for p in self.periods],
            "dates_unknown": self.dates_unknown,
        }


def _parse_date(value: Any, doc: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise DataError(f"not a YYYY-MM-DD date: {value!r}", doc, field="date") from exc


def period_key(day: dt.date | None, by: Period) -> str:
    """The period a date falls in: ``2023-04``, ``2023-Q2`` or ``2023`` (``unknown`` without one)."""
    if day is None:
        return "unknown"
    if by == "month":
        return f"{day.year}-{day.month:02d}"
    if by == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def _normalised(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def _holder_mention(mentions: Sequence[Mention], actor: str, table: AliasTable, day: dt.date | None) -> Mention | None:
    for mention in mentions:
        if table.resolve_alias(mention.alias, day) == actor:
            return mention
    return None


def _resolve_article(rows: list[SentencePrediction], texts: list[str], table: AliasTable, day: dt.date | None) -> None:
    """Apply the article's context to its sentences' predictions, in place (rule 4)."""
    previous_holder: str | None = None
    previous_target: str | None = None
    for row, text in zip(rows, texts, strict=True):
        mentions = table.find(text, None)
        if row.stance != NONE:
            # An official's name means another actor on the article's date ("Rutte" in 2020):
            # the first mention that gave the predicted actor decides.
            if day is not None:
                first = next((m for m in mentions if m.actor == row.actor), None)
                if first is not None:
                    dated = table.resolve_alias(first.alias, day)
                    if dated is not None and dated != row.actor:
                        row.resolved.append(f"actor {row.actor} → {dated} ({first.alias} on {day.isoformat()})")
                        row.actor = dated
            pronoun_speaker = _PRONOUN_SPEAKER.search(text) is not None
            if (
                (not mentions or pronoun_speaker)
                and previous_holder
                and _PRONOUN_START.search(text)
                and row.actor != previous_holder
            ):
                row.resolved.append(f"actor {row.actor} → {previous_holder} (holder of the sentence before)")
                row.actor = previous_holder
            if previous_target and not TARGET_WORDS[row.target].search(text) and row.target != previous_target:
                row.resolved.append(f"target {row.target} → {previous_target} (target of the sentence before)")
                row.target = previous_target
        mention = _holder_mention(mentions, row.actor, table, day) if row.actor != NONE else None
        if mention is not None:
            row.holder = {
                "start": row.start + mention.start,
                "end": row.start + mention.end,
                "alias": mention.alias,
                "actor": row.actor,
            }
        if row.stance != NONE:
            previous_holder, previous_target = row.actor, row.target
        elif mentions:
            previous_holder = table.resolve_alias(mentions[0].alias, day)
            previous_target = None


def _aggregate(rows: Iterable[SentencePrediction], **extra: Any) -> list[Position]:
    groups: dict[tuple[str, str], list[SentencePrediction]] = defaultdict(list)
    for row in rows:
        if row.stance != NONE and not row.duplicate:
            groups[(row.actor, row.target)].append(row)
    positions = []
    for (actor, target), members in groups.items():
        counts = Counter(r.stance for r in members)
        weight: dict[str, float] = defaultdict(float)
        for r in members:
            weight[r.stance] += r.probabilities.get("stance", 0.0)
        stance = max(POSITIONS, key=lambda s: (counts[s], weight[s]))
        best = max((r for r in members if r.stance == stance), key=lambda r: r.probabilities.get("stance", 0.0))
        positions.append(
            Position(
                actor=actor,
                target=target,
                stance=stance,
                counts={s: counts[s] for s in POSITIONS},
                confidence=round(sum(r.probabilities.get("stance", 0.0) for r in members) / len(members), 4),
                evidence={
                    "doc": best.doc,
                    "index": best.index,
                    "text": best.text,
                    "confidence": best.probabilities.get("stance", 0.0),
                },
                **extra,
            )
        )
    positions.sort(key=lambda p: (-sum(p.counts.values()), p.actor, p.target))
    return positions


def _articles(
    inputs: Iterable[str | Mapping[str, Any]], text_field: str, doc_field: str, date_field: str, default_date: Any
) -> Iterator[tuple[str, str, dt.date | None]]:
    for number, item in enumerate(inputs, 1):
        if isinstance(item, str):
            record: Mapping[str, Any] = {text_field: item}
        else:
            record = item
        doc = str(record.get(doc_field) or f"doc{number}")
        text = record.get(text_field)
        if not isinstance(text, str):
            raise DataError("missing or not a string", doc, field=text_field)
        day = _parse_date(record.get(date_field) or default_date, doc)
        yield doc, text, day


def analyze(
    inputs: Iterable[str | Mapping[str, Any]],
    model: Any,
    *,
    date: str | None = None,
    min_confidence: float | None = None,
    by: Period | None = None,
    text_field: str = "text",
    doc_field: str = "doc",
    date_field: str = "date",
    context: bool = True,
    aliases: AliasTable | None = None,
) -> Analysis:
    """Analyse whole articles: sentences, their positions, and the position map.

    Parameters
    ----------
    inputs : iterable of str or mapping
        Articles as texts, or records with ``text_field`` and optional ``doc_field`` and
        ``date_field`` (YYYY-MM-DD).
    model : StanceModel
        A fitted model predicting actor, target and stance.
    date : str, optional
        The date of articles that carry none; office-holders resolve by it.
    min_confidence : float, optional
        A sentence whose stance probability is below this abstains (becomes ``none``).
    by : {'month', 'quarter', 'year'}, optional
        Also split the map by the articles' dates.
    context : bool
        Resolve holders and targets from the neighbouring sentences and the article's date.
    aliases : AliasTable, optional
        The alias table; the default ontology's when omitted.

    Returns
    -------
    Analysis
    """
    from ._predict import iter_predictions

    table = aliases if aliases is not None else alias_table()
    sentences: list[SentencePrediction] = []
    documents: dict[str, list[Position]] = {}
    unknown: list[str] = []
    seen_texts: set[str] = set()
    dates: dict[str, dt.date | None] = {}
    for doc, text, day in _articles(inputs, text_field, doc_field, date_field, date):
        dates[doc] = day
        if day is None:
            unknown.append(doc)
        parts = split_sentences(text)
        texts = [p.text for p in parts]
        rows = []
        for index, (part, predicted) in enumerate(
            zip(parts, iter_predictions(model, texts, min_confidence=min_confidence), strict=True)
        ):
            key = _normalised(part.text)
            rows.append(
                SentencePrediction(
                    doc=doc,
                    date=day.isoformat() if day else None,
                    index=index,
                    start=part.start,
                    end=part.end,
                    text=part.text,
                    actor=predicted["actor"],
                    target=predicted["target"],
                    stance=predicted["stance"],
                    probabilities={f: predicted[f"{f}_p"] for f in ("actor", "target", "stance")},
                    duplicate=key in seen_texts,
                )
            )
            seen_texts.add(key)
        if context:
            _resolve_article(rows, texts, table, day)
        sentences.extend(rows)
        documents[doc] = _aggregate(rows, doc=doc)
    periods: list[Position] = []
    if by is not None:
        grouped: dict[str, list[SentencePrediction]] = defaultdict(list)
        for row in sentences:
            grouped[period_key(dates[row.doc], by)].append(row)
        for key in sorted(grouped):
            periods.extend(_aggregate(grouped[key], period=key))
    return Analysis(sentences, _aggregate(sentences), documents, periods, unknown)
