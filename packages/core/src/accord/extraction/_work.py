"""Rules for the user's work and skills: employer, job title and expertise."""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord._models import Category
from accord.extraction import _lexicon as lex
from accord.extraction._base import (
    ADV,
    CONFIDENT,
    DETAIL,
    LIKELY,
    NEG_TAIL,
    ROLE,
    SKILL,
    WORK,
    Builder,
    Clause,
    Draft,
    Rule,
    compile_rule,
    stated,
)
from accord.extraction._phrasing import leading_phrase, normalise_value, object_words, proper_phrase

FACT = Category.FACT
EXPERTISE = Category.EXPERTISE

_ORG_BLOCK = frozenset(
    """home work night nights school weekends remote lunch noon early late myself office it this that
    smoking drinking""".split()
)
_TITLE_BLOCK = frozenset(
    """good great bad terrible decent big huge little amazing awful horrible lazy real total complete
    former ex retired aspiring wannabe future""".split()
)


def org_value(text: str, clause: Clause, *, strict: bool = False) -> tuple[str, str] | None:
    """An organisation name at the start of ``text`` and the text after it, or ``None``."""
    found = proper_phrase(text, 5, clause.cased, strict=strict)
    if found is None:
        return None
    value = normalise_value(found[0])
    words = value.split()
    if value in _ORG_BLOCK or (len(words) == 1 and words[0].endswith("ing")):
        return None
    return found


def title_value(text: str, *, need_job_noun: bool) -> tuple[str, str] | None:
    """A job title at the start of ``text`` ("senior data engineer") and the text after it."""
    found = leading_phrase(text, 5, cased=False)
    if found is None:
        return None
    title, rest = found
    words = title.lower().split()
    if words[0] in _TITLE_BLOCK or words[0] in lex.DEICTIC or words[0] in lex.DETERMINERS:
        return None
    if need_job_noun and words[-1] not in lex.JOB_NOUNS:
        return None
    return title, rest


def _employer(org: str, clause: Clause, *, negated: bool = False, confidence: float = CONFIDENT) -> Draft:
    return stated(clause, FACT, WORK, key="employer", value=normalise_value(org), negated=negated,
                  confidence=confidence)


def _org_after(rest: str, clause: Clause) -> tuple[str, str] | None:
    """The organisation in a trailing "at Acme" / "for Acme" and the text after it, if any."""
    m = re.match(r"^(?:at|for|with) (.+)$", rest, re.I)
    return org_value(m[1], clause) if m else None


# --- employer ----------------------------------------------------------------------------------

_SELF_EMPLOYED = compile_rule(
    rf"^I {ADV}(?:work for myself|am self[- ]employed|run my own (?:business|company|firm)|work freelance|"
    r"am (?:a )?freelanc(?:er|ing))\b.*$"
)
_WORK_AT = compile_rule(
    rf"^I {ADV}(?:work|am working|have been working|have worked|am employed|am currently employed) "
    r"(?:at|for|by) (?P<org>.+)$"
)
_JOINED = compile_rule(
    rf"^I {ADV}(?:joined|have joined|started (?:a new job |a job |a new role |working )?(?:at|with|for)|"
    r"got (?:a|an|the) (?:new )?(?:job|offer|position|role) (?:at|with|from)|accepted (?:a job|an offer|"
    r"a position|a role) (?:at|with|from)|moved to a new job at|am now (?:working )?at) (?P<org>.+)$"
)
_EMPLOYER_IS = compile_rule(r"^my (?:current |new )?(?:employer|company|workplace|firm) is (?P<org>.+)$")
_LEFT_FOR = compile_rule(
    rf"^I {ADV}(?:left|quit) (?P<old>.+?) (?:for|to join|to work (?:at|for)) (?P<org>.+)$"
)
_SWITCHED = compile_rule(
    rf"^I {ADV}(?:switched|changed) (?:jobs |companies |employers )?from (?P<old>.+?) to (?P<org>.+)$"
)
_LEFT = compile_rule(
    rf"^I {ADV}(?:left|quit|resigned from|was (?:fired|laid off|let go) (?:from|by)|got (?:fired|laid off|"
    r"let go) (?:from|by)|(?:no longer|do not|don't) work (?:at|for)|stopped working (?:at|for)|"
    r"am no longer (?:working |employed )?(?:at|with|by)) (?:my (?:job|position|role) (?:at|with) )?"
    rf"(?P<org>.+?){NEG_TAIL}$"
)


