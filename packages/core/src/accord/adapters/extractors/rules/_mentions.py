"""People and pets the user mentions, wherever the mention stands in a sentence.

The clause rules read a person when the clause is about them ("My sister is a nurse", "I have
a brother called Tom"). People are mentioned far more often in passing: "So my partner Sam and I
have been together seven years", "Oh, my little brother Eli, he's the smartest person I know",
"My mom, Linda, bless her, calls me every Sunday", "I was hiking with my husband, Dev, last
weekend", "My son's teacher pulled me aside", "Our cat Noodle knocked my monitor off", "we just
got a puppy named Mochi". Each mention still says who is in the user's life, so this reader runs
on every declarative sentence and adds what the clause rules did not already say.

What it reads is a possessive (``my``/``our``) before a role word from the vocabulary, an
optional name after it, and a pet named by "named"/"called". Close family and pets count even
unnamed ("User has a son"); friends, colleagues and other roles only with a name, since "my
friend keeps saying ..." says little about the user. Requests to the assistant ("write me a
poem about my cat") and questions mention people the user is not telling us about.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules import _vocab as vocab
from accord.adapters.extractors.rules._base import LIKELY, Draft
from accord.adapters.extractors.rules._facts import NOT_A_NAME

__all__ = ["with_mentions"]

# Informal role words and the role they stand for.
_SLANG = {
    "bf": "boyfriend", "gf": "girlfriend", "hubby": "husband", "wifey": "wife", "sis": "sister",
    "bro": "brother", "bestie": "best friend", "bff": "best friend", "mama": "mother", "papa": "father",
    "nana": "grandmother", "granny": "grandmother", "grandad": "grandfather", "granddad": "grandfather",
    "mum": "mother", "mom": "mother", "dad": "father", "kiddo": "child", "kid": "child",
    "puppy": "dog", "kitten": "cat",
}
# Roles a mention counts for without a name: the household and the close family. "My cousin's
# wedding" or "my nephew's graduation" is the setting of a story, not news about the user.
_CLOSE = frozenset(
    """wife husband spouse partner boyfriend girlfriend fiance fiancee son daughter child baby toddler
    twins stepson stepdaughter brother sister sibling twin mother father grandmother grandfather
    grandson granddaughter stepmom stepdad stepmother stepfather""".split()
)
# Everyone has had parents: "my dad was furious" says nothing durable about the user.
_EVERYONE_HAS = frozenset({"mother", "father"})
_PLURALS = {"children": "child", "kids": "child", "babies": "baby", "sons": "son", "daughters": "daughter",
            "brothers": "brother", "sisters": "sister", "siblings": "sibling", "cousins": "cousin",
            "nieces": "niece", "nephews": "nephew", "grandchildren": "grandchild", "grandkids": "grandchild"}
_ANIMALS = frozenset(w.replace("_", " ") for w in vocab.ANIMALS) - {"pets", "fish", "chicken", "chickens"}
_PEOPLE = (frozenset(w.replace("_", " ") for w in vocab.FAMILY) | frozenset(_SLANG) | frozenset(_PLURALS)) - {
    "parents", "friends", "ex", "in-laws", "grandparents", "coworkers", "colleagues", "roommates"
}
_ROLES = sorted(_PEOPLE | _ANIMALS | lex.SINGLE_ROLES | lex.MULTI_ROLES, key=len, reverse=True)
_ROLE_WORD = "|".join(re.escape(r) for r in _ROLES)
_NUMBER = r"(?:two|three|four|five|six|2|3|4|5|6)"
# "my (little) brother", "our two daughters", "my elderly father": up to two modifiers.
_MENTION = re.compile(
    rf"\b(?P<owner>my|our)\s+(?P<count>{_NUMBER}\s+)?(?P<mods>(?:[a-z]+[ -]){{0,2}}?)(?P<role>{_ROLE_WORD})\b(?!-\w)(?P<poss>'s\b)?",
    re.I,
)
_NAME_TOKEN = r"[A-Z][a-z'-]+"
# The name after a role: "my partner Sam", "my husband, Dev,", "my daughter Zoe", "my sister named Maya".
_NAME_AFTER = re.compile(rf"^\s*(?P<comma>,\s*)?(?P<title>(?:Dr|Mr|Mrs|Ms|Mx|Prof)\.?\s+)?(?:(?:who(?:'s| is) )?(?:named|called)\s+|is\s+(?={_NAME_TOKEN}(?: {_NAME_TOKEN})?\W*$))?(?P<name>{_NAME_TOKEN}(?: {_NAME_TOKEN})?)\b")
_PET_NAMED = re.compile(
    rf"\b(?:an?|one|our|my|second|new|rescue)\s+(?:[a-z]+\s+){{0,2}}?(?P<role>{'|'.join(sorted(_ANIMALS, key=len, reverse=True))})\s*,?\s+(?:named|called)\s+(?!(?:after|for|by|because|that|so|the|a|an|it|him|her)\b)(?P<name>[A-Za-z][a-z'-]+)",
    re.I,
)
_ITS_NAME = re.compile(r"\b(?:her|his|its|their) name(?:'s| is)\s+(?P<name>[A-Z][a-z'-]+)")
_ITS_NAME_LOWER = re.compile(r"\b(?:her|his|its|their) name(?:'s| is)\s+(?P<name>[a-z][a-z'-]+)", re.I)
_NOT_NAMES = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december christmas easter i""".split()
)
_NOW = re.compile(r"\b(?:rn|right now|today|tonight|at the moment|atm|this (?:morning|afternoon|evening))\b", re.I)
_MODIFIER_STOP = frozenset("own and or the a an of to at with for in on".split())
# A sentence that asks the assistant to do something talks about people the task is about.
_TASK = re.compile(
    r"^\W*(?:(?:please|pls|plz|can you|could you|would you|can u|could u|help me)\s+)*(?:write|draft|translate|compose|"
    r"make|create|generate|give|suggest|tell|send|plan|find|pick|recommend|describe|roleplay|pretend|imagine|"
    r"rite|wrte|gimme|giv|tel|recomend|sugest)\b",
    re.I,
)


