"""Rule-based extraction: durable memories from user turns, with no LLM.

It runs on every ``add()``, so it is built for speed and for precision over recall: a wrong fact
is worse than a missed one. Each user turn goes through::

    clean (drop code, quotes, injection attempts, jokes)
    -> sentences (questions dropped) -> clauses ("I'm vegan and my wife is Anna" -> two)
    -> normalise (fillers, hedges, contractions) -> gate (hypotheticals, secrets)
    -> first matching rule -> drafts -> per-turn de-duplication -> ``ExtractedMemory``

Only ``role == "user"`` turns are read; episodic memories are the engine's business. Content is
written in the third person with a "User" prefix ("User works at Acme", "User's goal: ...").
Single-valued facts carry an ``attribute_key`` (``employer``, ``city``, ``diet``, ``name``, ``plan``,
``pronouns``, ``preference:<noun>``, ``preference:learning_style`` ...) so the conflict resolver
can supersede an older value; many-valued ones get a key per item (``expertise:<skill>``, whose
levels run none / struggling / beginner / intermediate / advanced / expert, ``tool:<name>``,
``likes:<thing>``), and a list ("I know SQL and Python well") gives one memory per item.
Past-tense life events ("I ran a charity race last Saturday") are keyless facts, tried last.

Three kinds of memory go beyond the user's present: event dates (``date:<event>``, "User's exam is
on May 12"), shared organisational facts (``org:<thing>`` with ``Scope.TENANT``, "The VPN server is
vpn1.acme.com") and past facts with a validity interval ("User lived in Paris from 2015 to 2018",
key ``city`` with ``valid_to``). Their rules run first, since each reads a shape the others would
misread (a past interval, a date, an organisation as subject).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import re

from accord.domain.models import Category, ExtractedMemory, Message
from accord.domain.shifts import SHIFT_CUE
from accord.adapters.extractors.rules._base import HEDGED_FACTOR, Clause, Draft, Rule
from accord.adapters.extractors.rules._identity import implied_identities
from accord.adapters.extractors.rules._last_resort import last_resort
from accord.adapters.extractors.rules._moments import drop_passing
from accord.adapters.extractors.rules._change import CHANGE_RULES, elliptical, implied_subject, soften, source_of_ellipsis
from accord.adapters.extractors.rules._clause import Analysis, analyse
from accord.adapters.extractors.rules._dates import DATE_RULES
from accord.adapters.extractors.rules._events import EVENT_RULES
from accord.adapters.extractors.rules._expertise import EXPERTISE_RULES, ROLE_EXPERTISE_RULES
from accord.adapters.extractors.rules._facts import FACT_RULES
from accord.adapters.extractors.rules._frames import FRAME_RULES
from accord.adapters.extractors.rules._skills import SKILL_FRAME_RULES
from accord.adapters.extractors.rules._experience import with_experience
from accord.adapters.extractors.rules._fragments import answer_to, counted, keyed_fragment, list_items
from accord.adapters.extractors.rules._generic import GENERIC_RULES
from accord.adapters.extractors.rules._grasp import GRASP_RULES
from accord.adapters.extractors.rules._mentions import with_mentions
from accord.adapters.extractors.rules._names import names_in
from accord.adapters.extractors.rules._kinds import possessions_in, rekey, switched_kinds_in
from accord.adapters.extractors.rules._learning import LEARNING_RULES
from accord.adapters.extractors.rules._org import ORG_RULES
from accord.adapters.extractors.rules._past import PAST_RULES
from accord.adapters.extractors.rules._places import places_in
from accord.adapters.extractors.rules._personal import PERSONAL_RULES
from accord.adapters.extractors.rules._situations import SITUATION_RULES
from accord.adapters.extractors.rules._social import DETAIL_RULES, SOCIAL_RULES
from accord.adapters.extractors.rules._text import (
    NormalisedClause,
    asks,
    clean_message,
    expand_contractions,
    is_bare_greeting,
    is_usable,
    normalise_clause,
    opens_hypothetical,
    split_clauses,
    split_sentences,
    uses_capitals,
)
from accord.adapters.extractors.rules._requests import aspect_key, standing_requests
from accord.adapters.extractors.rules._tastes import TASTE_RULES
from accord.adapters.extractors.rules._usage import USAGE_RULES
from accord.adapters.extractors.rules._work import EMPLOYMENT_RULES

__all__ = ["RuleBasedExtractor", "extract_memories"]

_INSTRUCTIONS = tuple(r for r in PERSONAL_RULES if r.name in {"response_language", "standing_order"})
_WANTS = tuple(r for r in PERSONAL_RULES if r.name not in {"response_language", "standing_order"})
# Specific before generic: the first rule that yields a draft wins the clause. Past-tense events
# come last, so any rule that reads a past tense more precisely ("I moved to Berlin") wins.
RULES: tuple[Rule, ...] = (
    *_INSTRUCTIONS,
    *PAST_RULES,
    *DATE_RULES,
    *ORG_RULES,
    *FRAME_RULES,
    *SKILL_FRAME_RULES,
    *FACT_RULES,
    *SITUATION_RULES,
    *SOCIAL_RULES,
    *ROLE_EXPERTISE_RULES,
    *EMPLOYMENT_RULES,
    *EXPERTISE_RULES,
    *LEARNING_RULES,
    *GRASP_RULES,
    *USAGE_RULES,
    *CHANGE_RULES,
    *TASTE_RULES,
    *_WANTS,
    *DETAIL_RULES,
    *EVENT_RULES,
    *GENERIC_RULES,
)

# "can you always use Celsius?" is a request phrased as a question.
_ASKS = re.compile(
    r"^\W*(?:\w+\W+){0,3}?(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?"
    r"|^\W*(?:maybe|perhaps)\s+(?:use|keep|give|write|answer|reply|stick to)\b",
    re.I,
)


def extract_memories(messages: Sequence[Message]) -> list[ExtractedMemory]:
    """Extract durable memories from the user turns of a conversation.

    Pure: no I/O, no clock, no randomness, so the same turns always give the same memories.

    Args:
        messages: The conversation, in order. Only ``role == "user"`` turns are read.

    Returns:
        One ``ExtractedMemory`` per statement a rule recognised, in conversation order, each
        with ``message_index`` pointing into ``messages``. Never ``Category.EPISODIC``.
    """
    memories: list[ExtractedMemory] = []
    for index, message in enumerate(messages):
        if message.role == "user":
            for draft in _extract_turn(_answered(messages[index - 1] if index else None, message.content)):
                if draft.ended and message.created_at is not None:
                    draft = replace(draft, valid_to=message.created_at, ended=False)
                # An undated "used to" stays ended: resolution dates it by when the turn was said.
                memories.append(_to_memory(draft, index))
    return memories


_ABOUT_REPLIES = re.compile(r"\b(?:answers?|replies|responses?|explanations?)\b", re.I)
_LEAD_IN = re.compile(r":[ \t]*\n", re.M)


def _answered(previous: Message | None, text: str) -> str:
    """The turn with a short answer to the assistant's question read back in full ("Lisbon, for
    now." after "Where do you live?" -> "I live in Lisbon.")."""
    if previous is None or previous.role != "assistant" or "?" not in previous.content:
        return text
    first, _, rest = re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)[0], None, text.strip()
    rest = rest[len(first):].strip()
    said = answer_to(previous.content, first)
    return text if said is None else f"{said}. {rest}".strip()


