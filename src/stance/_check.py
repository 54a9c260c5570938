"""Check a labelled corpus: schema, labels, duplicates, and (for the seeds) coverage quotas."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ._data import Located, iter_records, validate_labels
from ._errors import DataError
from ._ontology import DEFAULT_FIELDS, NONE, Ontology, load_ontology

SEED_FIELDS = ("id", "doc", "date", "text", "actor", "target", "stance")
NEAR_DUPLICATE_COSINE = 0.9


@dataclass(frozen=True)
class SeedQuotas:
    """The coverage the seed corpus must reach (issue: seeds/)."""

    min_records: int = 3000
    min_documents: int = 300
    sentences_per_document: tuple[int, int] = (4, 15)
    years: tuple[int, int] = (2014, 2026)
    min_none_share: float = 0.25
    min_per_stance: tuple[tuple[str, int], ...] = (("favor", 80), ("against", 80), ("neutral", 25))
    min_actor_holder: int = 40
    max_near_duplicate_share: float = 0.02


@dataclass
class CheckReport:
    """What a corpus check found: counts for the table and the problems that fail it."""

    n_records: int = 0
    n_documents: int = 0
    label_counts: dict[str, Counter[str]] = field(default_factory=dict)
    target_stance: Counter[tuple[str, str]] = field(default_factory=Counter)
    exact_duplicates: int = 0
    near_duplicate_share: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the corpus passed."""
        return not self.problems