def _role(word: str) -> str:
    word = word.lower()
    word = _PLURALS.get(word, word)
    return lex.ROLE_CANONICAL.get(_SLANG.get(word, word), _SLANG.get(word, word))


def _name(text: str) -> str | None:
    m = _NAME_AFTER.match(text)
    if m is None:
        return None
    # "my husband, Dev," sets the name apart; "my boss Monday" would not be one.
    words = [w for w in m["name"].split() if w.lower() not in _NOT_NAMES and (m["comma"] or w.lower() not in NOT_A_NAME)]
    if not words or words[0] != m["name"].split()[0]:
        return None
    title = (m["title"] or "").strip()
    return " ".join([title, *words]) if title else " ".join(words)


# In all-lowercase text a name is a word between the role and a verb about that person:
# "my bf ben moved in w me", "my sister maya lives in leeds". Nothing else marks it.
_LOWER_NAME = re.compile(
    r"^\s+(?P<name>[a-z][a-z'-]{1,15})\s+(?:is|was|and|moved|lives|has|just|works|who|said|says|got|started|"
    r"loves|hates|asked|keeps|called|texted|turned|turns|'s)\b"
)
_NOT_LOWER_NAMES = frozenset(
    """is was and has had just also still really who that which said says got just never always
    not the a an my our so too lol haha are were will would can could did does do been being
    loves hates moved lives works asked keeps called texted turned turns started""".split()
)