def _extract_turn(text: str) -> list[Draft]:
    """The drafts one user turn yields, de-duplicated, in the order they were said."""
    cleaned = clean_message(text)
    if cleaned is None:
        return []
    cased = uses_capitals(cleaned)
    # "Tidy up this YAML:\nname: Sam": the lines after a lead-in are pasted data, not the user.
    if lead_in := _LEAD_IN.search(cleaned):
        cleaned = cleaned[: lead_in.start()]
    pasted = lead_in is not None
    drafts: list[Draft] = []
    after_greeting = False
    # The last denial or former habit of the turn: a bare fragment after it borrows its verb.
    source: Analysis | None = None
    sentences = split_sentences(cleaned)
    for sentence, is_question in sentences:
        if is_bare_greeting(sentence):
            after_greeting = True
            continue
        if opens_hypothetical(sentence):
            after_greeting = False
            continue
        found: list[Draft] = []
        if not is_question:
            parts = split_clauses(expand_contractions(sentence))
            items = list_items(sentence)
            if items is not None:  # "I'm 42, divorced, one daughter, live in Phoenix"
                parts = parts[:1] + [expand_contractions(i) for i in items[1:]] if len(parts) == 1 else parts
            for part in parts:
                got = _extract_clause(part, cased, after_greeting, keyed=not pasted)
                if not got and source is not None and (filled := elliptical(part, source)):
                    got = _extract_clause(filled, cased, False)
                found.extend(got)
                source = _ellipsis_source(part) or source
            found.extend(_embedded(sentence, found, cased, keyed=not pasted))
            said = {d.key for d in found}  # "being a pediatric nurse", "diagnosed with celiac disease"
            found.extend(d for c in implied_identities(sentence) for d in _extract_clause(c, True, False) if d.key not in said)
        if not any(d.category is Category.PROCEDURE for d in found) and (not is_question or _ASKS.match(sentence)):
            if requests := standing_requests(sentence):
                # "I'd rather get short answers" is a wish about replies, not a taste.
                found = [d for d in found if not (d.category is Category.PREFERENCE and _ABOUT_REPLIES.search(d.content))]
                found.extend(requests)
        keys = {d.key for d in found}
        for named in (d for d in names_in(sentence, cased=cased) if d.key not in keys):
            # The name read whole replaces a clause that only half said it ("User is Dani now").
            found = [d for d in found if not _says_name(d, named)]
            found.append(named)
        if not is_question and not pasted and not asks(sentence):
            found = with_experience(expand_contractions(sentence), with_mentions(sentence, found, cased=cased))
            found = possessions_in(sentence, found)
            found = places_in(sentence, found, cased=cased)
            found = switched_kinds_in(sentence, found, changed=bool(SHIFT_CUE.search(sentence)))
            found = drop_passing(sentence, found)
        drafts.extend(found)
        after_greeting = False
    if not drafts and not pasted:
        drafts = last_resort(list(sentences))
    return _dedupe([rekey(_with_aspect(d)) for d in drafts])


