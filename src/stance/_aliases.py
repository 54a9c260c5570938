"""Find actor mentions in text and resolve them to actor ids, with office dates."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from ._ontology import Official, Ontology, load_ontology


@dataclass(frozen=True)
class Mention:
    """An actor mention: character span, the alias matched and the actor it resolves to."""

    start: int
    end: int
    alias: str
    actor: str


def _fold_table() -> dict[int, str]:
    """Accented Latin letters mapped to their base letter, one character for one."""
    table = {ord(a): b for a, b in zip("łŁøØđĐı", "lLoOdDi", strict=True)}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFKD", chr(code))[0]
        if base != chr(code) and base.isascii() and base.isalpha():
            table[code] = base
    return table


_FOLD = _fold_table()


def fold_accents(text: str) -> str:
    """``text`` with accents dropped from Latin letters ("Vučić" → "Vucic"), same length.

    Keeping the length keeps the character offsets of a match valid in the original text.
    """
    return text.translate(_FOLD)


def _case_variants(alias: str) -> set[str]:
    """The alias as written and with its first letter's case swapped ("The alliance")."""
    first = alias[0]
    return {alias, first.upper() + alias[1:], first.lower() + alias[1:]} if first.isalpha() else {alias}


def _trie_pattern(strings: set[str]) -> str:
    """A regular expression matching any of ``strings``, factored as a trie.

    Python's regex engine tries the branches of an alternation one by one; sharing prefixes
    makes matching hundreds of aliases several times faster than a flat ``a|b|c``.
    """
    trie: dict[str, dict] = {}
    for string in strings:
        node = trie
        for char in string:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            # Prefer the longer alias: the optional group is greedy.
            return f"(?:{body})?"
        return body

    return build(trie)


class AliasTable:
    """Maps surface forms (names, capitals, institutions, officials) to actor ids.

    Parameters
    ----------
    ontology : Ontology, optional
        Where the aliases come from; the ANNOTATION.md default when omitted.

    Notes
    -----
    Matching is case-sensitive except for the first letter, so "US" is not "us" but
    "the Kremlin" is found at the start of a sentence. Longer aliases win over shorter ones.
    An official's name resolves by the date of the text ("Rutte" is the Netherlands before
    2024-07-02 and NATO from 2024-10-01); without a date, to the holder marked ``default``
    or else the most recent one.
    """

    def __init__(self, ontology: Ontology | None = None) -> None:
        self.ontology = ontology if ontology is not None else load_ontology()
        self._fixed: dict[str, str] = {}
        self._dated: dict[str, list[Official]] = defaultdict(list)
        # Surfaces are kept without accents: "Vučić", "Vucic" and "Vučic" are one name.
        for actor, aliases in self.ontology.actor_aliases.items():
            for alias in aliases:
                self._fixed.setdefault(fold_accents(alias), actor)
        for official in self.ontology.officials:
            for surface in {fold_accents(official.name), fold_accents(official.short)}:
                self._dated[surface].append(official)
        # Names that contain an alias but name no actor ("the Washington Post") match as a
        # whole, being longer, and resolve to nothing.
        self._blocked = {fold_accents(name) for name in self.ontology.not_actors}
        surfaces = set(self._fixed) | set(self._dated) | self._blocked
        variants = set().union(*(_case_variants(s) for s in surfaces))
        self._regex = re.compile(rf"(?<![\w.-])(?:{_trie_pattern(variants)})(?![\w-])")
        self._lower_lookup = {s.lower(): s for s in surfaces}

    def resolve_alias(self, alias: str, when: date | None = None) -> str | None:
        """The actor id that ``alias`` stands for on date ``when`` (``None`` if unknown)."""
        return self._resolve_folded(fold_accents(alias), when)

    def _resolve_folded(self, folded: str, when: date | None) -> str | None:
        surface = self._lower_lookup.get(folded.lower(), folded)
        if surface in self._blocked:
            return None
        holders = self._dated.get(surface)
        if holders:
            if when is not None:
                for official in holders:
                    if official.holds_office_on(when):
                        return official.actor
            defaults = [o for o in holders if o.default]
            if defaults:
                return defaults[0].actor
            return max(holders, key=lambda o: o.start or date.min).actor
        return self._fixed.get(surface)

    def find(self, text: str, when: date | None = None) -> list[Mention]:
        """All actor mentions in ``text``, left to right."""
        return list(self._find(text, when))

    @lru_cache(maxsize=8192)  # noqa: B019 - tables live as long as the process
    def _find(self, text: str, when: date | None) -> tuple[Mention, ...]:
        # The word and the holder features both scan each sentence of a batch: scan it once.
        mentions = []
        for match in self._regex.finditer(fold_accents(text)):
            actor = self._resolve_folded(match.group(0), when)  # the text was folded before matching
            if actor is not None:
                mentions.append(Mention(match.start(), match.end(), text[match.start() : match.end()], actor))
        return tuple(mentions)


_TABLES: dict[tuple[tuple[str, tuple[str, ...]], ...], AliasTable] = {}


def alias_table(extra_aliases: Mapping[str, Sequence[str]] | None = None) -> AliasTable:
    """The default ontology's alias table, plus ``extra_aliases``; built once per process."""
    key = tuple(sorted((actor, tuple(aliases)) for actor, aliases in (extra_aliases or {}).items()))
    if key not in _TABLES:
        ontology = load_ontology()
        if key:
            merged = dict(ontology.actor_aliases)
            for actor, aliases in key:
                merged[actor] = merged.get(actor, ()) + aliases
            ontology = replace(ontology, actor_aliases=merged)
        _TABLES[key] = AliasTable(ontology)
    return _TABLES[key]
