"""Rules for the user's work: employer and job title. Skills live in ``_expertise``."""

from __future__ import annotations

import re
from dataclasses import replace
from collections.abc import Sequence

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules._base import (
    ADV,
    CONFIDENT,
    DETAIL,
    EVENT_TIME,
    LIKELY,
    NEG_TAIL,
    ROLE,
    TAIL,
    WORK,
    Builder,
    Clause,
    Draft,
    Rule,
    compile_rule,
    stated,
)
from accord.adapters.extractors.rules._phrasing import (
    fix_articles,
    leading_phrase,
    normalise_value,
    object_words,
    proper_phrase,
)

FACT = Category.FACT

_ORG_BLOCK = frozenset(
    """home work night nights school weekends remote lunch noon early late myself office it this that
    smoking drinking""".split()
)
# Who one is at a place without working there: "a regular at Joe's", "a member at Equinox".
_NOT_A_JOB = frozenset(
    """regular member customer client patient guest visitor resident subscriber fan student pupil
    alum alumnus alumna graduate parent mom mum dad regulars members beginner novice newbie intermediate
    expert pro amateur natural noob rookie veteran whiz wizard nerd geek""".split()
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


def employer_after(obj: str, clause: Clause) -> Draft | None:
    """The employer a work statement's object ends with ("marketing at Unilever"), or None."""
    m = re.search(r"\s(?:at|for|with) (?P<org>\S.*)$", obj, re.I)
    found = org_value(m["org"], clause, strict=True) if m else None
    if found is None or found[1] or normalise_value(found[0]) in lex.WELL_KNOWN_PLACES:
        return None
    return Draft(f"User works at {found[0]}", FACT, WORK, "employer", normalise_value(found[0]), LIKELY)


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


# Out of work, however it came about: the employer slot holds no employer now.
_JOBLESS = compile_rule(
    rf"^I {ADV}(?:got|was|have been|had been|have (?:just )?been) (?:laid off|fired|let go|made redundant|sacked)"
    rf"(?: from (?:my job|work|my position))?{EVENT_TIME}{TAIL}$"
    rf"|^I {ADV}(?:lost|quit|left) my (?:job|position){EVENT_TIME}{TAIL}$"
    rf"|^I am {ADV}(?:unemployed|out of work|between jobs|jobless|job[- ]hunting|looking for work){EVENT_TIME}{TAIL}$"
)
# A new title however it came: "got promoted to store manager", "became a team lead", "took the CMO job".
_PROMOTED = compile_rule(
    rf"^I {ADV}(?:got|was|have been|have just been) promoted to (?:be )?(?:an? |the )?(?P<title>.+?){EVENT_TIME}{TAIL}$"
    rf"|^I {ADV}(?:became|have become|was made|got made) (?:an? |the )(?P<noun_title>.+?){EVENT_TIME}{TAIL}$"
    rf"|^I {ADV}(?:took|accepted|started|got|landed) (?:the|a|an) (?:new )?(?P<job_title>[\w-]+(?: [\w-]+){{0,3}}?) "
    rf"(?:job|role|position)(?: (?:at|with) (?P<org>.+?))?{EVENT_TIME}{TAIL}$"
)


def _jobless(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    return (stated(clause, FACT, WORK, key="employer", value="none", confidence=LIKELY),)


def _promoted(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    raw = m["title"] or m["noun_title"] or m["job_title"]
    found = title_value(raw, need_job_noun=bool(m["noun_title"]))
    if found is None or found[1]:
        return ()
    title = found[0]
    drafts = [Draft(fix_articles(f"User is a {title} now"), FACT, ROLE, "job_title", normalise_value(title))]
    org = org_value(re.sub(r"^(?:a|an) \w+ (?:called|named) ", "", m["org"]), clause) if m["org"] else None
    if org is not None and not org[1]:
        drafts.append(_employer(org[0], clause, confidence=LIKELY))
    return drafts


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
    # "I switched from Java to Rust", "from VS Code to Zed" and "I left Paris for Lisbon" are not
    # job changes.
    if names & (lex.TECH_TERMS | lex.TOOL_NAMES | lex.WELL_KNOWN_PLACES | lex.SPOKEN_LANGUAGES):
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
        if found is None and need_job_noun and (loose := title_value(m["title"], need_job_noun=False)):
            # "I'm a barista at Blue Bottle": a noun the table lacks is a job when an employer follows.
            org = _org_after(loose[1], clause)
            plausible = org is not None and normalise_value(org[0]) not in lex.TECH_TERMS | lex.TOOL_NAMES | lex.SPOKEN_LANGUAGES
            found = loose if plausible and loose[0].split()[-1].lower() not in _NOT_A_JOB else None
        if found is None:
            return ()
        title, rest = found
        if any(w in lex.DEICTIC for w in rest.lower().split()):  # "the lead on this project" is for now
            return ()
        value = normalise_value(title)
        drafts = [stated(clause, FACT, ROLE, key="job_title", value=value)]
        org = _org_after(rest, clause)
        if org and rest and clause.text.endswith(rest):
            # The employer gets a memory of its own; kept out of the title, a new employer never
            # leaves "User is an engineer at <old employer>" current.
            title_only = replace(clause, text=clause.text[: len(clause.text) - len(rest)].rstrip(" ,"))
            drafts = [stated(title_only, FACT, ROLE, key="job_title", value=value)]
        if org:
            key = "school" if value.split()[-1] == "student" else "employer"
            drafts.append(Draft(f"User {'studies' if key == 'school' else 'works'} at {org[0]}", FACT,
                                WORK if key == "employer" else ROLE, key, normalise_value(org[0])))
        return drafts

    return build


EMPLOYMENT_RULES: tuple[Rule, ...] = (
    Rule("self_employed", _SELF_EMPLOYED, _self_employed),
    Rule("employer", _WORK_AT, _work_at),
    # "joined" also takes gyms, calls and clubs: only a capitalised name counts as an employer.
    Rule("employer", _JOINED, _joined_builder(confidence=LIKELY, strict=True)),
    Rule("employer", _EMPLOYER_IS, _joined_builder(confidence=CONFIDENT, strict=True)),
    Rule("employer", _LEFT_FOR, _switched),
    Rule("employer", _SWITCHED, _switched),
    Rule("employer_left", _LEFT, _left),
    Rule("jobless", _JOBLESS, _jobless),
    Rule("job_title", _PROMOTED, _promoted),
    Rule("job_title", _WORK_AS, _job_builder(need_job_noun=True)),
    Rule("job_title", _JOB_IS, _job_builder(need_job_noun=True)),
    Rule("job_title", _JOB_AM, _job_builder(need_job_noun=True)),
)
