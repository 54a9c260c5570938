"""Text features that know who speaks: actor normalisation, holder roles and direction cues.

Two scikit-learn transformers turn raw sentences into strings for a vectorizer:

- :class:`ActorNormalizer` replaces every actor mention (name, capital, institution,
  official) by a token of its actor id, so that "Peskov said" and "the Kremlin said" read alike
  and officials the model never saw resolve through the alias table;
- :class:`HolderFeatures` describes the sentence's structure as tokens: who speaks ("X said",
  "according to X"), whose position is reported ("X accused Y of"), who is the subject, and
  the direction cues (position verbs, negation in front of them, conditions).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._aliases import AliasTable, Mention, alias_table

_WORD = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")

REPORTING_VERBS = frozenset(
    """said says say told tells added adds stated states announced announces declared declares
    insisted insists argued argues claimed claims warned warns wrote writes noted notes
    stressed stresses reiterated reiterates urged urges asserted asserts acknowledged
    acknowledges conceded concedes confirmed confirms replied replies responded responds
    tweeted posted explained explains signalled signaled signals indicated indicates
    suggested suggests hinted hints countered counters maintained maintains repeated
    emphasised emphasized underlined vowed vows pledged pledges promised promises
    accused accuses charged alleged alleges complained complains retorted
    reported reports quoted""".split()
)
FAVOR_CUES = frozenset(
    """support supports supported supporting back backs backed backing welcome welcomes
    welcomed welcoming endorse endorses endorsed approve approves approved approval ratify
    ratifies ratified ratification pledge pledges pledged deliver delivers delivered
    delivery deliveries sign signs signed urge urges urged favour favor favours favors
    favoured favored agree agrees agreed embrace embraced champion championed advocate
    advocated push pushed pushing demand demands demanded praise praised hail hailed
    green-light green-lit greenlit lift lifted unblock unblocked admit admitted join
    joining send sends sent supply supplies supplied provide provides provided committed
    commit commits expand extended extend adopt adopts adopted impose imposes imposed
    tighten tightened seek seeks seeking sought apply applies applied applying application
    bid aspire aspires aspiration aspirations""".split()
)
AGAINST_CUES = frozenset(
    """oppose opposes opposed opposing opposition reject rejects rejected rejecting
    rejection veto vetoes vetoed vetoing block blocks blocked blocking stall stalls
    stalled condemn condemns condemned condemnation denounce denounces denounced slam
    slams slammed refuse refuses refused refusal dismiss dismisses dismissed criticise
    criticize criticised criticized warn warned halt halts halted suspend suspended
    freeze froze resist resisted obstruct obstructed delay delayed delaying undermine
    provocation provocative illegitimate illegal unacceptable threat threatens
    threatened scrap scrapped withdraw withdrew withdrawal abandon abandoned quit
    ease eased lift-sanctions""".split()
)
NEGATIONS = frozenset(
    "not n't no never neither nor without cannot can't won't wouldn't didn't doesn't don't isn't hasn't haven't".split()
)
NEGATION_PHRASES = (
    "no longer",
    "yet to",
    "stopped short of",
    "far from",
    "rule out",
    "ruled out",
    "rules out",
)
CONDITION_CUES = {
    "if": "if",
    "unless": "unless",
    "until": "until",
    "provided": "provided",
    "once": "once",
    "condition": "condition",
    "conditions": "condition",
    "conditional": "condition",
    "premature": "premature",
    "prerequisite": "condition",
    "only": "only",
}
NEUTRAL_CUES = frozenset(
    """abstain abstains abstained abstention neutral neutrality premature review
    undecided options study studying consider considering distant""".split()
)
_ROLE_TITLES = frozenset(
    """president prime minister foreign defence defense spokesman spokeswoman spokesperson
    secretary chancellor chief head leader envoy ambassador official officials ministry
    counterpart general""".split()
)


_CLAUSE_MARKS = frozenset({",", '"', "“", "”", ";", ":", "—", "–"})
# Words that open an adverbial or subordinate clause put before the main clause ("Since the
# invasion, Ukraine has ..."): the main clause's subject comes after its comma.
_FRONTING = frozenset(
    """since after before earlier later despite following in on at during while as when with
    amid amidst faced speaking asked last this over under for once although though having
    unlike like by until without within ahead throughout given days weeks months hours
    shortly separately meanwhile instead still yet""".split()
)
_AIMS = frozenset(
    """wanted wants sought seeks hoped hopes tried tries trying aimed aims intended attempt
    attempts attempted bet gamble gambled calculated plan plans planned expected""".split()
)
_FAILURES = frozenset(
    """failed fail fails failing backfired backfire doomed vain miscalculated miscalculation
    opposite wrong futile""".split()
)
# Words that name a target, matched from a word's start ("aid" is not in "said"). A sentence
# without any, once its holders are set aside, states no position of its own (ANNOTATION.md
# rule 4: it leans on its context or is none).
_TARGET_WORD_PATTERNS: Mapping[str, str] = {
    "nato_enlargement": r"nato|alliance|membership|members?\b|accession|join|bloc\b|open door|neutral",
    "ukraine_sovereignty": (
        r"sovereign|territor|invasion|invade|annex|occup|integrity|aggression|solidarity|crimea"
        r"|stand(?:s|ing)? (?:by|with|behind)|stood (?:by|with|behind)|side by side|at (?:its|their|\w+'s) side"
        r"|as long as it takes|unwavering"
    ),
    "aid_to_ukraine": (
        r"aid\b|weapon|arms\b|missile|tanks?\b|jets?\b|ammunition|shells?\b|package|military|deliver|suppl|troops|forces?\b"
    ),
    "sanctions_russia": r"sanction|embargo|price cap|swift\b|assets?\b|freez|tariff|oil\b",
    "ukraine_peace_talks": r"talks|negotiat|ceasefire|cease-fire|truce|peace|settlement|deal\b|summit|plan\b",
    "eu_enlargement": r"european union|eu\b|membership|candida|accession|enlargement|join",
    "taiwan_independence": r"taiwan|taipei|strait|reunification|independence",
    "iran_nuclear_deal": r"nuclear|jcpoa|enrichment|snapback|deal\b",
    "gaza_ceasefire": r"gaza|ceasefire|cease-fire|truce|hostage|hamas",
}
TARGET_WORDS: Mapping[str, re.Pattern[str]] = {
    target: re.compile(rf"\b(?:{pattern})", re.IGNORECASE) for target, pattern in _TARGET_WORD_PATTERNS.items()
}
# Words that make a mention of a bloc the object of membership ("joining NATO", "Kyiv's EU
# bid", "into the alliance"): rule 10 takes that most specific target over aid or sovereignty.
_MEMBERSHIP = frozenset(
    """join joins joined joining into membership member accession accede bid admit admitted
    admission entry enlargement expansion expand expanding eastward door candidate candidacy
    application apply applied""".split()
)
_BLOCS = {"NATO": "nato", "European Union": "european_union"}
_SECOND_CLAUSE = frozenset({"but", "while", "whereas", "although", "though", "yet"})
# Objects that are themselves harms or reversals: a cue acting on one flips its direction
# ("condemned the annexation" favours sovereignty, "welcomed the withdrawal" opposes the deal).
_HARMS = frozenset(
    """invasion invade invaded aggression annexation annex annexed occupation occupy war
    attack attacks attacked offensive bombardment bombing strikes shelling withdrawal
    withdraw withdrew pullout pull exit veto vetoes blockade obstruction referendum
    referendums referenda violation violations breach breaches provocation escalation
    killing killings atrocities crimes massacre""".split()
)
_PRONOUNS = frozenset({"he", "she", "they", "we", "i"})
# "NATO pledged to stand by Ukraine", "Berlin promised Kyiv tanks": the speaker commits itself;
# an actor after the verb is the beneficiary, not a holder whose position is reported.
_COMMITMENTS = frozenset("vowed vows pledged pledges promised promises".split())


def actor_token(actor: str) -> str:
    """The token that stands for ``actor`` in normalised text (``actor_united_states``)."""
    return "actor_" + re.sub(r"\W+", "_", actor.lower()).strip("_")


def _as_texts(X: Any) -> list[str]:
    if isinstance(X, str):
        raise ValueError("expected a sequence of texts, got a single string")
    texts = list(X.ravel() if isinstance(X, np.ndarray) else X)
    for text in texts:
        if not isinstance(text, str):
            raise ValueError(f"expected texts (str), got {type(text).__name__}")
    return texts


class _TextTransformer(TransformerMixin, BaseEstimator):
    """Stateless text-to-text transformer that resolves actor aliases.

    Parameters
    ----------
    extra_aliases : mapping of str to list of str, optional
        Aliases added to the default ontology's table, by actor id (plain data, so that the
        fitted transformer pickles and serialises with skops).
    generic : bool
        Mark that an actor is mentioned, but not which one: for the target and stance, which
        should not depend on who holds the position.
    """

    def __init__(self, extra_aliases: Mapping[str, Sequence[str]] | None = None, generic: bool = False) -> None:
        self.extra_aliases = extra_aliases
        self.generic = generic

    def fit(self, X: Iterable[str], y: Any = None) -> _TextTransformer:
        """Check the input; nothing is learnt."""
        _as_texts(X)
        self.n_features_in_ = 1
        return self

    def transform(self, X: Iterable[str]) -> list[str]:
        """Transform each text; see the class docstring."""
        check_is_fitted(self, "n_features_in_")
        table = alias_table(self.extra_aliases)
        return [self._one(text, table) for text in _as_texts(X)]

    def _one(self, text: str, table: AliasTable) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags


class ActorNormalizer(_TextTransformer):
    """Replace actor mentions by actor tokens ("the Kremlin said" → "actor_russia said").

    Parameters
    ----------
    extra_aliases : mapping of str to list of str, optional
        Aliases added to the default table, by actor id.
    """

    def _one(self, text: str, table: AliasTable) -> str:
        mentions = table.find(text)
        if not mentions:
            return text
        parts, last = [], 0
        for mention in mentions:
            parts.append(text[last : mention.start])
            parts.append(" actor_any " if getattr(self, "generic", False) else f" {actor_token(mention.actor)} ")
            last = mention.end
        parts.append(text[last:])
        return "".join(parts)


def _tokens_with_actors(text: str, mentions: Sequence[Mention]) -> list[tuple[str, str | None]]:
    """Word tokens of ``text``, each mention collapsed into one token tagged with its actor."""
    tokens: list[tuple[str, str | None]] = []
    last = 0
    for mention in mentions:
        tokens.extend((w.lower(), None) for w in _WORD.findall(text[last : mention.start]))
        tokens.append((actor_token(mention.actor), mention.actor))
        last = mention.end
    tokens.extend((w.lower(), None) for w in _WORD.findall(text[last:]))
    return tokens


def _slug(actor: str) -> str:
    return actor_token(actor)[len("actor_") :]


def _main_clause_start(words: Sequence[str]) -> int:
    """Index of the main clause's first word when a fronted clause ends at a comma, else 0."""
    if not words or words[0] not in _FRONTING:
        return 0
    for i, word in enumerate(words[:16]):
        if word == ",":
            return i + 1
    return 0