def _with_aspect(draft: Draft) -> Draft:
    """A standing instruction without a key gets its reply aspect's, so the next one about the
    same aspect ("keep answers short" after "give me detailed answers") replaces it."""
    if draft.category is not Category.PROCEDURE or draft.key is not None:
        return draft
    key = aspect_key(draft.content)
    return draft if key is None or key == "preferred_language" else replace(draft, key=key)


def _extract_clause(text: str, cased: bool, after_greeting: bool, *, keyed: bool = True) -> list[Draft]:
    normalised = normalise_clause(text)
    if normalised is None:
        return []
    text = soften(normalised.text)  # "I'm more of an Airbnb person": the hedge is no part of the object
    drafts = _read_clause(text, normalised, cased, after_greeting)
    # Only when the clause as written says nothing: "Don't use emojis" stays a request.
    variants = (
        implied_subject(text), counted(text), keyed_fragment(text) if keyed else None, _unfronted(text), _as_self(text),
        _lives_with_me(text),
    )
    for variant in variants:
        if drafts:
            break
        if variant is not None and variant != text:
            drafts = _read_clause(variant, normalised, cased, after_greeting)
    return drafts


# "I had to explain that I'm vegan", "considering I'm allergic to eggs", "because I'm the office
# manager at Corbett Dental": a standing first-person statement inside a story about one day.
_EMBEDDED = re.compile(
    r"\b(?:that|because|since|considering|cause|cuz|coz|given that|now that|as|so|but|and|means|meaning|where|now)\s+"
    r"(?P<clause>I(?:'m| am| have| live| work| speak| own| use| teach| study| volunteer| play| drive| coach| love"
    r"| prefer| hate| enjoy| eat| run| train| manage| lead| go)\s[^,;:]{2,80})",
    re.I,
)