def _self_employed(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    return (stated(clause, FACT, WORK, key="employer", value="self-employed"),)


def _joined_builder(*, confidence: float, strict: bool = False) -> Builder:
    def build(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
        found = org_value(m["org"], clause, strict=strict)
        if found is None:
            return ()
        org, rest = found
        drafts = [_employer(org, clause, confidence=confidence)]
        as_title = re.match(r"^as (?:an? |the )?(.+)$", rest, re.I)
        title = title_value(as_title[1], need_job_noun=False) if as_title else None
        if title:
            article = "an" if title[0][:1].lower() in "aeiou" else "a"
            drafts.append(Draft(f"User works as {article} {title[0]}", FACT, ROLE, "job_title",
                                normalise_value(title[0])))
        return drafts

    return build


def _work_at(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    drafts = _joined_builder(confidence=CONFIDENT)(m, clause)
    if drafts:
        return drafts
    # "I work at a startup" is true and worth keeping, but names no employer to supersede.
    words = object_words(m["org"], 6)
    return (stated(clause, FACT, DETAIL + 0.1),) if words else ()


def _switched(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    old, new = org_value(m["old"], clause), org_value(m["org"], clause)
    if old is None or new is None:
        return ()
    names = {normalise_value(old[0]), normalise_value(new[0])}
    # "I switched from Java to Rust" and "I left Paris for Lisbon" are not job changes.
    if names & (lex.TECH_TERMS | lex.WELL_KNOWN_PLACES | lex.SPOKEN_LANGUAGES):
        return ()
    return (_employer(new[0], clause, confidence=LIKELY),)


def _left(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    found = org_value(m["org"], clause)
    if found is None or found[1] or normalise_value(found[0]) in lex.WELL_KNOWN_PLACES:
        return ()
    return (_employer(found[0], clause, negated=True, confidence=LIKELY),)


# --- job title ---------------------------------------------------------------------------------

_WORK_AS = compile_rule(
    rf"^I {ADV}(?:work|am working|have been working|have worked) as (?P<article>an? |the )?(?P<title>.+)$"
)
_JOB_IS = compile_rule(
    r"^my (?:current |new )?(?:job title|job|title|role|position|occupation|profession) is "
    r"(?:an? |the )?(?P<title>.+)$"
)
_JOB_AM = compile_rule(rf"^I am {ADV}(?:an? |the )(?P<title>.+)$")


def _job_builder(*, need_job_noun: bool) -> Builder:
    def build(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
        article = m.groupdict().get("article")
        found = title_value(m["title"], need_job_noun=need_job_noun and not article)
        if found is None:
            return ()
        title, rest = found
        if any(w in lex.DEICTIC for w in rest.lower().split()):  # "the lead on this project" is for now
            return ()
        value = normalise_value(title)
        drafts = [stated(clause, FACT, ROLE, key="job_title", value=value)]
        org = _org_after(rest, clause)
        if org:
            key = "school" if value.split()[-1] == "student" else "employer"
            drafts.append(Draft(f"User {'studies' if key == 'school' else 'works'} at {org[0]}", FACT,
                                WORK if key == "employer" else ROLE, key, normalise_value(org[0])))
        return drafts

    return build


# --- expertise ---------------------------------------------------------------------------------

_TECH = lex.alternation(lex.TECH_TERMS)
_TECH_OR_LANGUAGE = lex.alternation(lex.TECH_TERMS | lex.SPOKEN_LANGUAGES)
_SKILL_NOUNS = frozenset(
    """math maths mathematics statistics chess guitar piano drums violin drawing painting photography
    cooking baking writing design marketing sales finance accounting economics physics chemistry biology
    history music programming coding networking security cybersecurity databases algorithms frontend
    backend devops testing ux ui""".split()
)
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
    rf"^I {ADV}know (?P<tech>{_TECH_OR_LANGUAGE}) (?P<lvl>very well|really well|well|inside out|"
    r"inside and out|pretty well|quite well|fairly well|a little|a bit|the basics)$"
    rf"|^I {ADV}know (?P<amount>a lot|quite a lot|a bit|a little|nothing|the basics) (?:about|of) "
    rf"(?P<tech2>{_TECH_OR_LANGUAGE})$"
)
_LEARNING = compile_rule(
    rf"^I am {ADV}(?:learning|studying|picking up|getting into|starting (?:out )?(?:with|in)) "
    rf"(?P<tech>{_TECH_OR_LANGUAGE})(?P<rest>(?: [\w-]+){{0,5}})$"
)
_NO_EXPERIENCE = compile_rule(
    r"^I (?:have (?P<amount>no|zero|little|limited|some|basic) (?:experience|background|knowledge) "
    r"(?:in|with|of)|have never (?:used|worked with|touched|tried|written|coded in)|do not know|"
    rf"don't know) (?P<tech>{_TECH_OR_LANGUAGE})(?: at all)?$"
)
_KNOW_LEVELS = {
    "inside out": "expert", "inside and out": "expert", "fairly well": "intermediate", "a little": "beginner",
    "a bit": "beginner", "the basics": "beginner", "a lot": "advanced", "quite a lot": "advanced",
    "nothing": "none",
}


def skill_value(text: str, clause: Clause) -> str | None:
    """The skill a phrase names ("Rust", "cooking"), canonical and lowercase, or ``None``."""
    words = object_words(text, 4)
    if words is None:
        return None
    value = lex.canonical_tech(" ".join(words))
    if value in lex.TECH_TERMS or value in lex.SPOKEN_LANGUAGES or value in _SKILL_NOUNS:
        return lex.canonical_tech(value)
    if len(words) == 1 and value.endswith("ing") and len(value) > 5:
        return value
    proper = clause.cased and all(w[:1].isupper() for w in words)
    return value if proper and value not in lex.WELL_KNOWN_PLACES else None


def _expertise(clause: Clause, skill: str, level: str) -> Draft:
    return stated(clause, EXPERTISE, SKILL, key=f"expertise:{skill}", value=level)


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
        skill = skill_value(m["tech"], clause)
        if skill is None:
            return ()
        level = level_of.get(m["lvl"].lower(), "intermediate")
        modifier = (m.groupdict().get("mod") or "").strip().lower()
        if modifier.startswith("not") or modifier == "a bit":
            level = "beginner"
        elif modifier in {"very", "really", "super", "extremely"} and level == "intermediate":
            level = "advanced"
        return (_expertise(clause, skill, level),)

    return build


def _know(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    tech, spoken = (m["tech"], m["lvl"]) if m["tech"] else (m["tech2"], m["amount"])
    level = _KNOW_LEVELS.get(" ".join(spoken.lower().split()), "advanced")
    return (_expertise(clause, lex.canonical_tech(tech), level),)


def _learning(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    return (_expertise(clause, lex.canonical_tech(m["tech"]), "beginner"),)


def _no_experience(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    amount = (m["amount"] or "no").lower()
    level = "none" if amount in {"no", "zero"} else "beginner"
    return (_expertise(clause, lex.canonical_tech(m["tech"]), level),)


WORK_RULES: tuple[Rule, ...] = (
    Rule("expertise_role", _DEV_ROLE, _dev_role),
    Rule("self_employed", _SELF_EMPLOYED, _self_employed),
    Rule("employer", _WORK_AT, _work_at),
    # "joined" also takes gyms, calls and clubs: only a capitalised name counts as an employer.
    Rule("employer", _JOINED, _joined_builder(confidence=LIKELY, strict=True)),
    Rule("employer", _EMPLOYER_IS, _joined_builder(confidence=CONFIDENT, strict=True)),
    Rule("employer", _LEFT_FOR, _switched),
    Rule("employer", _SWITCHED, _switched),
    Rule("employer_left", _LEFT, _left),
    Rule("job_title", _WORK_AS, _job_builder(need_job_noun=True)),
    Rule("job_title", _JOB_IS, _job_builder(need_job_noun=True)),
    Rule("job_title", _JOB_AM, _job_builder(need_job_noun=True)),
    Rule("expertise", _YEARS, _years),
    Rule("expertise", _EXPERIENCE, _years),
    Rule("expertise", _LEVEL_AT, _level_builder(_LEVELS)),
    Rule("expertise", _SKILL_ADJ, _level_builder(_LEVELS)),
    Rule("expertise", _KNOW, _know),
    Rule("expertise", _LEARNING, _learning),
    Rule("expertise", _NO_EXPERIENCE, _no_experience),
)