def _cue_object(words: Sequence[str], at: int) -> str | None:
    """What the direction cue at ``at`` acts on, within its clause: a harm, or another cue."""
    for word in words[at + 1 : at + 5]:
        if word in _CLAUSE_MARKS:
            return None
        if word in _HARMS:
            return "harm"
        if word in FAVOR_CUES:
            return "pos"
        if word in AGAINST_CUES:
            return "neg"
    return None


def _find_speaker(words: Sequence[str], actors: Sequence[tuple[int, str]]) -> tuple[str | None, int, int]:
    """The speaker of the first reporting verb that has one: (actor, its index, the verb's index).

    The actor is ``"pronoun"`` for "He said …", whose holder only the article tells; without
    a speaker, ``(None, -1, -1)``.
    """
    for i, word in enumerate(words):
        if word in REPORTING_VERBS:
            # The speaker stands between the verb and the nearest comma or quote before it
            # ("Kyiv will not cede Crimea to Moscow, the president's office said").
            stop = max((j for j in range(max(0, i - 8), i) if words[j] in _CLAUSE_MARKS), default=i - 9)
            left = [(j, a) for j, a in actors if max(i - 8, stop) < j < i]
            right = [(j, a) for j, a in actors if i < j <= i + 4]
            if left:
                return left[-1][1], left[-1][0], i
            if right and (i >= len(words) - 8 or words[i - 1] in {",", "”", '"', "'"}):
                return right[0][1], right[0][0], i
            if i > 0 and words[i - 1] in _PRONOUNS:
                return "pronoun", i - 1, i
        if word == "according" and i + 1 < len(words) and words[i + 1] == "to":
            right = [(j, a) for j, a in actors if i + 1 < j <= i + 6]
            if right:
                return right[0][1], right[0][0], i
    return None, -1, -1


