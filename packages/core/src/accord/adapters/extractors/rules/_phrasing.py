"""Phrasing helpers for the extraction rules: first person to third, and name-like phrases."""

from __future__ import annotations

import re

from accord.adapters.extractors.rules._lexicon import DEICTIC, DETERMINERS, PHRASE_STOPS

_ADVERBS = frozenset(
    """also really just still now always usually often never sometimes typically normally generally
    mostly actually definitely absolutely strongly truly honestly totally currently recently mainly
    primarily rarely seldom occasionally frequently regularly only even finally already personally
    no longer much""".split()
)
_MODALS = frozenset(
    """will would can could should shall may might must cannot won't wouldn't couldn't shouldn't
    mustn't didn't wasn't weren't hadn't used ought""".split()
)
_PAST = frozenset(
    """was were had did left got went came became began took made quit grew knew thought felt met
    ran said told bought brought found gave lost won wrote spent sold sent built kept fell drove
    flew ate drank saw heard stood sat taught caught fought swam sang broke chose forgot led meant
    paid rode spoke stole stuck threw woke wore understood""".split()
)
_ED_PRESENT = frozenset({"embed", "shed", "wed", "bed", "shred"})
_IRREGULAR = {"am": "is", "are": "is", "have": "has", "do": "does", "go": "goes", "be": "is", "don't": "doesn't",
              "haven't": "hasn't"}
_PRONOUNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bI am\b"), "they are"),
    (re.compile(r"\bI was\b"), "they were"),
    (re.compile(r"\bI\b"), "they"),
    (re.compile(r"\bmyself\b", re.I), "themselves"),
    (re.compile(r"\bmine\b", re.I), "theirs"),
    (re.compile(r"\bmy\b", re.I), "their"),
    (re.compile(r"\bme\b", re.I), "them"),
)


def is_past_or_modal(word: str) -> bool:
    """Whether ``word`` is a verb form that does not take a third-person "-s"."""
    lower = word.lower()
    if lower in _PAST or lower in _MODALS:
        return True
    # "need", "proceed" and "embed" end in "ed" without being past forms.
    return lower.endswith("ed") and not lower.endswith("eed") and lower not in _ED_PRESENT


def conjugate(verb: str) -> str:
    """Third-person singular of a first-person verb: "run" -> "runs", "am" -> "is", "left" -> "left"."""
    lower = verb.lower()
    if lower in _IRREGULAR:
        return _IRREGULAR[lower]
    if is_past_or_modal(lower) or not lower.isalpha():
        return verb
    if re.search(r"(?:s|sh|ch|x|z|o)$", lower):
        return verb + "es"
    if re.search(r"[^aeiou]y$", lower):
        return verb[:-1] + "ies"
    return verb + "s"


def swap_pronouns(text: str) -> str:
    """Replace remaining first-person words with "they/their/them"."""
    for pattern, replacement in _PRONOUNS:
        text = pattern.sub(replacement, text)
    return text


_LY_VERBS = frozenset("apply reply rely fly supply multiply comply bully rally tally ally sully".split())


def conjugate_predicate(predicate: str) -> str:
    """Conjugate the first verb of a predicate, skipping adverbs: "usually back up" -> "usually backs up"."""
    words = predicate.split(" ")
    for i, word in enumerate(words):
        lower = word.lower()
        if lower in _ADVERBS or (lower.endswith("ly") and len(lower) > 4 and lower not in _LY_VERBS):
            continue  # "legally changed", "mostly build": an adverb, not the verb
        words[i] = conjugate(word)
        break
    return " ".join(words)


def third_person(clause: str) -> str:
    """Rephrase a first-person clause for a prompt: "I love sushi" -> "User loves sushi"."""
    if m := re.match(r"^my\s+", clause, re.I):
        return _spoken("User's " + swap_pronouns(clause[m.end():]))
    if m := re.match(r"^I\s+", clause):
        return _spoken("User " + swap_pronouns(conjugate_predicate(clause[m.end():])))
    if m := re.match(r"^our\s+", clause, re.I):
        return _spoken("User's " + swap_pronouns(clause[m.end():]))
    if m := re.match(r"^we\s+", clause, re.I):
        # "we" takes a plural verb already: "we watch" -> "User and others watch".
        return _spoken("User and others " + swap_pronouns(clause[m.end():]))
    # Never "User: ...": a line that opens on a role label is filtered as an injected turn.
    return _spoken("User said: " + swap_pronouns(clause))


def _spoken(text: str) -> str:
    # Contractions were spelt out for the patterns; "can't stand" is how people say it.
    return re.sub(r"\bcannot\b", "can't", text)


# --- phrases ---------------------------------------------------------------------------------

_PHRASE_WORD = re.compile(r"[\w][\w.&'+#-]*")
_CONNECTORS = frozenset("of & de del da la le upon am y".split())
_ABBREVIATIONS = frozenset("st mt ft dr mr mrs ms co jr sr ste".split())