def _lowercase_name(text: str) -> str | None:
    m = _LOWER_NAME.match(text)
    if m is None or m["name"] in _NOT_LOWER_NAMES or m["name"].endswith(("ed", "ing")):
        return None
    return m["name"].capitalize()


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _person(role: str, written: str, name: str | None, count: str | None) -> Draft | None:
    pet = role in _ANIMALS
    if name is None and (role not in _CLOSE and not pet or role in _EVERYONE_HAS):
        return None
    category = Category.FACT if pet else Category.RELATIONSHIP
    if name is not None:
        key = ("pet" if pet else vocab.role_key(role)) + ("" if role in lex.SINGLE_ROLES else f":{name.lower()}")
        content = f"User has {_article(written)} {written} named {name}" if pet else f"User's {written} is {name}"
        return Draft(content, category, 0.6 if pet else 0.7, key, name.lower(), LIKELY)
    if count is not None or written.endswith(("children", "kids", "s")) and role != written.split()[-1]:
        plural = written if written.endswith(("s", "children")) else written + "s"
        return Draft(f"User has {(count or '').strip()} {plural}".replace("  ", " "), category, 0.6, None, None, LIKELY)
    # Unnamed: no key, so a later "my husband Dev" adds the name without replacing anyone.
    return Draft(f"User has {_article(written)} {written}", category, 0.55, None, None, LIKELY)


def with_mentions(sentence: str, said: Sequence[Draft], *, cased: bool) -> list[Draft]:
    """``said`` (the drafts the clause rules read from a sentence) with the people and pets the
    sentence mentions that ``said`` does not name; a pet named later in the sentence ("we have a
    dog, her name is Biscuit") replaces the unnamed one."""
    if _TASK.match(sentence):
        return list(said)
    known = " ".join(d.content.lower() for d in said)
    out = list(said)
    seen: set[str] = set()
    for m in _MENTION.finditer(sentence):
        mods = m["mods"].lower().replace("-", " ").split()
        if any(w in _MODIFIER_STOP or w in _PEOPLE for w in mods):
            continue  # "my friend's dog" is the friend's; "my own kids" reads as "my kids"
        word = m["role"].lower()
        role = _role(word)
        plural = word in _PLURALS or m["count"] is not None
        if m["owner"].lower() == "our" and (plural and m["count"] is None or role not in _CLOSE and role not in _ANIMALS):
            # "our kids are at school" may be a teacher's class, "our manager" the team's;
            # "our two daughters" and "our son Max" are a family.
            continue
        after = sentence[m.end():]
        name = None if (m["poss"] or plural) else (_name(after) if cased else _lowercase_name(after))
        written = " ".join([*mods, word if plural else _SLANG.get(word, word)])
        if name is None and _NOW.search(sentence):
            continue  # "my sis is so annoying rn": about the moment; the sister is incidental
        draft = _person(role, written, name, m["count"] if plural else None)
        if draft is None or role in seen or _said(known, word, role, name):
            continue
        seen.add(role)
        out.append(draft)
    for m in _PET_NAMED.finditer(sentence):
        _name_pet(out, _role(m["role"]), m["name"].capitalize())
    if m := (_ITS_NAME if cased else _ITS_NAME_LOWER).search(sentence):
        unnamed = [d for d in out if _unnamed_pet(d)]
        if unnamed:  # the pet just mentioned, not a person
            _name_pet(out, next(a for a in _ANIMALS if a in unnamed[0].content.lower().split()), m["name"].capitalize())
    return out


def _said(known: str, word: str, role: str, name: str | None) -> bool:
    if name is not None:
        return name.lower() in known
    return bool(re.search(rf"\b(?:{re.escape(word)}|{re.escape(role)})s?\b", known))


def _unnamed_pet(d: Draft) -> bool:
    words = d.content.lower().split()
    return d.category is Category.FACT and "named" not in words and bool({w.strip(".,!") for w in words} & _ANIMALS)


def _name_pet(out: list[Draft], role: str, name: str) -> None:
    """Add the named pet, in place of an unnamed mention of the same animal."""
    draft = Draft(f"User has {_article(role)} {role} named {name}", Category.FACT, 0.6, f"pet:{name.lower()}", name.lower(), LIKELY)
    for i, d in enumerate(out):
        if (d.key or "").startswith("pet:") and name.lower() in d.content.lower() and d.key != draft.key:
            out[i] = draft  # "User: We adopted a rescue greyhound named Juniper" said it less clearly
            return
    if any(name.lower() in d.content.lower() for d in out):
        return
    for i, d in enumerate(out):
        if _unnamed_pet(d) and role in d.content.lower().split():
            out[i] = draft
            return
    out.append(draft)
