"""Reading entities and relations out of text, with no LLM: pure functions over strings.

``read_entities(texts)`` reads the turns of one job (and the memories extracted from them)
in order and returns a :class:`GraphDraft`: the entities mentioned, resolved *within* the
draft ("my wife" and "Anna" in "My wife is Anna", then "she"), the relations stated, and
which text mentions which entity. Resolution against the user's stored graph happens at
ingest (:func:`accord.domain.graph_resolve.resolve_draft`).

What it reads, per sentence:

* role mentions: ``my|our|User's [mod] <role> [,] [named|called] [Name]``, ``<role> is [named] Name``,
  ``a <pet> named Name``; a speaker's ``I``/``my`` is the speaker (when the turn is named)
  or the user;
* names: capitalised words that are not sentence openers or times; at the start of a
  sentence only when a relation follows ("Anna works at ...");
* pronouns ``she``/``he`` (and ``her``/``his`` as owners): the last person of that gender;
* relations after a subject: ``is a <occupation>``, ``works at|for <Org>``, ``lives in|moved to
  <Place>``, ``is from <Place>``, ``studies at <Org>``, ``is married to <Name>``, ``loves|likes
  <topic>``, ``uses|bought|drives <Product>``, and ``<Name>'s <role> [Name]``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from accord.domain import entity_lexicon as lex
from accord.domain.graph import USER_ALIAS, alias_key

__all__ = [
    "PRONOUN_PREFIX", "USER_REF", "Mention", "RelationDraft", "GraphDraft", "Turn", "read_entities", "names_in_query",
    "possessives_in_query",
]  # fmt: skip

USER_REF = "user"
# Refs of pronouns with no antecedent in the draft ("@f", "@m"): resolved against the graph.
PRONOUN_PREFIX = "@"


@dataclass(slots=True)
class Mention:
    """An entity of the draft. ``ref`` is local to the draft ("user", "e0", ...)."""

    ref: str
    kind: str
    name: str | None = None
    roles: list[str] = field(default_factory=list)
    owner: str = USER_REF  # whose role it is: "my sister" is the user's (or the speaker's) sister
    gender: str | None = None
    speaker: bool = False  # a named speaker of a group conversation


@dataclass(frozen=True, slots=True)
class RelationDraft:
    subject: str
    predicate: str
    object: str | None
    value: str | None
    text_index: int


@dataclass(slots=True)
class GraphDraft:
    entities: dict[str, Mention] = field(default_factory=dict)
    relations: list[RelationDraft] = field(default_factory=list)
    mentions: set[tuple[int, str]] = field(default_factory=set)  # (text index, ref)
    # Capitalised words no rule read: linked to stored entities of that name, if any.
    loose_names: set[tuple[int, str]] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Turn:
    text: str
    speaker: str | None = None  # a named speaker: "I" is them, not the user


_ROLE_ALT = "|".join(re.escape(r) for r in sorted(lex.ROLES, key=len, reverse=True))
_NAME = r"(?:[A-Z][a-z]+(?:'[A-Z]?[a-z]+)?(?:\s[A-Z][a-z]+)?)"
_PROPER = r"(?:(?:[A-Z][\w&'.-]*|of|de|the|and)(?:\s(?=[A-Z]|of\s[A-Z]|de\s[A-Z]))?)+"
_MODS = r"(?:(?:little|older|younger|big|baby|best|new|old|late|lovely|dear|elder|oldest|youngest|twin)\s)?"
_ROLE_MENTION = re.compile(
    rf"\b(?P<owner>[Mm]y|[Oo]ur|User's|[Hh]er|[Hh]is|(?P<oname>{_NAME})'s)\s{_MODS}(?P<role>{_ROLE_ALT})(?!\w)"
    rf"(?:(?:,\s|\s)(?:(?:is\s)?(?:named|called)\s)?(?P<name>{_NAME})\b|(?:'s\sname)?\s(?:is|was)\s(?:named\s|called\s)?(?P<named>{_NAME})(?=\s*(?:[.,;!?]|and\b|$)))?"
)
_PET_NAMED = re.compile(rf"\b(?:a|an)\s{_MODS}(?P<role>{'|'.join(sorted(lex.PET_ROLES, key=len, reverse=True))})\s(?:named|called)\s(?P<name>{_NAME})\b")
_NAME_TOKEN = re.compile(rf"(?<![\w'])(?P<name>{_NAME})(?![\w'])")
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")
_ABBREVIATION = re.compile(r"\b(?:St|Dr|Mr|Mrs|Ms|Jr|Sr|Inc|Co|Ltd|Mt|Prof|vs|etc|e\.g|i\.e)\.$")
_ORG_END = "|".join(sorted(lex.ORG_NOUNS, key=len, reverse=True))
_ORG = rf"(?P<obj>{_PROPER}(?:\s(?:{_ORG_END}))?)"
_TOPIC = r"(?P<obj>[a-z][a-z-]+(?:\s(?!and\b|but\b|with\b|to\b|in\b|at\b)[a-z][a-z-]+)?)"
_VERBS: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (pred, re.compile(pattern), kind)
    for pred, pattern, kind in (
        ("works_at", rf"^\s(?:now\s|still\s)?(?:works?|worked|is\sworking|am\sworking|started\sworking|got\sa\sjob)\s(?:at|for)\s{_ORG}", "organization"),
        ("studies_at", rf"^\s(?:now\s)?(?:studies|studied|study|is\sstudying|am\sstudying|goes\sto|go\sto)\s(?:at\s)?{_ORG}", "organization"),
        ("lives_in", rf"^\s(?:now\s|still\s)?(?:lives?|lived|is\sliving|am\sliving|resides?)\sin\s{_ORG}", "place"),
        ("lives_in", rf"^\s(?:just\s|recently\s)?(?:moved|moves|relocated|is\smoving|am\smoving)\s(?:back\s)?to\s{_ORG}", "place"),
        ("from", rf"^\s(?:is|am|was|'s|'m|comes|come|came)\s(?:originally\s)?from\s{_ORG}", "place"),
        ("married_to", rf"^\s(?:is|am|got|'s|'m)\s(?:married|engaged)\sto\s(?P<obj>{_NAME})", "person"),
        ("likes", rf"^\s(?:really\s)?(?:loves?|likes?|enjoys?|is\sinto|am\sinto|is\sobsessed\swith)\s{_TOPIC}", "topic"),
        ("uses", r"^\s(?:uses?|bought|owns?|drives?|got)\s(?:a\s|an\s|the\s|my\s|her\s|his\s|their\s|new\s)*(?P<obj>[A-Z][\w-]*(?:\s[A-Z0-9][\w-]*){0,2})", "product"),
    )
)  # fmt: skip
_OCCUPATION = re.compile(r"^\s(?:is|was|am|'s|'m|works\sas|worked\sas|became)\s(?:a|an)\s(?P<obj>[a-z][a-z-]+(?:\s[a-z-]+){0,2})")
_PRONOUN = re.compile(r"\b(?P<p>[Ss]he|[Hh]e)\b")
_SELF = re.compile(r"(?:^|\s)(?P<p>I|User)(?=\s)")


def _sentences(text: str) -> list[str]:
    """Sentences, not split after "St." or "Dr." ("Anna works at St. Mary's")."""
    out: list[str] = []
    for piece in _SENTENCES.split(text):
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def _role(word: str) -> str:
    w = word.lower()
    return lex.ROLE_CANONICAL.get(w, w)


def _gender(role: str) -> str | None:
    return "f" if role in lex.FEMALE else "m" if role in lex.MALE else None


class _Reader:
    """Keeps the draft and what pronouns point to while the turns are read in order."""

    def __init__(self) -> None:
        self.draft = GraphDraft()
        self.last: dict[str | None, str] = {}  # gender (None: any) -> ref of the last person
        self._index = 0

    def entity(self, kind: str, name: str | None, role: str | None, owner: str) -> str:
        """The draft's entity for this name or role, made on first sight."""
        d, key = self.draft, alias_key(name) if name else None
        found = next((m for m in d.entities.values() if key and m.name and alias_key(m.name) == key), None)
        if found is None and role:
            holders = [m for m in d.entities.values() if role in m.roles and m.owner == owner]
            found = next((m for m in holders if m.name is None or name is None or alias_key(m.name) == key), None)
        if found is None:
            found = Mention(ref=f"e{len(d.entities)}", kind=kind, owner=owner)
            d.entities[found.ref] = found
        if name and found.name is None:
            found.name = name
        if role and role not in found.roles:
            found.roles.append(role)
            found.gender = found.gender or _gender(role)
            if found.kind != "pet" and role in lex.PET_ROLES:
                found.kind = "pet"
        if found.kind in ("person", "pet"):
            self.last[None] = found.ref
            if found.gender:
                self.last[found.gender] = found.ref
        return found.ref

    def speaker_ref(self, speaker: str | None) -> str:
        if speaker is None:
            return USER_REF
        ref = self.entity("person", speaker, None, USER_REF)
        self.draft.entities[ref].speaker = True
        return ref

    def read(self, i: int, turn: Turn) -> None:
        self._index = i
        me = self.speaker_ref(turn.speaker)
        self.draft.entities.setdefault(USER_REF, Mention(ref=USER_REF, kind="user", name="User"))
        for sentence in _sentences(turn.text):
            if sentence and not sentence.rstrip().endswith("?"):
                self._sentence(i, sentence.strip(), me)

    def _owner(self, m: re.Match[str], me: str) -> str:
        word = m.group("owner").lower()
        if word in ("my", "our", "user's"):
            return me if word != "user's" else USER_REF
        if m.group("oname"):
            ref = self.entity("person", m.group("oname"), None, USER_REF)
            self.draft.mentions.add((self._index, ref))
            return ref
        return self.last.get("f" if word == "her" else "m", self.last.get(None, me))

    def _sentence(self, i: int, s: str, me: str) -> None:
        d = self.draft
        subjects: list[tuple[int, str]] = []  # (end offset, ref): where a relation may follow
        taken: list[tuple[int, int]] = []
        for m in _ROLE_MENTION.finditer(s):
            owner, role = self._owner(m, me), _role(m.group("role"))
            name = m.group("name") or m.group("named")
            if name and name.split()[0] in lex.NOT_NAMES:
                name = None
            kind = "pet" if role in lex.PET_ROLES else "person"
            ref = self.entity(kind, name, role, owner)
            d.mentions.add((i, ref))
            d.relations.append(RelationDraft(owner, role, ref, None, i))
            subjects.append((m.end(), ref))
            taken.append(m.span())
        for m in _PET_NAMED.finditer(s):
            ref = self.entity("pet", m.group("name"), _role(m.group("role")), me)
            d.mentions.add((i, ref))
            d.relations.append(RelationDraft(me, _role(m.group("role")), ref, None, i))
            taken.append(m.span())
        for m in _NAME_TOKEN.finditer(s):
            name = m.group("name")
            if name.split()[0] in lex.NOT_NAMES or any(a <= m.start() < b for a, b in taken):
                continue
            rest = s[m.end() :]
            if m.start() == 0 and not self._relation_follows(rest):
                d.loose_names.add((i, name))
                continue
            if m.start() > 0 and not self._relation_follows(rest) and not self._known(name):
                d.loose_names.add((i, name))
                continue
            ref = self.entity("person", name, None, me)
            d.mentions.add((i, ref))
            subjects.append((m.end(), ref))
        for m in _PRONOUN.finditer(s):
            gender = "f" if m.group("p").lower() == "she" else "m"
            ref = self.last.get(gender) or self.last.get(None)
            if ref is None or d.entities[ref].gender not in (None, gender):
                # No one in this job yet: the person last mentioned before it, found at ingest.
                ref = f"{PRONOUN_PREFIX}{gender}"
                d.entities.setdefault(ref, Mention(ref=ref, kind="person", gender=gender))
                self.last[gender] = ref
            d.mentions.add((i, ref))
            subjects.append((m.end(), ref))
        subjects += [(m.end(), me) for m in _SELF.finditer(s)]
        for end, ref in subjects:
            self._relations_after(i, s[end:], ref)

    def _known(self, name: str) -> bool:
        key = alias_key(name)
        return any(m.name and alias_key(m.name) == key for m in self.draft.entities.values())

    @staticmethod
    def _relation_follows(rest: str) -> bool:
        return bool(_OCCUPATION.match(rest) or any(p.match(rest) for _, p, _ in _VERBS) or rest.startswith("'s "))

    def _relations_after(self, i: int, rest: str, subject: str) -> None:
        d = self.draft
        rest = rest[1:] if rest.startswith(",") else rest  # "My mom, Linda, loves ..."
        m = _OCCUPATION.match(rest)
        if m:
            words = m.group("obj").split()
            # "a nurse", "a retired nurse", "a data scientist": the first occupation among them.
            spans = [" ".join(words[i : i + 2]) for i in range(len(words) - 1)] + words
            job = next((w for w in spans if w in lex.OCCUPATIONS), None)
            if job:
                d.relations.append(RelationDraft(subject, "occupation", None, job, i))
                return
        for predicate, pattern, kind in _VERBS:
            m = pattern.match(rest)
            if not m:
                continue
            obj = m.group("obj").strip(" .,'")
            if not obj or obj.split()[0] in lex.NOT_NAMES or (kind == "topic" and len(obj) < 3):
                continue
            target = self.entity(kind, obj, None, USER_REF) if kind != "person" else self.entity("person", obj, None, subject)
            d.mentions.add((i, target))
            d.relations.append(RelationDraft(subject, predicate, target, None, i))
            return


