"""How well the user grasps a subject, and how that changes: "Fractions confuse me" then "I
finally understand fractions now".

Both statements land on one key, ``expertise:<topic>``, with the levels ``struggling`` and
``understands``, so the later one supersedes the earlier. People name the subject in two shapes:
as the grammatical subject ("Derivatives make no sense to me", "k8s makes sense to me now") or
as the object ("I don't get derivatives", "I finally get quadratics"). The specific rules in
``_learning`` accept only known study topics; here an unknown subject is accepted when it is a
bare noun phrase (no article, possessive or pronoun: "the menu confuses me" is about a menu,
not a gap in knowledge) and not a health condition or a time of day.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules import _vocab as vocab
from accord.adapters.extractors.rules._base import ADV, SKILL, Clause, Draft, Rule, compile_rule

__all__ = ["GRASP_RULES", "STRUGGLING", "UNDERSTANDS"]

STRUGGLING = "struggling"
UNDERSTANDS = "understands"

_TOPIC = r"(?P<topic>[\w+#.'-]+(?: [\w+#.'-]+){0,2}?)"
_INTENSIFIERS = r"(?:(?:really|totally|totaly|just|still|honestly|completely|kind of|sort of|actually|actualy|finally|now)\s+)*"
_BAFFLED = (
    r"(?:confuses?|confused|baffles?|terrif(?:y|ies)|scares?|frustrates?|makes? no sense|makes? zero sense|"
    r"(?:do|does)(?: not|n't) make sense|(?:is|are) (?:so |really |very )?(?:confusing|hard|difficult) for)"
)
_TAIL = r"(?: (?:at all|anymore|any more|now|again|at last|finally|too|lol|haha|especially .+|even .+))*(?:,.*)?"
_SUBJECT_BAFFLES = compile_rule(rf"^{_TOPIC} {_INTENSIFIERS}{_BAFFLED}(?: to)? me{_TAIL}$")
_SUBJECT_CLEAR = compile_rule(
    rf"^{_TOPIC} {_INTENSIFIERS}(?:(?:makes?|is making|finally makes|started to make) (?:total |complete )?sense"
    rf"(?: to me)?|(?:finally |has |have )*clicked(?: for me)?){_TAIL}$"
)
_I_STRUGGLE = compile_rule(
    rf"^I {ADV}(?:struggle with|(?:do not|don't|cannot|can't|can not) (?:understand|get|figure out|wrap my head around)"
    rf"|am (?:confused|lost) (?:by|about|with)) {_TOPIC}{_TAIL}$"
)
_I_GRASP = compile_rule(
    rf"^I {ADV}(?:(?:kind of |sort of |finally |now |actually )*(?:get|understand|grasp|have got the hang of|"
    rf"got the hang of|have figured out|figured out)) {_TOPIC}{_TAIL}$"
)
_CHANGED = re.compile(r"\b(?:now|finally|at last|these days|clicked|anymore|any more)\b", re.I)
_NOT_TOPICS = frozenset(
    """it this that these those them him her you everything something anything nothing people he she they
    what why how who mornings evenings nights math-wise life work school things stuff""".split()
)
_LEADS = frozenset("the a an my our your his her their this that these those some any".split())


def _topic(text: str) -> str | None:
    words = text.lower().split()
    if not words or words[0] in _LEADS or any(w in _NOT_TOPICS for w in words):
        return None
    topic = lex.canonical_tech(" ".join(words))
    if topic in vocab.CONDITIONS or words[-1] in vocab.MOMENTARY:
        return None
    return topic


def _as_written(topic: str) -> str:
    """The topic for the content: "Fractions" said first in a sentence reads "fractions"."""
    return topic if topic[1:2].isupper() else topic[:1].lower() + topic[1:]


def _draft(topic: str, level: str, content: str) -> Draft:
    return Draft(content, Category.EXPERTISE, SKILL, f"expertise:{topic}", level, 0.85)


def _baffled(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    topic = _topic(m["topic"])
    return () if topic is None else (_draft(topic, STRUGGLING, f"User struggles with {_as_written(m['topic'])}"),)


def _clear(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    topic = _topic(m["topic"])
    return () if topic is None else (_draft(topic, UNDERSTANDS, f"User understands {_as_written(m['topic'])} now"),)


def _grasp(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    # "I get headaches" is not understanding: a plain "get" needs a sign of change ("finally", "now").
    if not _CHANGED.search(clause.text):
        return ()
    return _clear(m, clause)


GRASP_RULES: tuple[Rule, ...] = (
    Rule("grasp", _SUBJECT_BAFFLES, _baffled),
    Rule("grasp", _SUBJECT_CLEAR, _clear),
    Rule("grasp", _I_STRUGGLE, _baffled),
    Rule("grasp", _I_GRASP, _grasp),
)