def _embedded(sentence: str, found: Sequence[Draft], cased: bool, *, keyed: bool) -> list[Draft]:
    """Drafts from first-person present-tense clauses inside a longer sentence, where the
    sentence's own clauses gave nothing that says the same."""
    said = " ".join(d.content.lower() for d in found)
    out: list[Draft] = []
    for m in _EMBEDDED.finditer(sentence):
        if m.start() == 0:
            continue
        clause = re.split(r"\s+(?:I|and I|but I|so I)\s", m["clause"], maxsplit=1)[0]  # the next subject ends it
        for part in split_clauses(expand_contractions(clause)):
            for draft in _extract_clause(part, cased, False, keyed=keyed):
                if draft.value is None or draft.value.lower() not in said:
                    out.append(draft)
                    said += " " + draft.content.lower()
    return out


# "As of this month I'm officially a US citizen", "At work, I'm the go-to person for Excel": a
# fronted time or place before the subject; the statement is what follows it.
_FRONTED = re.compile(
    r"^(?:(?:as of|since|after|before|at|in|on|during|for|this|last|next|every|by|from|over|"
    r"these|nowadays|two|three|four|five|six|\d+|a few|some)\b[^,]{0,50}?,?|[^,]{1,40},)\s+(?=(?:I|my|we)\s)",
    re.I,
)


# "We're moving to Lisbon in September", "we are vegetarian": the household includes the user, so
# what the readers of "I ..." make of it holds for the user too (tried only when "we" gave nothing).
_WE = re.compile(r"^we(?:'re| are)\s+(?!(?:a|an|the|all|both|two|three|four|five|hiring|looking for)\b)", re.I)


# "Two dogs live with me", "my mom lives with us": who lives with the user, told from their side.
_LIVES_WITH_ME = re.compile(r"^(?P<who>(?:my |our |an? |\w+ )?[\w' -]{2,40}?) (?:lives?|stays?) with (?:me|us)(?P<rest> .*)?$", re.I)


def _lives_with_me(text: str) -> str | None:
    m = _LIVES_WITH_ME.match(text.rstrip(".! "))
    if m is None:
        return None
    first, *more = m["who"].split()
    if first.lower() in _NOT_HOUSEMATES:
        return None  # "Nobody lives with me", "she lives with me": no one the user names
    who = " ".join([first.lower() if first.lower() in _DETERMINERS else first, *more])
    return f"I live with {who}{m['rest'] or ''}"


_NOT_HOUSEMATES = frozenset(
    "i he she they it you we who that this nobody noone someone somebody everyone everybody no none".split()
)
_DETERMINERS = frozenset("my our a an the two three four five six one some".split())


def _as_self(text: str) -> str | None:
    m = _WE.match(text)
    return None if m is None else "I am " + text[m.end():]


# The same lead before "I" or "we" themselves: "In my free time I like to paint" fronts "In my free time",
# not "In" before "my".
_FRONTED_BEFORE_I = re.compile(_FRONTED.pattern.replace(r"(?=(?:I|my|we)\s)", r"(?=(?:I|we)\s)"), re.I)


def _unfronted(text: str) -> str | None:
    m = _FRONTED_BEFORE_I.match(text) or _FRONTED.match(text)
    if m is None or re.search(
        r"\b(?:where|who|which|that|if|when|whenever|because|how|what|why|should|can|could|would|do|does|"
        r"pretend|imagine|let's|lets)\b|[:?]",
        m.group(0),
        re.I,
    ):
        return None  # "The kids at the centre where I volunteer ...": a relative clause, not a lead
    return text[m.end():]


