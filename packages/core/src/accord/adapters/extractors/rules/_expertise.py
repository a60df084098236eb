"""Rules for what the user knows and how well: expertise with a level per skill.

A list of skills ("I know SQL and Python well") gives one memory per skill, each with its own
``expertise:<skill>`` key, so a later "I'm now an expert in Python" supersedes just that one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules._base import ADV, SKILL, WORK, Builder, Clause, Draft, Rule, compile_rule, stated
from accord.adapters.extractors.rules._phrasing import normalise_value, object_words, split_list, third_person
from accord.adapters.extractors.rules._work import org_value

FACT = Category.FACT
EXPERTISE = Category.EXPERTISE

SKILL_NOUNS = frozenset(
    """math maths mathematics statistics chess guitar piano drums violin drawing painting photography
    cooking baking writing design marketing sales finance accounting economics physics chemistry biology
    history music programming coding networking security cybersecurity databases algorithms frontend
    backend devops testing ux ui""".split()
)
_TECH = lex.alternation(lex.TECH_TERMS)
_TECH_OR_LANGUAGE = lex.alternation(lex.TECH_TERMS | lex.SPOKEN_LANGUAGES)
_LEARNABLE = lex.alternation(lex.TECH_TERMS | lex.SPOKEN_LANGUAGES | SKILL_NOUNS)
_AND = r"(?:,? and|,? &|,? or|,)"
# "SQL", "SQL and Python", "SQL, Python, and Go": every item on the list.
_TECH_LIST = rf"{_TECH_OR_LANGUAGE}(?:{_AND} {_TECH_OR_LANGUAGE})*"
_LEARNABLE_LIST = rf"{_LEARNABLE}(?:{_AND} {_LEARNABLE})*"
_LEVELS = {
    "expert": "expert", "veteran": "expert", "guru": "expert", "master": "expert", "wizard": "expert",
    "ninja": "expert", "specialist": "expert", "senior": "advanced", "lead": "advanced", "staff": "advanced",
    "principal": "advanced", "experienced": "advanced", "seasoned": "advanced", "professional": "advanced",
    "pro": "advanced", "certified": "advanced", "proficient": "advanced", "skilled": "advanced",
    "fluent": "advanced", "well-versed": "advanced", "well versed": "advanced", "great": "advanced",
    "junior": "intermediate", "mid-level": "intermediate", "intermediate": "intermediate",
    "self-taught": "intermediate", "hobbyist": "intermediate", "good": "intermediate",
    "decent": "intermediate", "comfortable": "intermediate", "familiar": "intermediate",
    "competent": "intermediate", "confident": "intermediate", "solid": "intermediate",
    "strong": "intermediate", "knowledgeable": "intermediate", "user": "intermediate",
    "enthusiast": "intermediate", "entry-level": "beginner", "aspiring": "beginner", "beginner": "beginner",
    "novice": "beginner", "newbie": "beginner", "noob": "beginner", "amateur": "beginner", "new": "beginner",
    "bad": "beginner", "terrible": "beginner", "weak": "beginner", "rusty": "beginner",
}
_LEVEL_WORDS = (
    "senior|junior|lead|staff|principal|experienced|seasoned|professional|self-taught|expert|veteran|"
    "aspiring|hobbyist|mid-level|entry-level|intermediate|beginner|novice|certified"
)
_DEV_ROLE = compile_rule(
    rf"^I am {ADV}(?:an? )?(?P<level>(?:(?:{_LEVEL_WORDS}) )*)(?P<tech>{_TECH}) (?:(?:full[- ]stack|backend|"
    r"back-end|frontend|front-end|web|mobile|data|ml|devops|cloud|platform|infrastructure|software) )?"
    r"(?P<role>developer|dev|engineer|programmer|coder|admin|administrator|architect|consultant|expert|"
    r"specialist|hacker|data scientist|analyst|user|enthusiast|guru|ninja|wizard|trainer|instructor)"
    r"(?: (?:at|for|with) (?P<org>.+))?$"
)
_DURATION = (
    r"(?:(?:over|about|around|almost|nearly|more than|roughly|like|close to) )?"
    rf"(?P<n>\d{{1,2}}|{lex.alternation(lex.NUMBER_WORDS)})\+? (?P<unit>years?|yrs?|months?|decades?)"
)
_YEARS = compile_rule(
    rf"^I have been {ADV}(?P<verb>doing|using|writing|working with|working in|coding in|programming in|"
    r"developing (?:with|in)|building with|practicing|practising|playing|studying|teaching|learning|"
    rf"speaking) (?P<tech>.+?) (?:for|over the (?:last|past)) {_DURATION}(?: now)?$"
)
_EXPERIENCE = compile_rule(
    rf"^I have {_DURATION} (?:of )?(?:professional |hands-on |industry |work )?experience "
    r"(?:in|with|doing|using) (?P<tech>.+)$"
)
_LEVEL_AT = compile_rule(
    rf"^I am {ADV}(?:an? )?(?:(?:total|complete|absolute|real|true|certified|self-taught|relative) )?"
    r"(?P<lvl>expert|beginner|novice|newbie|noob|intermediate|amateur|pro|professional|master|guru|"
    r"specialist) (?:at|in|with|on|when it comes to) (?P<tech>.+)$"
)
_SKILL_ADJ = compile_rule(
    rf"^I am {ADV}(?P<mod>(?:very|really|pretty|quite|fairly|super|extremely|reasonably|somewhat|not very|"
    r"not that|not|kind of|a bit) )?(?P<lvl>good|great|experienced|proficient|skilled|fluent|comfortable|"
    r"competent|familiar|decent|strong|bad|terrible|weak|new|rusty|confident|solid|well[- ]versed|"
    r"knowledgeable) (?:at|in|with|to) (?P<tech>.+)$"
)
_KNOW = compile_rule(
    rf"^I {ADV}know (?P<tech>{_TECH_LIST}) (?P<lvl>very well|really well|well|inside out|"
    r"inside and out|pretty well|quite well|fairly well|a little|a bit|the basics)$"
    rf"|^I {ADV}know (?P<amount>a lot|quite a lot|a bit|a little|nothing|the basics) (?:about|of) "
    rf"(?P<tech2>{_TECH_LIST})$"
)
_LEARNING = compile_rule(
    rf"^I am {ADV}(?P<verb>learning|studying|picking up|getting into|starting (?:out )?(?:with|in)) "
    rf"(?P<tech>{_LEARNABLE_LIST})(?P<rest>(?: [\w-]+){{0,5}})$"
)
_NO_EXPERIENCE = compile_rule(
    r"^I (?:have (?P<amount>no|zero|little|limited|some|basic) (?:experience|background|knowledge) "
    r"(?:in|with|of)|have never (?:used|worked with|touched|tried|written|coded in)|do not know|"
    rf"don't know) (?P<tech>{_TECH_LIST})(?: at all)?$"
)
_KNOW_LEVELS = {
    "inside out": "expert", "inside and out": "expert", "fairly well": "intermediate", "a little": "beginner",
    "a bit": "beginner", "the basics": "beginner", "a lot": "advanced", "quite a lot": "advanced",
    "nothing": "none",
}


_TOPIC_FILLERS = frozenset("basic basics concept concepts idea of".split())
_TOPIC_TAIL = frozenset("now again too anymore lately still".split())
_POSSESSIVES = frozenset("my our your his her their".split())
_HEAD_SUBJECTS = lex.STUDY_TOPICS | SKILL_NOUNS  # "linear algebra", "jazz piano"
_SUBJECTS = _HEAD_SUBJECTS | lex.SPOKEN_LANGUAGES


def study_topic(text: str, *, allow_tech: bool) -> str | None:
    """The subject a phrase names ("integration by parts", "Spanish grammar"), lowercase, or ``None``.

    It must be short and plain, and be a known subject (a study topic, a skill, a spoken language
    or, when ``allow_tech``, a technology), or start with a study topic ("integration by parts")
    or end with a study topic or skill ("Spanish grammar"). "Spanish people" is no subject.
    """
    first = text.split()[:1]
    if not first or first[0].lower() in _POSSESSIVES:  # "my weight" is not a subject
        return None
    words = object_words(text, 5)
    if words is None or not all(re.fullmatch(r"[\w.+#'-]+", w) for w in words):
        return None
    if any(w.lower() in {"and", "or", "&"} for w in words):  # a list, read item by item
        return None
    core = [w.lower() for w in words]
    while core and core[0] in _TOPIC_FILLERS:  # "the basics of calculus" -> "calculus"
        core = core[1:]
    while core and core[-1] in _TOPIC_TAIL:
        core = core[:-1]
    if not core:
        return None
    value = lex.canonical_tech(" ".join(core))
    if value in _SUBJECTS or (allow_tech and value in lex.TECH_TERMS):
        return value
    return value if core[0] in lex.STUDY_TOPICS or core[-1] in _HEAD_SUBJECTS else None


def skill_value(text: str, clause: Clause) -> str | None:
    """The skill a phrase names ("Rust", "cooking"), canonical and lowercase, or ``None``."""
    words = object_words(text, 4)
    if words is None:
        return None
    value = lex.canonical_tech(" ".join(words))
    if value in lex.TECH_TERMS or value in lex.SPOKEN_LANGUAGES or value in SKILL_NOUNS:
        return lex.canonical_tech(value)
    if len(words) == 1 and value.endswith("ing") and len(value) > 5:
        return value
    proper = clause.cased and all(w[:1].isupper() for w in words)
    if proper and value not in lex.WELL_KNOWN_PLACES:
        return value
    return study_topic(text, allow_tech=False)  # "integration by parts", "Spanish grammar"


def _is_listed_skill(value: str) -> bool:
    return (value in lex.TECH_TERMS or value in lex.SPOKEN_LANGUAGES or value in SKILL_NOUNS
            or value in lex.STUDY_TOPICS)


def skill_items(text: str, clause: Clause) -> list[tuple[str, str]] | None:
    """(as written, skill) for the one skill ``text`` names, or for each item of a skill list.

    A list counts only when every item is a known skill: "SQL and Python" is two skills, while
    "Tom and Jerry" is no skill at all.
    """
    single = skill_value(text, clause)
    if single is not None:
        return [(text, single)]
    items = split_list(text, every_conjunction=True)
    if not 2 <= len(items) <= 6:
        return None
    found = []
    for item in items:
        skill = skill_value(item, clause)
        if skill is None or not (_is_listed_skill(skill) or (" " not in skill and skill.endswith("ing"))):
            return None
        found.append((item, skill))
    return found


def _expertise(clause: Clause, skill: str, level: str) -> Draft:
    return stated(clause, EXPERTISE, SKILL, key=f"expertise:{skill}", value=level)


def expertise_each(
    m: re.Match[str], group: str, clause: Clause, skills: Sequence[tuple[str, str]], level: str
) -> list[Draft]:
    """One expertise draft per skill; with several, each content names only its own skill."""
    if len(skills) == 1:
        return [_expertise(clause, skills[0][1], level)]
    start, end = m.span(group)
    head, tail = clause.text[:start], clause.text[end:]
    return [
        Draft(third_person(f"{head}{written}{tail}"), EXPERTISE, SKILL, f"expertise:{skill}", level)
        for written, skill in skills
    ]


def _known_items(text: str) -> list[tuple[str, str]]:
    """The items of a list the pattern already checked against the lexicon, canonicalised."""
    return [(item, lex.canonical_tech(item)) for item in split_list(text, every_conjunction=True)]


def _dev_role(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    levels = m["level"].lower().split()
    role = m["role"].lower()
    level = _LEVELS.get(levels[0]) if levels else _LEVELS.get(role, "advanced")
    drafts = [_expertise(clause, lex.canonical_tech(m["tech"]), level or "advanced")]
    org = org_value(m["org"], clause) if m["org"] else None
    if org:
        drafts.append(Draft(f"User works at {org[0]}", FACT, WORK, "employer", normalise_value(org[0])))
    return drafts


def _count(word: str) -> int:
    return int(word) if word.isdigit() else lex.NUMBER_WORDS.get(word.lower(), 1)


_YEAR_LEVELS = ((10, "expert"), (3, "advanced"), (1, "intermediate"), (0, "beginner"))


def _years(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    verb = (m.groupdict().get("verb") or "").lower()
    skill: str | None
    if verb.startswith("working"):  # "working with Acme" is a client, not a skill
        tech = lex.canonical_tech(m["tech"])
        skill = tech if tech in lex.TECH_TERMS or tech in lex.SPOKEN_LANGUAGES else None
    else:
        skill = skill_value(m["tech"], clause) or _plain_skill(m["tech"])
    if skill is None:
        return ()
    n, unit = _count(m["n"]), m["unit"].lower()
    years = n * 10 if unit.startswith("decade") else (0 if unit.startswith("month") else n)
    level = next(name for floor, name in _YEAR_LEVELS if years >= floor)
    if verb == "learning" and level in ("advanced", "expert"):
        level = "intermediate"
    return (_expertise(clause, skill, level),)


def _plain_skill(text: str) -> str | None:
    # After "I've been doing X for N years" almost any short noun phrase is a skill.
    words = object_words(text, 3)
    return normalise_value(" ".join(words)) if words else None


def _level_builder(level_of: dict[str, str]) -> Builder:
    def build(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
        skills = skill_items(m["tech"], clause)
        if skills is None:
            return ()
        level = level_of.get(m["lvl"].lower(), "intermediate")
        modifier = (m.groupdict().get("mod") or "").strip().lower()
        if modifier.startswith("not") or modifier == "a bit":
            level = "beginner"
        elif modifier in {"very", "really", "super", "extremely"} and level == "intermediate":
            level = "advanced"
        return expertise_each(m, "tech", clause, skills, level)

    return build


def _know(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    group, spoken = ("tech", m["lvl"]) if m["tech"] else ("tech2", m["amount"])
    level = _KNOW_LEVELS.get(" ".join(spoken.lower().split()), "advanced")
    return expertise_each(m, group, clause, _known_items(m[group]), level)


# What may follow "I'm learning Spanish" without making the skill a bigger phrase ("Go concurrency").
_LEARNING_TAIL_WORDS = frozenset(
    "online myself together daily every slowly again part-time full-time".split()
)


def _learning(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    rest = m["rest"].split()
    if rest and rest[0].lower() not in lex.PHRASE_STOPS | _LEARNING_TAIL_WORDS:
        return ()
    skills = _known_items(m["tech"])
    # A student "studying physics" may be far from a beginner; learning a language or tool is not.
    if m["verb"].lower() == "studying" and not all(s in lex.TECH_TERMS or s in lex.SPOKEN_LANGUAGES
                                                     for _, s in skills):
        return ()
    return expertise_each(m, "tech", clause, skills, "beginner")


def _no_experience(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    amount = (m["amount"] or "no").lower()
    level = "none" if amount in {"no", "zero"} else "beginner"
    return expertise_each(m, "tech", clause, _known_items(m["tech"]), level)



ROLE_EXPERTISE_RULES: tuple[Rule, ...] = (Rule("expertise_role", _DEV_ROLE, _dev_role),)
EXPERTISE_RULES: tuple[Rule, ...] = (
    Rule("expertise", _YEARS, _years),
    Rule("expertise", _EXPERIENCE, _years),
    Rule("expertise", _LEVEL_AT, _level_builder(_LEVELS)),
    Rule("expertise", _SKILL_ADJ, _level_builder(_LEVELS)),
    Rule("expertise", _KNOW, _know),
    Rule("expertise", _LEARNING, _learning),
    Rule("expertise", _NO_EXPERIENCE, _no_experience),
)
