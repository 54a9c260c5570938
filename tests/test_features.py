"""Custom transformers follow scikit-learn's contract and describe who holds a position."""

from __future__ import annotations

import pickle

import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks as checks

from stance import ActorNormalizer, HolderFeatures, StanceModel
from stance._aliases import alias_table
from stance._features import main_holder

ESTIMATORS = [ActorNormalizer(), HolderFeatures(), StanceModel()]
# scikit-learn's parametrize_with_checks skips estimators whose input is text (its checks
# generate numeric arrays), so the checks that need no data are run here by name.
DATA_FREE_CHECKS = [
    checks.check_parameters_default_constructible,
    checks.check_no_attributes_set_in_init,
    checks.check_get_params_invariance,
    checks.check_set_params,
    checks.check_estimator_cloneable,
    checks.check_estimator_repr,
    checks.check_do_not_raise_errors_in_init_or_set_params,
]


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("check", DATA_FREE_CHECKS, ids=lambda c: c.__name__)
def test_scikit_learn_contract(estimator, check) -> None:
    check(type(estimator).__name__, clone(estimator))


@pytest.mark.parametrize("estimator", ESTIMATORS[:2], ids=lambda e: type(e).__name__)
def test_transformers_fit_return_self_refuse_use_before_fit_and_pickle(estimator) -> None:
    texts = ["The Kremlin said no.", "Snow fell."]
    with pytest.raises(NotFittedError):
        clone(estimator).transform(texts)
    fitted = clone(estimator)
    assert fitted.fit(texts) is fitted
    assert pickle.loads(pickle.dumps(fitted)).transform(texts) == fitted.transform(texts)
    assert fitted.fit_transform(texts) == fitted.transform(texts)
    with pytest.raises(ValueError, match="single string"):
        fitted.transform("one string")


def tokens(text: str) -> set[str]:
    return set(HolderFeatures().fit([text]).transform([text])[0].split())


def test_mentions_become_actor_tokens() -> None:
    (out,) = ActorNormalizer().fit(["x"]).transform(["Peskov said Kyiv must stay out of the alliance."])
    assert out.split() == ["actor_russia", "said", "actor_ukraine", "must", "stay", "out", "of", "actor_nato", "."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lavrov said NATO wants to encircle Russia.", {"speaker=russia", "reported=nato"}),
        ("Washington accused Pyongyang of sending troops.", {"accused=north_korea"}),
        ("Such a step would be dangerous, the Kremlin said.", {"speaker=russia", "trailing_attribution"}),
        ("According to Ankara, the bid can wait.", {"speaker=turkey"}),
        ("Kyiv will never cede Crimea to Moscow, the president's office said.", {"no_speaker"}),
        ("Berlin no longer opposes the deliveries.", {"neg_no_longer", "pol=negated_neg"}),
        ("Hungary will not ratify until Stockholm acts.", {"cond=until"}),
        ("Prices rose again.", {"no_actor", "no_speaker"}),
        # A fronted clause is skipped: the main clause's subject is the holder's candidate.
        ("After talks in Moscow, Ankara agreed to ratify the bid.", {"fronted", "subj=turkey", "first=turkey"}),
        # A pronoun speaker is resolved from the article, not from the actors it reports.
        ("He said Moscow had failed to divide the allies.", {"speaker=pronoun", "reported=russia"}),
        # In "X does A, but Y says B" the speaker of the second clause holds no record.
        ("Georgia wants to join, but Paris says the bid can wait.", {"clause2_speaker=france", "no_speaker"}),
        ('"We back the bid but not now," the Kremlin said.', {"speaker=russia"}),
        # An aim the sentence dismisses: its cues speak for the other side (rule 1).
        ("Moscow wanted to block the expansion, but it failed.", {"dismissed_aim", "dismissed_pol=neg"}),
        # Cues of a second main clause are marked apart from the first's (rule 1).
        ("Kyiv wants to join the alliance, while Paris says it is premature.", {"pol=pos", "c2_neutral_cue=premature"}),
        # Target words are read outside the holder's own mention ("join NATO" names a target).
        ("Ankara said it would not let Stockholm join NATO.", {"names=nato_enlargement"}),
        ("The talks in Doha resumed, Qatar said.", {"names=ukraine_peace_talks"}),
        # "NATO said" names no target, and "aid" is not read inside "said" (rule 4).
        ("We will say more later, a NATO official said.", {"names_no_target"}),
        # Rule 9: backing Ukraine in general names its sovereignty, not aid.
        ("Tokyo vowed to stand with Kyiv for as long as it takes.", {"names=ukraine_sovereignty"}),
        # A reporting verb still reports what another actor holds (commitments aside, below).
        ("Berlin said Moscow wants a pause in the talks.", {"reported=russia"}),
        # A bloc named as the object of membership (rule 10's most specific target).
        ("Putin sent troops to stop Kyiv drifting into NATO.", {"joins=nato"}),
        ("Moldova's bid to join the European Union moved ahead.", {"joins=european_union"}),
        # What a cue acts on: a cue on another cue, or on a harm, reads the other way.
        ("Buenos Aires has refused to supply weapons to Kyiv.", {"acts=neg_on_pos"}),
        ("The EU condemned Russia's annexation of Crimea.", {"acts=neg_on_harm"}),
        ("Israel welcomed the US withdrawal from the deal.", {"acts=pos_on_harm"}),
    ],
)
def test_holder_and_direction_tokens(text: str, expected: set[str]) -> None:
    assert expected <= tokens(text)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # A commitment names its beneficiary, not a holder whose position is reported.
        ("Berlin pledged to send Kyiv more tanks.", "reported=ukraine"),
        ("Paris promised Chisinau support on its way to the EU.", "reported=moldova"),
        # A holder's own mention is not a target word: "the alliance said" names no target.
        ("Talks will resume next week, the alliance said.", "names=nato_enlargement"),
        # A bloc that speaks is not the object of membership.
        ("NATO said its members would meet in July.", "joins=nato"),
        # A cue acts only within its clause.
        ("Sofia blocked it; the invasion went on.", "acts=neg_on_harm"),
    ],
)
def test_tokens_that_must_not_appear(text: str, absent: str) -> None:
    assert absent not in tokens(text)


@pytest.mark.parametrize(
    ("text", "holder"),
    [
        ("Mexico's president said his government would not impose sanctions.", "Mexico"),
        ("The sanctions will stay, according to Jakarta.", "Indonesia"),
        ("Argentina and Colombia have refused to supply weapons to Kyiv.", "Argentina"),
        ("After talks in Moscow, Ankara agreed to ratify the bid.", "Turkey"),
        # A pronoun's holder is the article's to tell; no actor, no holder.
        ("He said Moscow had failed to divide the allies.", None),
        ("Prices rose again.", None),
        # "X does A, but Y says B": the first clause's subject holds the record.
        ("Georgia wants to join, but Paris says the bid can wait.", "Georgia"),
    ],
)
def test_main_holder_is_the_speaker_else_the_subject(text: str, holder: str | None) -> None:
    assert main_holder(text, alias_table().find(text)) == holder