def _in_second_clause(words: Sequence[str], at: int) -> bool:
    """Whether the word at ``at`` follows "but", "while" … inside the sentence's first clause."""
    return at > 2 and any(w in _SECOND_CLAUSE for w in words[2:at]) and words[at - 1] not in _CLAUSE_MARKS


def _main_subject(actors: Sequence[tuple[int, str]], main: int) -> tuple[int, str] | None:
    """The actor opening the main clause that starts at word ``main`` (within its first words)."""
    return next(((j, a) for j, a in actors if main <= j <= main + 5), None)


def main_holder(text: str, mentions: Sequence[Mention]) -> str | None:
    """The actor whose own position the sentence states, when its wording names one.

    The speaker of the main clause ("Mexico's president said …"), else the main clause's
    subject ("Argentina has refused …"); ``None`` for a pronoun or no actor (rule 1).
    """
    tokens = _tokens_with_actors(text, mentions)
    words = [w for w, _ in tokens]
    actors = [(i, a) for i, (_, a) in enumerate(tokens) if a is not None]
    speaker, speaker_at, _ = _find_speaker(words, actors)
    if speaker is not None and not _in_second_clause(words, speaker_at):
        return None if speaker == "pronoun" else speaker
    main = _main_clause_start(words)
    subject = _main_subject(actors, main)
    if subject is None or words[main] in _PRONOUNS:
        return None
    return subject[1]


