"""Slots that hold one value at a time, told apart by the words that fill them. Pure data and
plain functions, no I/O.

Two statements can be about the same thing without sharing an attribute key: "I'm married to
Tom" and "Tom and I are getting divorced"; "I'm a blue belt in BJJ" and "Got my purple belt";
"I'm a junior developer" and "promoted to senior developer"; "I'm on the basic plan" and "went
premium". Each is one **slot** whose possible values are a closed set of words (the stages of a
partnership, belt colours, tiers, levels, seniority). A memory is in a slot when it names one of
its values; a newer memory that names *another* value of the same slot supersedes it.

Some value words are ambiguous across slots ("senior" developer / college senior, "gold"
status / a gold ring), so most slots are **anchored**: the two memories must also share a
distinctive word other than the values ("developer", "Emirates", "German"), or each name one of
the slot's own nouns ("plan", "membership"). A slot of numbers ("rating 1200" / "rating 1500",
"HSK 2" / "HSK 4") is always anchored, by the word next to the number.

Adding a slot is adding a row to :data:`SLOTS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from accord.domain import lexical

__all__ = ["SLOTS", "Slot", "slot_shift"]


def _groups(spec: str) -> tuple[frozenset[str], ...]:
    """``"single | dating seeing | married wed"`` -> one set of word-forms per value; an
    underscore joins a phrase ("broke_up")."""
    return tuple(frozenset(w.replace("_", " ") for w in part.split()) for part in spec.split("|"))


@dataclass(frozen=True, slots=True)
class Slot:
    """One single-valued slot.

    Attributes:
        name: For reasons and tests.
        values: The slot's values, each a set of words or phrases that name it.
        anchored: Whether two memories must share a distinctive word (or both name one of
            ``nouns``) to be about the same slot.
        nouns: Words that name the slot itself ("plan", "belt"); naming one anchors a memory.
        categories: The memory categories the slot's memories may be filed under.
    """

    name: str
    values: tuple[frozenset[str], ...]
    anchored: bool = True
    nouns: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset({"fact", "relationship", "preference", "expertise"})


SLOTS: tuple[Slot, ...] = (
    # One partnership at a time, in stages; a new stage (or another name for the partner, which
    # the attribute key ``relationship:partner`` already settles) ends the old one.
    Slot(
        "partnership",
        _groups(
            """single singles | dating seeing boyfriend girlfriend bf gf going_out_with |
            engaged fiance fiancee fiancé fiancée proposed | married marry husband wife spouse remarried
            hubby wifey newlywed | divorced divorcing divorce separated separating broke_up split_up
            splitting_up ex-husband ex-wife dumped | widowed widower widow"""
        ),
        anchored=False,
        categories=frozenset({"fact", "relationship"}),
    ),
    # One way of eating at a time: "started eating meat again" ends "vegetarian", and "went back to
    # being vegetarian" ends that.
    Slot(
        "diet",
        _groups(
            """vegan plant-based | vegetarian veggie | pescatarian pescetarian | omnivore meat_eater
            eating_meat eat_meat eats_meat ate_meat carnivore"""
        ),
        anchored=False,
        categories=frozenset({"fact", "preference"}),
    ),
    # Renting a home or owning one.
    Slot(
        "home_tenure",
        _groups(
            """rent rents renting renter renters tenant tenants landlord | homeowner homeowners mortgage
            bought_a_house bought_a_flat bought_a_home bought_a_place bought_an_apartment own_a_house own_a_home
            own_our_home own_our_house own_a_flat"""
        ),
        anchored=False,
        categories=frozenset({"fact"}),
    ),
    # Having work and not having it.
    Slot(
        "work_status",
        _groups(
            """unemployed jobless laid_off redundant between_jobs out_of_work job_hunting job_seeking
            looking_for_work looking_for_a_job got_fired was_fired | retired retiree retirement"""
        ),
        anchored=False,
        categories=frozenset({"fact"}),
    ),
    Slot(
        "seniority",
        _groups("intern internship | junior | mid-level midlevel | senior | lead | principal | staff | head | director"),
        nouns=frozenset(),
        categories=frozenset({"fact", "expertise"}),
    ),
    Slot(
        "skill_level",
        _groups(
            """beginner novice newbie starting basics | intermediate conversational decent | advanced
            fluent proficient | expert native mastered"""
        ),
        categories=frozenset({"expertise", "fact", "preference"}),
    ),
    Slot(
        "language_level",
        _groups("a1 | a2 | b1 | b2 | c1 | c2 | n1 | n2 | n3 | n4 | n5"),
        categories=frozenset({"expertise", "fact"}),
    ),
    Slot(
        "belt",
        _groups("white | yellow | orange | green | blue | purple | brown | red | black"),
        nouns=frozenset({"belt", "belts", "dan", "kyu"}),
        categories=frozenset({"expertise", "fact", "preference"}),
    ),
    Slot(
        "tier",
        _groups(
            "free | basic | standard | plus | premium | pro | bronze | silver | gold | platinum | diamond | elite"
        ),
        nouns=frozenset({"plan", "plans", "membership", "subscription", "tier", "status", "account", "package"}),
        categories=frozenset({"fact", "preference"}),
    ),
)

_WORD = re.compile(r"[a-zà-ÿ0-9][a-zà-ÿ0-9'\-]*", re.IGNORECASE)
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?k?$")
# Words too common to show that two memories are about the same slot.
_PLAIN = frozenset(
    lexical.tokenize(
        """user now new old again back still just really actually finally last this that year month week
        time got get have has had is are was were be been being am work works working job at in on with
        for my the a an to of and or but so very also since"""
    )
)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _phrases(words: list[str]) -> set[str]:
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)} | {
        f"{a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:], strict=False)
    } | {f"{a} {b} {c} {d}" for a, b, c, d in zip(words, words[1:], words[2:], words[3:], strict=False)}


def _values(slot: Slot, phrases: set[str]) -> set[int]:
    return {i for i, group in enumerate(slot.values) if group & phrases}


def _distinctive(words: Iterable[str], slot_words: frozenset[str]) -> set[str]:
    terms = set(lexical.tokenize(" ".join(w for w in words if w not in slot_words)))
    return {t for t in terms if t not in _PLAIN and len(t) > 1}


def _anchored(slot: Slot, a: list[str], b: list[str]) -> bool:
    if set(a) & slot.nouns and set(b) & slot.nouns:
        return True
    every = frozenset().union(*slot.values)
    return bool(_distinctive(a, every) & _distinctive(b, every))


# People whose partnership is theirs, not the user's ("my sister is getting married").
_OTHERS = frozenset(
    """sister sisters brother brothers mom mother mum dad father parents son daughter kid kids friend
    friends cousin aunt uncle niece nephew boss manager coworker colleague neighbor neighbour roommate
    grandma grandpa grandmother grandfather best bestie they he she his her their""".split()
)


# A partner's stage is the user's own; a partner's diet or home is theirs.
_PARTNERS = frozenset("husband wife partner boyfriend girlfriend fiance fiancee spouse bf gf hubby".split())


def _slot_of(slot: Slot, new: str, old: str) -> bool:
    """Whether ``new`` names another value of ``slot`` than ``old`` does (and none of the same)."""
    a, b = _words(new), _words(old)
    others = _OTHERS if slot.name == "partnership" else _OTHERS | _PARTNERS
    if not slot.anchored and (others & set(a) or others & set(b)):
        return False  # an unanchored slot is the user's own: not when another person is its subject
    va, vb = _values(slot, _phrases(a)), _values(slot, _phrases(b))
    if not va or not vb or va & vb:
        return False
    return not slot.anchored or _anchored(slot, a, b)


def _numbers(words: list[str]) -> dict[str, str]:
    """Each number's neighbouring distinctive words -> the number ("rating 1500" -> rating: 1500)."""
    out: dict[str, str] = {}
    for i, w in enumerate(words):
        if not _NUMBER.match(w):
            continue
        # the words just before it ("rating is about 1500", "HSK 4") and the one after ("50k salary")
        for n in [*words[max(0, i - 3) : i], *words[i + 1 : i + 2]]:
            for t in lexical.tokenize(n):
                if t not in _PLAIN and not t.isdigit():
                    out[t] = w
    return out


def _number_shift(new: str, old: str) -> bool:
    """"My rating's about 1500 now" after "My chess rating is around 1200": a number next to the
    same word, changed."""
    a, b = _numbers(_words(new)), _numbers(_words(old))
    shared = a.keys() & b.keys()
    return bool(shared) and all(a[k] != b[k] for k in shared)


def slot_shift(new: str, old: str, new_category: str, old_category: str) -> str | None:
    """The name of the slot in which ``new`` gives ``old`` another value, or None."""
    for slot in SLOTS:
        if new_category in slot.categories and old_category in slot.categories and _slot_of(slot, new, old):
            return slot.name
    if new_category == old_category and _number_shift(new, old):
        return "number"
    return None
