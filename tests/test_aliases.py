"""The alias table: names, capitals, institutions and officials by office dates."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from stance import AliasTable, load_ontology


@pytest.fixture(scope="module")
def table() -> AliasTable:
    return AliasTable()


@pytest.mark.parametrize(
    ("alias", "day", "actor"),
    [
        ("Stoltenberg", date(2023, 4, 20), "NATO"),
        ("Rutte", date(2020, 1, 1), "Netherlands"),
        ("Rutte", date(2025, 6, 1), "NATO"),
        ("Tusk", date(2017, 3, 9), "European Union"),
        ("Tusk", date(2024, 2, 1), "Poland"),
        ("Cameron", date(2015, 5, 1), "United Kingdom"),
        ("Lai", date(2024, 6, 1), "Taiwan"),
        ("the Kremlin", None, "Russia"),
        ("Ankara", None, "Turkey"),
        ("Brussels", None, "European Union"),
    ],
)
def test_aliases_resolve_by_date(table: AliasTable, alias: str, day: date | None, actor: str) -> None:
    assert table.resolve_alias(alias, day) == actor


def test_without_a_date_an_official_resolves_to_the_holder_most_often_meant(table: AliasTable) -> None:
    assert table.resolve_alias("Rutte") == "NATO"
    assert table.resolve_alias("Tusk") == "Poland"


def test_mentions_are_found_left_to_right_longest_first(table: AliasTable) -> None:
    found = table.find("The Kremlin said the alliance and the European Commission were wrong, not us.")
    assert [(m.alias, m.actor) for m in found] == [
        ("The Kremlin", "Russia"),
        ("the alliance", "NATO"),
        ("European Commission", "European Union"),
    ]


def test_case_matters_beyond_the_first_letter(table: AliasTable) -> None:
    assert table.find("Let us go") == []
    assert [m.actor for m in table.find("US officials said")] == ["United States"]


def test_users_add_actors_and_targets_without_touching_code(tmp_path: Path) -> None:
    extra = tmp_path / "extra.json"
    extra.write_text(
        json.dumps(
            {
                "targets": {"arctic_council": "the Arctic Council should resume work"},
                "actors": {
                    "Norway": {
                        "aliases": ["Norway", "Oslo"],
                        "officials": [{"name": "Jonas Gahr Store", "short": "Store"}],
                    }
                },
            }
        )
    )
    ontology = load_ontology([extra])
    assert "arctic_council" in ontology.targets
    assert "nato_enlargement" in ontology.targets
    assert [m.actor for m in AliasTable(ontology).find("Oslo and Store agreed")] == ["Norway", "Norway"]


def test_names_that_contain_an_alias_but_name_no_actor_are_skipped(table: AliasTable) -> None:
    found = table.find("The Washington Post reported that Washington backed the bid.")
    assert [(m.alias, m.actor) for m in found] == [("Washington", "United States")]


def test_accents_do_not_hide_a_name_and_offsets_point_into_the_original(table: AliasTable) -> None:
    text = "Serbian President Aleksandar Vučić met Recep Tayyip Erdoğan in Türkiye."
    found = table.find(text)
    assert [(m.alias, m.actor) for m in found] == [
        ("Serbian", "Serbia"),
        ("Aleksandar Vučić", "Serbia"),
        ("Recep Tayyip Erdoğan", "Turkey"),
        ("Türkiye", "Turkey"),
    ]
    assert all(text[m.start : m.end] == m.alias for m in found)
    assert table.resolve_alias("Niinistö", date(2020, 1, 1)) == "Finland"


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Mexican President Andrés Manuel López Obrador said", "Mexico"),
        ("Sofia has raised objections", "Bulgaria"),
        ("El-Sisi, posting on X, welcomed the deal", "Egypt"),
        ("The UAE abstained", "United Arab Emirates"),
        ("Jakarta said", "Indonesia"),
    ],
)
def test_states_beyond_the_guide_table_are_known(table: AliasTable, text: str, actor: str) -> None:
    assert table.find(text)[0].actor == actor


@pytest.mark.parametrize(
    "text",
    [
        "The Copenhagen criteria apply to every candidate.",
        "Leaders met at the Vilnius summit.",
        "Talks in Vienna resumed.",
    ],
)
def test_a_venue_or_a_treaty_named_after_a_capital_is_no_actor(table: AliasTable, text: str) -> None:
    assert table.find(text) == []