def leading_phrase(text: str, max_words: int, cased: bool) -> tuple[str, str] | None:
    """Take the name-like phrase that starts ``text``; return (phrase, remainder).

    The phrase ends at a stop word ("as", "in", "for" ...), a comma, or non-word text. Connectors
    like "of" stay inside when the next word continues the name ("Bank of America").
    """
    words = text.split()
    taken: list[str] = []
    i = 0
    while i < len(words):
        raw = words[i]
        word = raw.rstrip(",.;:!?")
        lower = word.lower()
        if not word or not _PHRASE_WORD.fullmatch(word):
            break
        if taken and lower in _CONNECTORS and i + 1 < len(words):
            nxt = words[i + 1]
            if nxt.lower() in PHRASE_STOPS or (cased and not nxt[:1].isupper()):
                break
        elif taken and lower in PHRASE_STOPS:
            break
        if raw == word + "." and lower in _ABBREVIATIONS and i + 1 < len(words) and words[i + 1][:1].isupper():
            taken.append(raw)  # "St. Mary's", "Mt. Sinai": the point abbreviates, the name goes on
            i += 1
            continue
        taken.append(word)
        i += 1
        if raw != word:
            break
    if not taken or len(taken) > max_words:
        return None
    return " ".join(taken), " ".join(words[i:])


def proper_phrase(text: str, max_words: int, cased: bool, strict: bool = False) -> tuple[str, str] | None:
    """A proper-noun phrase at the start of ``text`` (a place, an employer), with the remainder.

    When the writer uses capitals, the phrase must be capitalised; ``strict`` also refuses it when
    the writer does not, for patterns too weak to trust without that signal.
    """
    found = leading_phrase(text, max_words, cased)
    if found is None:
        return None
    phrase, rest = found
    words = phrase.split()
    if words[0].lower() == "the" and len(words) > 1:
        if not words[1][:1].isupper():  # "the Guardian" names something, "the call" does not
            return None
        words = words[1:]
    first = words[0]
    if first.lower() in DETERMINERS or first.lower() in DEICTIC or first[:1].isdigit():
        return None
    if strict and not cased:
        return None
    if cased and not first[:1].isupper():
        return None
    return phrase, rest


def object_words(text: str, max_words: int) -> list[str] | None:
    """The words of a short object phrase ("short answers"), or ``None`` if it is not one."""
    words = [w for w in re.findall(r"[\w][\w.+#'-]*", text)]
    if not words or len(words) > max_words:
        return None
    if any(w.lower() in DEICTIC for w in words):
        return None
    while words and words[0].lower() in DETERMINERS:
        words = words[1:]
    return words or None


def normalise_value(text: str) -> str:
    """Lowercase, single-spaced, without edge punctuation: the form ``attribute_value`` takes."""
    return " ".join(text.lower().split()).strip(" ,.;:!?\"'")


_LIST_COMMA = re.compile(r"\s*,\s*(?:(?:and|or|&)\s+)?", re.I)
_LIST_CONJ = re.compile(r"\s+(?:and|or|&)\s+", re.I)


_ASIDE = re.compile(
    r"(?:,\s*|\s+)(?:just fyi|fyi|btw|by the way|lol|haha|tbh|honestly|though|tho|please|pls|thanks|"
    r"if that helps|just so you know|in case that matters)\W*$",
    re.I,
)


def without_aside(text: str) -> str:
    """The phrase without a trailing aside: "shellfish, just FYI" -> "shellfish"."""
    return _ASIDE.sub("", text.strip())


def split_list(text: str, *, every_conjunction: bool = False) -> list[str]:
    """The items of a list phrase: "hiking, climbing and skiing" -> three items.

    Only the last "and" joins items unless ``every_conjunction``, so "pizza, pasta and mac and
    cheese" keeps its dish; callers still check every item, since "fish and chips" is one thing.
    """
    text = without_aside(text)
    separators = list(_LIST_COMMA.finditer(text))
    chunks = [c for c in _LIST_COMMA.split(text) if c]
    if not chunks:
        return []
    if every_conjunction:
        return [item for chunk in chunks for item in _LIST_CONJ.split(chunk) if item]
    if separators and separators[-1][0].strip(" ,"):  # "a, b, and c": the last item is whole
        return chunks
    *head, last = chunks
    return [*head, *(item for item in _LIST_CONJ.split(last, maxsplit=1) if item)]


_A_BEFORE = re.compile(r"\b([Aa]) ([A-Za-z][\w-]*)")


def _sounds_like_a_vowel(word: str) -> bool:
    lower = word.lower()
    if word.isupper() and len(word) > 1:
        # Letters read one by one ("an MRI", "an LGBTQ group"), unless it is read as a word ("a NASA").
        spelled = len(word) <= 3 or not re.search(r"[AEIOU]", word)
        return word[0] in "AEFHILMNORSX" if spelled else word[0] in "AEIO"
    return lower[0] in "aeio" and not lower.startswith(("one", "once", "eu"))


def fix_articles(text: str) -> str:
    """ "a LGBTQ group" -> "an LGBTQ group", "a old friend" -> "an old friend"."""
    return _A_BEFORE.sub(lambda m: f"{m[1]}n {m[2]}" if _sounds_like_a_vowel(m[2]) else m[0], text)
