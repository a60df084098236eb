"""Rules for what the user wants: standing instructions, preferences, goals and procedures."""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules._cues import category_of
from accord.adapters.extractors.rules._base import (
    ADV,
    PREFERENCE,
    PROCEDURE,
    ROLE,
    Clause,
    Draft,
    Rule,
    compile_rule,
    stated,
)
from accord.adapters.extractors.rules._phrasing import (
    conjugate_predicate,
    is_past_or_modal,
    normalise_value,
    object_words,
    split_list,
    swap_pronouns,
    third_person,
)

from accord.adapters.extractors.rules._goals import GOAL_RULES, deictic as _deictic

PREF = Category.PREFERENCE

# --- standing instructions ---------------------------------------------------------------------

_LANGUAGE = lex.alternation(lex.SPOKEN_LANGUAGES)
_REPLY_VERBS = (
    r"(?:answer|respond|reply|write|talk|speak|communicate|chat|explain things|give (?:me )?(?:answers|"
    r"responses))"
)
_RESPOND_IN = compile_rule(
    rf"^(?:please )?(?:(?:always|only) )?{_REPLY_VERBS}(?: to me)?(?: only| always)? in (?P<lang>{_LANGUAGE})"
    r"(?: only)?$"
    rf"|^I {ADV}(?:want|would like|would prefer|prefer|need) (?:you to )?(?:(?:always|only) )?"
    rf"(?:{_REPLY_VERBS}|answers|responses|replies|everything)(?: to me)? in (?P<lang2>{_LANGUAGE})$"
)
# Only verbs about the shape of a reply: a standing order to *do* something is not a memory.
_SAFE_VERBS = (
    r"answer|respond|reply|write|explain|use|include|format|keep|show|give|add|cite|provide|list|"
    r"summari[sz]e|start|end|put|avoid|mention|ask|double-check|check|comment|label|translate|spell|"
    r"round|convert|assume|address"
)
_STANDING_ORDER = compile_rule(
    rf"^(?:please )?(?P<adv>always|never|do not|don't) (?P<body>(?:{_SAFE_VERBS})\b.*)$"
    rf"|^I {ADV}(?:want|would like|need) you to (?P<adv2>always|never) (?P<body2>(?:{_SAFE_VERBS})\b.*)$"
)
_STANDING_PLAIN = compile_rule(rf"^(?:please )?(?P<body>(?:{_SAFE_VERBS})\b.*)$")