def read_entities(turns: Sequence[Turn]) -> GraphDraft:
    """Read the turns in order (pronouns refer back across them); see the module docstring."""
    reader = _Reader()
    for i, turn in enumerate(turns):
        reader.read(i, turn)
    d = reader.draft
    # A loose name the draft itself knows by now ("Max went ..." after "my son Max") is a mention.
    by_name = {alias_key(m.name): ref for ref, m in d.entities.items() if m.name and ref != USER_REF}
    d.mentions |= {(i, by_name[alias_key(n)]) for i, n in d.loose_names if alias_key(n) in by_name}
    named = " ".join(by_name)
    d.loose_names = {(i, n) for i, n in d.loose_names if alias_key(n) not in named}
    return d


_QUERY_ROLE = re.compile(rf"\b(?:my|our|User's|the\suser's)\s{_MODS}(?P<role>{_ROLE_ALT}|{'|'.join(lex.GROUPS)})(?!\w)", re.I)
_QUERY_NAME = re.compile(rf"(?<![\w'])(?P<name>{_NAME})(?![a-z])")


def names_in_query(query: str) -> tuple[set[str], set[str]]:
    """What a question names: alias keys of names ("anna") and canonical roles ("partner"),
    a group word standing for its roles ("my family" -> every family role)."""
    roles: set[str] = set()
    for m in _QUERY_ROLE.finditer(query):
        word = m.group("role").lower()
        roles |= set(lex.GROUPS.get(word, {_role(word)}))
    if re.search(r"\b(?:family|relatives)\b", query, re.I):
        roles |= lex.GROUPS["family"]
    names = {
        alias_key(m.group("name"))
        for m in _QUERY_NAME.finditer(query)
        if m.group("name").split()[0] not in lex.NOT_NAMES
    }
    if re.search(r"\b(?:I|me|my|user)\b", query, re.I):
        names.add(USER_ALIAS)
    return names, roles


_QUERY_POSSESSIVE = re.compile(
    rf"(?<![\w'])(?P<owner>{_NAME})'s?\s{_MODS}(?P<role>{_ROLE_ALT}|{'|'.join(lex.GROUPS)})(?!\w)"
)


def possessives_in_query(query: str) -> list[tuple[str, frozenset[str]]]:
    """``(owner alias, roles)`` for each "<Name>'s <role>" a question names ("Melanie's kids"
    -> ``("melanie", {"son", "daughter", "child"})``): the people one hop from someone named."""
    out: list[tuple[str, frozenset[str]]] = []
    for m in _QUERY_POSSESSIVE.finditer(query):
        if m.group("owner").split()[0] in lex.NOT_NAMES:
            continue
        word = m.group("role").lower()
        out.append((alias_key(m.group("owner")), frozenset(lex.GROUPS.get(word, {_role(word)}))))
    return out