def _says_name(draft: Draft, named: Draft) -> bool:
    """Whether a clause's draft only half says the name the name reader read whole."""
    if named.key != "name":
        return False
    text = draft.content.lower()
    if draft.category in (Category.PROCEDURE, Category.PREFERENCE):
        # "Please use Kit from now on" and "I prefer Jen" said as a name are no request or taste.
        return bool(named.value) and re.search(rf"\b{re.escape(named.value or '')}\b", text) is not None
    if draft.category is not Category.FACT:
        return False
    if draft.key is not None and not draft.key.startswith("be:"):
        return False
    return (named.value or "") in text or "their name" in text or "their last name" in text


def _ellipsis_source(part: str) -> Analysis | None:
    normalised = normalise_clause(part)
    if normalised is None:
        return None
    # The raw clause too: normalising drops a leading "No" ("No longer at IBM").
    for text in (implied_subject(normalised.text), implied_subject(part.rstrip(".!"))):
        if source := source_of_ellipsis(analyse(text), text):
            return source
    return None


def _read_clause(body: str, normalised: NormalisedClause, cased: bool, after_greeting: bool) -> list[Draft]:
    if not is_usable(body, standing=normalised.standing):
        return []
    clause = Clause(
        text=body,
        cased=cased,
        greeting=after_greeting or normalised.greeting,
        hedged=normalised.hedged,
        standing=normalised.standing,
    )
    for rule in RULES:
        match = rule.pattern.match(clause.text)
        if match is None:
            continue
        drafts = rule.build(match, clause)
        if drafts:
            return [_hedge(d) if clause.hedged else d for d in drafts]
    return []


def _hedge(draft: Draft) -> Draft:
    return replace(
        draft,
        content=f"{draft.content} (uncertain)",
        confidence=round(draft.confidence * HEDGED_FACTOR, 2),
    )


def _slot(draft: Draft) -> tuple[object, ...]:
    """What one draft per turn may fill: a past city does not replace the current one."""
    return draft.key, draft.scope, draft.valid_from, draft.valid_to, draft.ended


def _dedupe(drafts: list[Draft]) -> list[Draft]:
    """Keep one draft per attribute key (the last said) and drop repeated content.

    A denial that follows a new value for the same key adds nothing: in "I joined Northstar and
    left Acme" the new employer already implies the old one is gone. Past facts (with a validity
    interval) and shared facts have slots of their own.
    """
    kept: list[Draft] = []
    for draft in drafts:
        if draft.key is not None:
            previous = next((k for k in kept if _slot(k) == _slot(draft)), None)
            if previous is not None:
                if draft.negated and not previous.negated and previous.value != draft.value:
                    continue
                kept.remove(previous)
        elif any(k.content == draft.content for k in kept):
            continue
        kept.append(draft)
    return kept


def _to_memory(draft: Draft, index: int) -> ExtractedMemory:
    return ExtractedMemory(
        content=draft.content,
        category=draft.category,
        attribute_key=draft.key,
        attribute_value=draft.value,
        importance=min(max(round(draft.importance, 2), 0.0), 1.0),
        confidence=min(max(round(draft.confidence, 2), 0.0), 1.0),
        message_index=index,
        negated=draft.negated,
        scope=draft.scope,
        valid_from=draft.valid_from,
        valid_to=draft.valid_to,
        resolution_hint=_hint(draft),
    )


def _hint(draft: Draft) -> dict[str, str] | None:
    """What resolution must know beyond the fields: a switch whose old value is unnamed, or a past
    value ("used to") held until the turn was said, when the turn carries no date."""
    if draft.replaces_kind:
        return {"change": "replaces_kind"}
    return {"change": "ended"} if draft.ended else None


class RuleBasedExtractor:
    """An ``accord.ports.Extractor`` that needs no model: fast, deterministic, precise.

    It misses what it has no rule for; pair it with an LLM extractor when recall matters.
    """

    name: str = "rules"

    async def extract(self, messages: Sequence[Message]) -> list[ExtractedMemory]:
        """Extract memories from ``messages``; see :func:`extract_memories`."""
        return extract_memories(messages)