def _respond_in(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    lang = m["lang"] or m["lang2"]
    # How the assistant should answer is a procedure, like every other standing request.
    return (Draft(f"User wants responses in {lang.capitalize()}", Category.PROCEDURE, ROLE, "preferred_language",
                  lang.lower()),)


def _standing(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    adv = (m.groupdict().get("adv") or m.groupdict().get("adv2") or "").lower()
    body = m.groupdict().get("body") or m.groupdict().get("body2") or ""
    if not adv and not clause.standing:  # "use bullet points" alone is a one-off request
        return ()
    if len(body.split()) > 15:
        return ()
    mode = "never" if adv in {"never", "do not", "don't"} else "always"
    body = body[:1].lower() + body[1:]  # "Keep answers short" starts the clause, not a name
    content = f"User wants the assistant to {mode} {swap_pronouns(body)}"
    return (Draft(content, Category.PROCEDURE, PROCEDURE),)


# --- preferences -------------------------------------------------------------------------------

_PREFER = compile_rule(rf"^I {ADV}(?:would |do )?{ADV}prefer (?P<obj>.+)$")
_RATHER = compile_rule(
    rf"^I would {ADV}rather (?P<neg>not )?(?:(?:get|have|see|receive|use|read|hear|be given|go with|"
    r"work with|stick with|stick to) )?(?P<obj>.+)$"
)
_FAVOURITE = compile_rule(
    r"^my (?:all[- ]time |absolute )?(?:favou?rite|fave|fav|preferred|go-to) (?P<noun>[a-z][\w -]{0,30}?) "
    r"(?:is|are) (?P<val>.+)$"
    r"|^(?P<val2>[\w][\w .+#'-]{0,40}?) (?:is|are) (?:one of |among )?my (?:all[- ]time |absolute |very )?"
    r"(?:favou?rite|fave|go-to|preferred)s?(?: (?P<noun2>[a-z][\w -]{0,30}))?$"
)
_LIKES = compile_rule(
    rf"^I {ADV}(?P<verb>love|like|enjoy|adore|hate|dislike|detest|despise|loathe|cannot stand|"
    r"do not like|don't like|do not enjoy|don't enjoy|am (?:a )?(?:big |huge )?fan of|"
    r"am not (?:a )?(?:big )?fan of|am into|am obsessed with|am passionate about|am not into) (?P<obj>.+)$"
)
_NEGATIVE_VERBS = ("hate", "dislike", "detest", "despise", "loathe", "cannot", "do not", "don't", "am not")
_CODE_VERBS = re.compile(
    r"^(?:to )?(?:code|coding|program|programming|write|writing|develop|developing|work|working|build|"
    r"building)(?: in| with)? (?P<x>\S+)$",
    re.I,
)
_SPEAK_VERBS = re.compile(
    r"^(?:to )?(?:speak|speaking|talk|talking|communicate|communicating|chat|chatting)(?: in)? (?P<x>\S+)$",
    re.I,
)
_VAGUE_NOUNS = frozenset("things stuff ones one way kind sort type lot bit".split())
# Words that make a preference a choice between the options on screen, not a lasting taste.
_CHOICE_WORDS = frozenset(
    """option options first second third last former latter previous above below version solution
    approach suggestion alternative one""".split()
)
_PREF_STOPS = re.compile(
    r"\s+(?:over|to|rather than|instead of|than|because|since|when|for|in|on|with|as|but|so|and|or|"
    r"whenever|unless|at)\s+.*$",
    re.I,
)


def _preference_key(obj: str) -> tuple[str, str] | None:
    """The (attribute_key, attribute_value) an "I prefer <obj>" statement supersedes, if any."""
    if m := _CODE_VERBS.match(obj):
        lang = lex.canonical_tech(m["x"])
        return ("preferred_programming_language", lang) if lang in lex.PROGRAMMING_LANGUAGES else None
    if m := _SPEAK_VERBS.match(obj):
        lang = m["x"].lower()
        return ("preferred_language", lang) if lang in lex.SPOKEN_LANGUAGES else None
    head = _PREF_STOPS.sub("", obj)
    words = object_words(head, 4)
    if words is None or words[0].lower() == "to" or words[0].lower().endswith("ing"):
        return None
    if len(words) == 1:
        single = lex.canonical_tech(words[0])
        if single in lex.PROGRAMMING_LANGUAGES:
            return "preferred_programming_language", single
        if single in lex.SPOKEN_LANGUAGES:
            return "preferred_language", single
        return None
    noun = words[-1].lower()
    if noun in _VAGUE_NOUNS or not all(re.fullmatch(r"[\w.+#-]+", w) for w in words):
        return None
    return f"preference:{noun}", normalise_value(" ".join(words[:-1]))


def _is_choice(obj: str) -> bool:
    words = re.findall(r"[\w']+", obj)
    return any(w.lower() in _CHOICE_WORDS or (len(w) == 1 and w.isupper()) for w in words)


def _prefer(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    obj = m["obj"]
    if _deictic(obj) or _is_choice(obj) or len(obj.split()) > 12 or obj.lower() == "not":
        return ()
    if m.groupdict().get("neg"):
        return (stated(clause, PREF, PREFERENCE),)
    found = _preference_key(obj)
    key, value = found if found else (None, None)
    return (stated(clause, PREF, PREFERENCE, key=key, value=value),)


def _favourite(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    noun = (m["noun"] or m["noun2"] or "").strip().lower()
    value_text = m["val"] or m["val2"]
    if _deictic(value_text) or _is_choice(value_text):
        return ()  # "this one is my favorite": one of the options on screen
    words = object_words(value_text, 5)
    if words is None and noun.endswith("s") and m["val"]:
        # "My favorite hobbies are listening to music and playing video games": a list of favourites
        items = [object_words(item, 5) for item in split_list(value_text)]
        if len(items) > 1 and all(items):
            value = ", ".join(normalise_value(" ".join(i)) for i in items if i)
            return (stated(clause, PREF, PREFERENCE - 0.1, key=f"favorite:{noun}", value=value),)
    if words is None:
        return ()
    if m["val2"] and not noun:  # "Horror movies are my favorites": a liking, of nothing narrower
        liked = " ".join(words)
        return (Draft(f"User loves {liked}", PREF, PREFERENCE - 0.1, f"likes:{normalise_value(liked)}", "like"),)
    value = normalise_value(" ".join(words))
    noun = noun.replace("colour", "color").replace("flavour", "flavor")
    tech = lex.canonical_tech(value)
    if noun in {"programming language", "language"} and tech in lex.PROGRAMMING_LANGUAGES:
        key, value = "preferred_programming_language", tech
    elif noun in {"language", "spoken language"} and value in lex.SPOKEN_LANGUAGES:
        key = "preferred_language"
    else:
        key = f"favorite:{noun}"
    if m["val2"]:
        content = f"User's favourite {noun} is {' '.join(words)}"
        return (Draft(content, PREF, PREFERENCE - 0.1, key, value),)
    return (stated(clause, PREF, PREFERENCE - 0.1, key=key, value=value),)


def _likes(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    obj = m["obj"]
    if _deictic(obj) or _is_choice(obj) or len(obj.split()) > 10:
        return ()
    verb = m["verb"].lower()
    negative = verb.startswith(_NEGATIVE_VERBS)
    if items := _liked_items(obj):  # "hiking, climbing and skiing": one memory each
        head = clause.text[: m.start("obj")]
        liking = "dislike" if negative else "like"
        return [Draft(third_person(head + item), PREF, PREFERENCE - 0.05, f"likes:{item_key}", liking)
                for item, item_key in items]
    # The key names the thing only: "mushrooms, the texture is awful" and "mushrooms now" are one
    # attribute, so a later "I love mushrooms now" supersedes "I hate mushrooms".
    words = object_words(_LIKED_TAIL.sub("", _LIKED_END.split(obj, maxsplit=1)[0]), 3)
    key = value = None
    if words and not obj.lower().startswith(("to ", "my ")):
        key, value = f"likes:{normalise_value(' '.join(words))}", "dislike" if negative else "like"
    return (stated(clause, PREF, PREFERENCE - 0.05, key=key, value=value),)


_LIKED_END = re.compile(r"\s*[,;(]|\s+(?:because|cause|but|though|so|since|when)\s", re.I)
_LIKED_TAIL = re.compile(
    r"(?:\s+(?:now|any ?more|these days|nowadays|again|lately|too|a lot|so much|rn|atm|right now|at the moment))+$", re.I
)


def _liked_items(obj: str) -> list[tuple[str, str]] | None:
    """(item, key) for each item of a list of likes, or ``None`` when ``obj`` is not such a list.

    A comma makes a list ("hiking, climbing and skiing"); a bare "and" only joins activities
    ("hiking and skiing"), since "fish and chips" or "rice and beans" is one dish.
    """
    items = split_list(obj)
    if not 2 <= len(items) <= 6:
        return None
    if "," not in obj and not all(re.fullmatch(r"[a-z]{3,}ing", i, re.I) for i in items):
        return None
    found = []
    for item in items:
        words = object_words(_LIKED_TAIL.sub("", item), 3)
        if words is None or item.lower().startswith(("to ", "my ", "who ", "what ", "which ", "it ", "you ")):
            return None  # "mushrooms now, who knew": a remark, not a second item
        found.append((item, normalise_value(" ".join(words))))
    return found


# --- procedures --------------------------------------------------------------------------------

_WHEN = compile_rule(
    r"^(?P<conj>when|whenever|before|after|every time|each time) I (?P<cond>[^,]{2,80}?),? "
    r"I (?P<act>.+)$"
)
_HABIT = compile_rule(
    r"^I (?P<adv>always|usually|typically|normally|generally|regularly|routinely|tend to|never|often|"
    r"habitually) (?P<act>.+)$"
)
_WORKFLOW = compile_rule(
    r"^my (?:(?:usual|typical|normal|daily|weekly|morning|evening|standard|preferred|default|current|"
    r"coding|writing|work|dev|development|deploy|deployment|release|review|testing) )*"
    r"(?P<noun>workflow|process|routine|approach|procedure|method|ritual|rule of thumb)"
    r"(?: for (?P<topic>[^:]{1,40}?))?(?: is| goes)?:? (?P<steps>.+)$"
)
_NOT_HABITS = frozenset(
    """love like hate prefer want think feel forget wonder know mean am be was have get say wish""".split()
)


def _is_habit_verb(word: str) -> bool:
    lower = word.lower()
    return lower not in _NOT_HABITS and not is_past_or_modal(lower)


_WORK_VERBS = frozenset(
    """write draft edit code program test deploy commit review plan organise organize outline sketch back
    document debug refactor prototype schedule batch prep prepare track log file journal read study
    research check start begin use""".split()
)
_HABIT_ADVERBS = frozenset("always usually typically normally generally first then also just still".split())
_THEY_FORMS = {"am": "are", "was": "were"}


def _as_they(predicate: str) -> str:
    """ "am stressed" -> "are stressed", so it reads after "they"."""
    first, _, rest = predicate.partition(" ")
    return swap_pronouns(" ".join(filter(None, (_THEY_FORMS.get(first.lower(), first), rest))))


def _when(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    act, cond = m["act"], m["cond"]
    first_verb = next((w for w in act.split() if w.lower() not in _HABIT_ADVERBS), "")
    if not _is_habit_verb(first_verb) or is_past_or_modal(cond.split()[0]) or _deictic(act):
        return ()
    content = f"User {swap_pronouns(conjugate_predicate(act))} {m['conj'].lower()} they {_as_they(cond)}"
    return (Draft(content, Category.PROCEDURE, PROCEDURE),)


def _habit(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    act_words = m["act"].split()
    verb = act_words[0]
    if not _is_habit_verb(verb) or _deictic(m["act"]) or len(act_words) > 20:
        return ()
    # A way of working is a procedure; "I usually fall asleep around 2am" is a fact about the user.
    category = Category.PROCEDURE if verb.lower() in _WORK_VERBS else category_of(clause.text, Category.FACT)
    return (stated(clause, category, PROCEDURE),)


def _workflow(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    steps = m["steps"]
    if len(steps.split()) > 30 or _deictic(steps):
        return ()
    topic = f" for {swap_pronouns(m['topic'])}" if m["topic"] else ""
    content = f"User's {m['noun'].lower()}{topic}: {swap_pronouns(steps)}"
    return (Draft(content, Category.PROCEDURE, PROCEDURE),)


PERSONAL_RULES: tuple[Rule, ...] = (
    Rule("response_language", _RESPOND_IN, _respond_in),
    Rule("standing_order", _STANDING_ORDER, _standing),
    Rule("standing_order", _STANDING_PLAIN, _standing),
    *GOAL_RULES,
    Rule("procedure", _WORKFLOW, _workflow),
    Rule("procedure", _WHEN, _when),
    Rule("favourite", _FAVOURITE, _favourite),
    Rule("preference", _PREFER, _prefer),
    Rule("preference", _RATHER, _prefer),
    Rule("likes", _LIKES, _likes),
    Rule("procedure", _HABIT, _habit),
)
