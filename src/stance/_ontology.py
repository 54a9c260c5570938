"""The labels of ANNOTATION.md as data: targets, stances and actors with their aliases.

The default ontology ships in ``stance/data/ontology.json``. Users extend it without touching
code by passing further JSON files of the same shape: their targets, stances and actors are
added to (or override) the defaults.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ._errors import DataError

#: The fields a model predicts by default, in this order.
DEFAULT_FIELDS: tuple[str, ...] = ("actor", "target", "stance")
#: The label meaning "no position" in every field.
NONE = "none"


@dataclass(frozen=True)
class Official:
    """A person who speaks for an actor, optionally only between two dates."""

    name: str
    short: str
    actor: str
    start: date | None = None
    end: date | None = None
    default: bool = False

    def holds_office_on(self, day: date) -> bool:
        """Whether the person held the office on ``day`` (start inclusive, end exclusive)."""
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Ontology:
    """Targets and stances (closed sets) and actors (open, with aliases and officials)."""

    guide_version: str
    targets: Mapping[str, str]
    stances: Mapping[str, str]
    actor_aliases: Mapping[str, tuple[str, ...]]
    officials: tuple[Official, ...] = field(default=())
    listed_actors: tuple[str, ...] = field(default=())
    not_actors: tuple[str, ...] = field(default=())

    @property
    def actors(self) -> tuple[str, ...]:
        """Every actor the alias table knows (other actors are allowed as labels too).

        ``listed_actors`` are the ids of ANNOTATION.md's actor table, which the seed quotas
        and the "listed" accuracy use.
        """
        return tuple(self.actor_aliases)

    def closed_labels(self, field_name: str) -> frozenset[str] | None:
        """The allowed labels of a field, or ``None`` when the field is open."""
        if field_name == "target":
            return frozenset(self.targets) | {NONE}
        if field_name == "stance":
            return frozenset(self.stances)
        return None


def _parse_date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise DataError(f"not a YYYY-MM-DD date: {value!r}", where, field="from/to") from exc


def _read_json(path: str | Path | None) -> dict[str, Any]:
    if path is None:
        text = resources.files("stance").joinpath("data/ontology.json").read_text(encoding="utf-8")
        where = "stance/data/ontology.json"
    else:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise DataError(f"cannot read ontology: {exc.strerror}", where) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"not valid JSON: {exc.msg}", where, exc.lineno) from exc
    if not isinstance(data, dict):
        raise DataError("an ontology file must hold one JSON object", where)
    data["_where"] = where
    return data


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key in ("targets", "stances"):
        merged[key] = {**base.get(key, {}), **extra.get(key, {})}
    merged["actors"] = {**base.get("actors", {}), **extra.get("actors", {})}
    merged["not_actors"] = list(base.get("not_actors", [])) + list(extra.get("not_actors", []))
    merged["listed_actors"] = list(base.get("listed_actors", [])) + [
        a for a in extra.get("listed_actors", []) if a not in base.get("listed_actors", [])
    ]
    if "guide_version" in extra:
        merged["guide_version"] = extra["guide_version"]
    return merged


def _build(data: dict[str, Any]) -> Ontology:
    where = data.get("_where", "ontology")
    aliases: dict[str, tuple[str, ...]] = {}
    officials: list[Official] = []
    for actor, spec in data.get("actors", {}).items():
        if not isinstance(spec, dict):
            raise DataError("each actor must be an object with 'aliases'", where, field=actor)
        aliases[actor] = tuple(spec.get("aliases", ()))
        for item in spec.get("officials", ()):
            officials.append(
                Official(
                    name=item["name"],
                    short=item.get("short", item["name"]),
                    actor=actor,
                    start=_parse_date(item.get("from"), where),
                    end=_parse_date(item.get("to"), where),
                    default=bool(item.get("default", False)),
                )
            )
    stances = data.get("stances", {})
    if NONE not in stances:
        raise DataError("the stances must include 'none'", where, field="stances")
    return Ontology(
        guide_version=str(data.get("guide_version", "unknown")),
        targets=dict(data.get("targets", {})),
        stances=dict(stances),
        actor_aliases=aliases,
        officials=tuple(officials),
        listed_actors=tuple(data.get("listed_actors", aliases)),
        not_actors=tuple(data.get("not_actors", ())),
    )


@cache
def _default_ontology() -> Ontology:
    return _build(_read_json(None))


def load_ontology(extra: Iterable[str | Path] = ()) -> Ontology:
    """Load the ANNOTATION.md ontology, extended by the JSON files in ``extra``.

    Parameters
    ----------
    extra : iterable of path
        Files of the same shape as ``stance/data/ontology.json``; their targets, stances and
        actors are added to the defaults (an actor id given again replaces the default entry).

    Returns
    -------
    Ontology
    """
    paths = list(extra)
    if not paths:
        return _default_ontology()
    data = _read_json(None)
    for path in paths:
        data = _merge(data, _read_json(path))
    return _build(data)