def _normalise(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def near_duplicate_share(texts: Sequence[str], threshold: float = NEAR_DUPLICATE_COSINE) -> tuple[float, list[int]]:
    """Share of texts whose nearest other text has cosine >= ``threshold`` on word TF-IDF.

    Returns the share and the indices of those texts. TF-IDF is fitted on the texts themselves.
    """
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(texts) < 2:
        return 0.0, []
    matrix = TfidfVectorizer().fit_transform(texts)
    flagged: list[int] = []
    for start in range(0, matrix.shape[0], 1000):
        block = (matrix[start : start + 1000] @ matrix.T).toarray()
        for offset in range(block.shape[0]):
            block[offset, start + offset] = 0.0
        flagged.extend(int(i) + start for i in np.flatnonzero(block.max(axis=1) >= threshold))
    return len(flagged) / len(texts), flagged


def check_corpus(
    paths: Sequence[str | Path],
    *,
    profile: str = "basic",
    ontology: Ontology | None = None,
    quotas: SeedQuotas | None = None,
    input_format: str | None = None,
) -> CheckReport:
    """Validate a labelled corpus and, with ``profile='seeds'``, the seed coverage quotas.

    Every problem is collected (not only the first), each naming file and line where it has one.
    """
    ontology = ontology if ontology is not None else load_ontology()
    quotas = quotas if quotas is not None else SeedQuotas()
    report = CheckReport(label_counts={name: Counter() for name in DEFAULT_FIELDS})
    records: list[Located] = []
    try:
        for located in iter_records(paths, input_format=input_format, skip_bad=False):
            records.append(located)
    except DataError as error:
        report.problems.append(str(error))
        return report
    seeds = profile == "seeds"
    ids: Counter[str] = Counter()
    docs: dict[str, list[Located]] = defaultdict(list)
    texts: list[str] = []
    valid: list[Located] = []
    for located in records:
        record = located.record
        try:
            labels = validate_labels(located, DEFAULT_FIELDS, ontology)
        except DataError as error:
            report.problems.append(str(error))
            continue
        for name, label in zip(DEFAULT_FIELDS, labels, strict=True):
            report.label_counts[name][label] += 1
        if labels[2] != NONE:
            report.target_stance[(labels[1], labels[2])] += 1
        texts.append(record["text"])
        valid.append(located)
        if seeds:
            missing = [name for name in SEED_FIELDS if not str(record.get(name, "")).strip()]
            if missing:
                report.problems.append(str(DataError("missing or empty", located.source, located.line, missing[0])))
            ids[str(record.get("id"))] += 1
            docs[str(record.get("doc"))].append(located)
            try:
                year = date.fromisoformat(str(record.get("date"))).year
                if not quotas.years[0] <= year <= quotas.years[1]:
                    raise ValueError
            except ValueError:
                report.problems.append(
                    str(
                        DataError(
                            f"date {record.get('date')!r} is not YYYY-MM-DD in {quotas.years[0]}–{quotas.years[1]}",
                            located.source,
                            located.line,
                            "date",
                        )
                    )
                )
    report.n_records = len(texts)
    seen: dict[str, int] = {}
    for index, text in enumerate(texts):
        key = _normalise(text)
        if key in seen:
            report.exact_duplicates += 1
            where = valid[index]
            report.problems.append(str(DataError("same text as an earlier record", where.source, where.line, "text")))
        seen.setdefault(key, index)
    share, _ = near_duplicate_share(texts)
    report.near_duplicate_share = share
    if seeds:
        _check_quotas(report, quotas, ontology, ids, docs)
    return report


def _check_quotas(
    report: CheckReport, quotas: SeedQuotas, ontology: Ontology, ids: Counter[str], docs: dict[str, list[Located]]
) -> None:
    problems = report.problems
    report.n_documents = len(docs)
    problems.extend(f"id {i!r} is used {n} times" for i, n in ids.items() if n > 1)
    low, high = quotas.sentences_per_document
    for doc, members in docs.items():
        if not low <= len(members) <= high:
            problems.append(
                f"{members[0].source}:{members[0].line}: doc {doc!r} has {len(members)} sentences, want {low}–{high}"
            )
        if len({str(m.record.get("date")) for m in members}) > 1:
            problems.append(f"{members[0].source}:{members[0].line}: doc {doc!r} has several dates")
    if report.n_records < quotas.min_records:
        problems.append(f"{report.n_records} records, want at least {quotas.min_records}")
    if len(docs) < quotas.min_documents:
        problems.append(f"{len(docs)} documents, want at least {quotas.min_documents}")
    none_share = report.label_counts["stance"][NONE] / max(report.n_records, 1)
    if none_share < quotas.min_none_share:
        problems.append(f"none is {none_share:.1%} of records, want at least {quotas.min_none_share:.0%}")
    for target in ontology.targets:
        for stance_label, minimum in quotas.min_per_stance:
            count = report.target_stance[(target, stance_label)]
            if count < minimum:
                problems.append(f"{target}: {count} {stance_label}, want at least {minimum}")
    for actor in ontology.listed_actors:
        count = report.label_counts["actor"][actor]
        if count < quotas.min_actor_holder:
            problems.append(f"actor {actor}: holder of {count} records, want at least {quotas.min_actor_holder}")
    if report.near_duplicate_share >= quotas.max_near_duplicate_share:
        problems.append(
            f"near-duplicates (cosine >= {NEAR_DUPLICATE_COSINE}) are {report.near_duplicate_share:.1%} of records, "
            f"want under {quotas.max_near_duplicate_share:.0%}"
        )


def report_rows(report: CheckReport) -> list[tuple[str, Any]]:
    """The counts of a report as (name, value) rows, for a table."""
    rows: list[tuple[str, Any]] = [
        ("records", report.n_records),
        ("documents", report.n_documents or "-"),
        ("none share", f"{report.label_counts['stance'][NONE] / max(report.n_records, 1):.1%}"),
        ("exact duplicates", report.exact_duplicates),
        ("near-duplicate share", f"{report.near_duplicate_share:.2%}"),
    ]
    targets = sorted({t for t, _ in report.target_stance})
    for target in targets:
        counts = ", ".join(f"{s} {report.target_stance[(target, s)]}" for s in ("favor", "against", "neutral"))
        rows.append((f"target {target}", counts))
    for actor, count in report.label_counts["actor"].most_common():
        if actor != NONE:
            rows.append((f"actor {actor}", count))
    return rows
