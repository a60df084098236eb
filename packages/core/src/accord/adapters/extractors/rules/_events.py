"""Rules for things the user did: past-tense life events ("I ran a charity race last Saturday").

An event is a plain fact with no attribute key (it supersedes nothing), written with its time in
brackets: "User ran a charity race (last Saturday)". These rules run last, after every rule that
reads a past tense more precisely ("I moved to Berlin", "I left Acme", "I got married").

Precision comes from what the clause must have:

* a first-person past-tense verb that is not on a stoplist of states, thoughts, chat and chores
  ("I was", "I thought", "I said", "I fixed", "I had");
* an object with at least one content word that is neither trivial ("bed", "lunch", "home") nor
  about the conversation or the code at hand ("the bug", "this", "your answer");
* a time ("yesterday", "in May", "two years ago"), unless the verb is itself a milestone
  ("I adopted a dog" and "I climbed Kilimanjaro" need no date to be worth keeping);
* no "to" + verb after a verb that is not a motion ("I started to cry").

Questions, hypotheticals, negations ("I never went") and reported speech never reach here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules._base import DETAIL, LIKELY, Clause, Draft, Rule, compile_rule
from accord.adapters.extractors.rules._cues import is_skill
from accord.adapters.extractors.rules._phrasing import fix_articles, swap_pronouns

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_SEASONS = "summer|winter|spring|fall|autumn"
_PART_OF_DAY = r"(?: (?:morning|afternoon|evening|night))?"
_COUNT = r"(?:a|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of|several|\d{1,2})"
_WHEN = (
    rf"(?:yesterday{_PART_OF_DAY}|last (?:night|week|weekend|month|year|{_SEASONS}|{_DAYS}|{_MONTHS})"
    rf"{_PART_OF_DAY}|this (?:past )?(?:morning|afternoon|week|weekend|month|year|{_SEASONS})"
    r"|earlier (?:today|this (?:week|month|year))|today|the other day|a while ago"
    rf"|over the (?:weekend|holidays|break|{_SEASONS})|on (?:the )?weekend|on {_DAYS}{_PART_OF_DAY}"
    rf"|(?:back )?in (?:(?:early|late|mid) )?(?:{_MONTHS})(?: (?:19|20)\d\d)?|(?:back )?in (?:19|20)\d\d"
    rf"|{_COUNT} (?:days?|weeks?|months?|years?) ago"
    r"|when I was (?:a kid|a child|little|young|a teenager|in (?:college|high school|school|university)|"
    r"\d{1,2}))"
)
# A time at the end of the object, or (when unambiguous) before a trailing "with my sister".
_WHEN_AT_END = re.compile(rf",?\s+(?P<when>{_WHEN}|recently)$", re.I)
_WHEN_INSIDE = re.compile(rf",?\s+(?P<when>{_WHEN})\b,?", re.I)
_EVENT = compile_rule(
    rf"^(?:(?P<lead>{_WHEN}),? )?I (?P<adv>(?:just |recently |finally |actually |also |once |already )*)"
    r"(?P<verb>[a-z]+) (?P<obj>.+)$"
)

_IRREGULAR_PAST = frozenset(
    """went ran took made gave wrote built bought drew flew rode swam sang taught caught won met
    began became spent sold sent held drove hung lost ate drank saw heard fought threw wore""".split()
)
# Past forms that carry no event: states, thoughts, talk, chores, tries and fixes at the keyboard,
# and forms that read as present too ("put", "read").
_STOP_VERBS = frozenset(
    """was were had did got used wanted needed liked loved hated enjoyed preferred thought felt knew
    meant forgot remembered understood realised realized noticed wondered guessed hoped wished
    decided said told asked answered replied mentioned explained tried tested checked fixed changed
    updated added removed deleted installed uninstalled copied pasted called texted emailed messaged
    saw heard left quit moved switched came woke slept ate drank put set let cut hit read found lost
    missed looked seemed showed shared posted clicked typed opened closed saved submitted edited
    renamed printed restarted rebooted reinstalled refreshed reloaded logged signed deployed pushed
    pulled merged committed uploaded downloaded compiled refactored debugged configured implemented
    applied created stopped continued kept paid owed borrowed agreed promised expected planned
    cleaned washed vacuumed tidied cooked walked fed""".split()
)
# Verbs worth keeping without a date: one-off milestones.
_MILESTONES = frozenset(
    """adopted graduated published visited travelled traveled volunteered founded climbed hiked
    competed exhibited donated""".split()
)
_MOTION = frozenset("went ran flew drove rode travelled traveled walked hiked biked cycled sailed".split())
_FUNCTION_WORDS = (
    lex.DETERMINERS
    | lex.PHRASE_STOPS
    | frozenset(
        """me him us them myself ourselves out up off down back around about into onto through
        over under some much many lot lots bit couple few first""".split()
    )
)
_TRIVIAL = frozenset(
    """bed home work school sleep nap lunch dinner breakfast brunch supper snack snacks coffee tea
    drink drinks shower bath toilet bathroom store shop shops supermarket groceries grocery walk break
    rest look try shot chance time minute minutes second seconds hour hours day days night week
    weeks call calls meeting meetings email emails message messages text texts bus train outside
    inside upstairs downstairs early late online offline mistake mistakes thing things way someone
    somebody somewhere people everyone gym office class form forms task tasks exercise exercises
    homework assignment quiz survey tv television youtube""".split()
)
# Nouns about the conversation or the code at hand: "I wrote a script yesterday" is a work log.
_CONTEXT_NOUNS = frozenset(
    """code bug bugs test tests function functions file files script scripts error errors issue
    issues config commit commits branch build server query queries command commands package library
    dependency dependencies version notebook cell line lines step steps prompt answer answers
    response question questions suggestion solution link page docs documentation tutorial example
    examples output log logs terminal repo repository pr api endpoint database table column cache
    account password chat conversation app feature method class variable loop result results
    screenshot image pdf""".split()
)
_POINTING = frozenset(
    """it this that these those you your yours here there what which how something anything
    everything nothing stuff""".split()
)
_WORD = re.compile(r"[\w][\w'-]*")


def _is_past(verb: str) -> bool:
    if verb in _IRREGULAR_PAST:
        return True
    return len(verb) > 4 and verb.endswith("ed") and not verb.endswith("eed")


def _content_words(obj: str) -> list[str]:
    words = [w.lower() for w in _WORD.findall(obj)]
    if any(w in _POINTING for w in words):
        return []
    if any(w in _CONTEXT_NOUNS for w in words):
        return []
    return [w for w in words if w not in _FUNCTION_WORDS and w not in _TRIVIAL and not w.isdigit()]


def _event(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    verb = m["verb"].lower()
    if verb in _STOP_VERBS or not _is_past(verb):
        return ()
    obj, when = m["obj"], m["lead"]
    if when is None:
        found = _WHEN_AT_END.search(obj) or _WHEN_INSIDE.search(obj)
        if found is not None:
            when = found["when"]
            obj = " ".join(f"{obj[: found.start()]} {obj[found.end():]}".split()).strip(" ,")
    words = obj.split()
    if not words or len(words) > 12 or (when is None and verb not in _MILESTONES):
        return ()
    # "I started to cry" is no event; "I went to Lisbon" is.
    if words[0].lower() == "to" and verb not in _MOTION:
        return ()
    # Undated, "the" must name something: "I climbed the Matterhorn", not "I visited the page".
    if when is None and words[0].lower() == "the" and len(words) > 1 and not words[1][:1].isupper():
        return ()
    if not _content_words(obj) or _WHEN_INSIDE.search(obj):
        return ()
    adv = m["adv"].lower()
    content = fix_articles(f"User {adv}{verb} {swap_pronouns(obj)}")
    if when:
        content += f" ({_tidy_when(when)})"
    # "Passed HSK 4", "got my brown belt": an event that says how good the user is now.
    category = Category.EXPERTISE if is_skill(content) else Category.FACT
    return (Draft(content, category, DETAIL, confidence=LIKELY),)


def _tidy_when(when: str) -> str:
    """ "Last Saturday" -> "last Saturday", "when I was 10" -> "when they were 10"."""
    when = " ".join(when.split())
    first, _, rest = when.partition(" ")
    if not re.fullmatch(rf"{_MONTHS}|{_DAYS}", first, re.I):
        first = first.lower()
    return swap_pronouns(" ".join(filter(None, (first, rest))))


EVENT_RULES: tuple[Rule, ...] = (Rule("event", _EVENT, _event),)