def holder_tokens(text: str, mentions: Sequence[Mention], generic: bool = False) -> list[str]:
    """Feature tokens describing who speaks, whose position is reported, and its direction.

    With ``generic``, the roles are kept but not which actor fills them (``speaker=any``).
    """
    if generic:
        mentions = [Mention(m.start, m.end, m.alias, "any") for m in mentions]
    tokens = _tokens_with_actors(text, mentions)
    words = [w for w, _ in tokens]
    actors = [(i, a) for i, (_, a) in enumerate(tokens) if a is not None]
    mention_text = {i: m.alias for (i, _), m in zip(actors, mentions, strict=True)}
    feats: list[str] = []
    main = _main_clause_start(words)
    subject = _main_subject(actors, main)
    subject_at = subject[0] if subject else -1
    if main:
        feats.append("fronted")
    if not actors:
        feats.append("no_actor")
    else:
        # A fronted clause ("Since Moscow's invasion, Ukraine has ...") does not hold the record.
        first = next((a for j, a in actors if j >= main), actors[0][1])
        feats.append(f"first={_slug(first)}")
        if subject and words[main] not in _PRONOUNS:  # "He said Putin …": the subject is "he"
            feats.append(f"subj={_slug(subject[1])}")
        feats.append(f"n_actors={min(len({a for _, a in actors}), 3)}")
    for _, actor in actors:
        feats.append(f"m={_slug(actor)}")
    speaker, speaker_at, speaker_verb = _find_speaker(words, actors)
    if speaker is not None and words[speaker_verb] in REPORTING_VERBS:
        feats.append(f"verb={words[speaker_verb]}")
    if speaker is not None and _in_second_clause(words, speaker_at):
        # "Ukraine seeks A, but Western diplomats say B": the first main clause is the record.
        feats.append(f"clause2_speaker={_slug(speaker)}")
        feats.append("no_speaker")
    elif speaker is not None:
        feats.append(f"speaker={_slug(speaker)}")
        reported = [a for j, a in actors if j > speaker_verb and a != speaker]
        if reported and speaker_verb < len(words) - 6 and words[speaker_verb] not in _COMMITMENTS:
            feats.append(f"reported={_slug(reported[0])}")
        if speaker_verb >= len(words) - 8:
            feats.append("trailing_attribution")
    else:
        feats.append("no_speaker")
    for i, word in enumerate(words):
        if word in {"accused", "accuses", "accusing", "blamed", "blames"}:
            after = [a for j, a in actors if i < j <= i + 3]
            if after:
                feats.append(f"accused={_slug(after[0])}")
        if word in {"'s", "’s"} and i > 0 and tokens[i - 1][1] is not None:
            feats.append(f"poss={_slug(tokens[i - 1][1])}")  # type: ignore[arg-type]
    lowered = " ".join(words)
    negated_at = {i for i, w in enumerate(words) if w in NEGATIONS}
    for phrase in NEGATION_PHRASES:
        if phrase in lowered:
            feats.append("neg_" + phrase.replace(" ", "_"))
    # Cues after "…, but"/"while"/"whereas" belong to a second clause, which is not the record
    # when the first holds a position (rule 1): mark them apart.
    second = next((i for i in range(3, len(words)) if words[i] in _SECOND_CLAUSE), len(words))
    # "Putin wanted to divide the alliance but failed": the cues of an aim that the sentence
    # dismisses speak for the opposite side (rule 1, the speaker's own position).
    aim = next((i for i, w in enumerate(words) if w in _AIMS), len(words))
    failed = next((i for i in range(aim + 1, len(words)) if words[i] in _FAILURES), None)
    dismissed = range(aim + 1, failed) if failed is not None else range(0)
    if failed is not None:
        feats.append("dismissed_aim")
    for i, word in enumerate(words):
        where = "dismissed_" if i in dismissed else "c2_" if i > second else ""
        polarity = "pos" if word in FAVOR_CUES else "neg" if word in AGAINST_CUES else None
        if polarity is not None:
            negated = any(i - 4 <= j < i for j in negated_at) or "no longer" in " ".join(words[max(0, i - 3) : i])
            feats.append(f"{where}pol={'negated_' if negated else ''}{polarity}")
            acted_on = _cue_object(words, i)
            if acted_on is not None:
                feats.append(f"{where}acts={polarity}_on_{acted_on}")
        if word in CONDITION_CUES:
            feats.append(f"{where}cond={CONDITION_CUES[word]}")
        if word in NEUTRAL_CUES:
            feats.append(f"{where}neutral_cue={word}")
    holders = {speaker_at, subject_at}
    for i, actor in actors:
        if actor in _BLOCS and i not in holders and any(w in _MEMBERSHIP for w in words[max(0, i - 3) : i + 3]):
            feats.append(f"joins={_BLOCS[actor]}")
    # Target words outside the holder's own mention: "NATO said" names no target, "join NATO" does.
    rest = " ".join(mention_text.get(i, w) for i, w in enumerate(words) if i not in holders)
    named = [target for target, words_rx in TARGET_WORDS.items() if words_rx.search(rest)]
    feats.extend(f"names={target}" for target in named)
    if not named:
        feats.append("names_no_target")
    if '"' in text or "“" in text or "”" in text:
        feats.append("has_quote")
    if text.rstrip().endswith("?"):
        feats.append("question")
    return feats


class HolderFeatures(_TextTransformer):
    """Describe each sentence's holder structure and direction cues as a string of tokens.

    The output feeds a vectorizer with ``token_pattern=r"\\S+"``: tokens such as
    ``speaker=russia``, ``reported=nato``, ``accused=north_korea``, ``pol=negated_neg`` or
    ``cond=until`` let a linear model learn who holds the position (ANNOTATION.md rule 1)
    rather than who is mentioned, and read "no longer opposes" as a favour.

    Parameters
    ----------
    extra_aliases : mapping of str to list of str, optional
        Aliases added to the default table, by actor id.
    """

    def _one(self, text: str, table: AliasTable) -> str:
        return " ".join(holder_tokens(text, table.find(text), getattr(self, "generic", False)))
