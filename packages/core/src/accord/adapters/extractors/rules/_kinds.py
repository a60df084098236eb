"""Kinds of things a user has one of at a time, named by what they are rather than how they are said.

"I use Vim", "I'm a Vim person", "Vim, always" and "switched to VS Code" each reach the rules by a
different predicate, so the keys derived from predicates (``use:vim``, ``be:vim person``,
``switch_to:vs code``) never meet, and a change leaves the old value current. What the object *is*
does not depend on the phrasing: Vim and VS Code are both editors, Spotify and Apple Music both
music services, a GTX 1060 and an RTX 4070 both graphics cards. A fact whose object names a known
thing of such a kind is keyed by the kind (``editor``, ``music_service``, ``gpu`` ...), whatever its
predicate, so a later value of the same kind supersedes it and a denial ("cancelled Netflix")
retires it. The lexicons are data: add names here.
"""

from __future__ import annotations

import re
from dataclasses import replace

from accord.domain.models import Category
from accord.adapters.extractors.rules import _vocab as vocab
from accord.adapters.extractors.rules._base import LIKELY, Draft

__all__ = ["KINDS", "PROPER_ONLY", "possessions_in", "rekey", "switched_kinds_in"]

# kind -> names of things of that kind (lowercase; the longest match wins). Names that are also
# everyday words ("max", "edge", "switch", "chase", "arch") appear only in unambiguous forms.
KINDS: dict[str, tuple[str, ...]] = {
    "editor": ("vim", "neovim", "nvim", "emacs", "vs code", "vscode", "visual studio code", "sublime text",
               "intellij", "pycharm", "webstorm", "notepad++", "jetbrains", "android studio", "xcode", "helix"),
    "phone": ("iphone", "android phone", "pixel", "galaxy s", "samsung galaxy", "oneplus", "motorola", "blackberry",
              "xiaomi", "nokia"),
    "music_service": ("spotify", "apple music", "tidal", "deezer", "youtube music", "pandora", "amazon music",
                      "soundcloud", "qobuz"),
    "video_service": ("netflix", "hulu", "disney+", "disney plus", "hbo max", "prime video", "amazon prime",
                      "peacock", "paramount+", "apple tv+", "crunchyroll", "youtube tv"),
    "bank": ("wells fargo", "chase bank", "bank of america", "citibank", "ally bank", "capital one", "barclays",
             "hsbc", "santander", "lloyds", "natwest", "monzo", "revolut", "n26", "chime", "schwab", "td bank",
             "pnc", "usaa", "navy federal", "starling", "nationwide"),
    "gym": ("planet fitness", "equinox", "la fitness", "24 hour fitness", "gold's gym", "anytime fitness",
            "orangetheory", "ymca", "puregym", "the gym group", "david lloyd", "crunch fitness", "lifetime fitness"),
    "internet_provider": ("comcast", "xfinity", "verizon fios", "fios", "spectrum", "cox", "starlink",
                          "virgin media", "centurylink", "google fiber", "frontier", "sonic"),
    "console": ("ps4", "ps5", "playstation", "xbox", "xbox one", "xbox series x", "nintendo switch", "switch lite",
                "switch oled", "steam deck", "wii u"),
    "camera": ("canon", "nikon", "sony a7", "fujifilm", "fuji x", "rebel t7", "eos r", "lumix", "gopro", "leica",
               "olympus"),
    "browser": ("chrome", "firefox", "safari", "brave browser", "microsoft edge", "vivaldi"),
    "operating_system": ("windows", "macos", "linux", "ubuntu", "arch linux", "fedora", "debian", "chromeos",
                         "linux mint", "pop!_os"),
    "gpu": ("gtx", "rtx", "radeon", "geforce"),
    "notes_app": ("notion", "obsidian", "evernote", "onenote", "roam research", "logseq"),
    "mobile_carrier": ("vodafone", "t-mobile", "at&t", "o2", "telstra", "movistar", "mint mobile", "cricket wireless",
                       "boost mobile", "telus", "airtel", "lebara", "giffgaff", "verizon wireless", "us mobile",
                       "visible", "google fi", "tesco mobile", "lycamobile"),
}
# Names that are also everyday words count only when written as names: "Ally", not "an ally".
PROPER_ONLY: dict[str, tuple[str, ...]] = {
    "bank": ("Ally", "Chase", "Discover", "Citi"),
    "video_service": ("Max", "Prime"),
    "mobile_carrier": ("Orange", "Three", "Bell", "Rogers", "Verizon", "Sprint", "Free", "Mint"),
    "browser": ("Edge", "Arc"),
    "operating_system": ("Arch",),
}


def _names(names: tuple[str, ...]) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


_PATTERNS = {kind: re.compile(r"(?<![\w+])(?:" + _names(names) + r")(?![\w+])", re.I) for kind, names in KINDS.items()}
# With the names that count only as written, for a sentence that says it moved to one ("at Ally these days").
_NAMED_PATTERNS = {
    kind: re.compile(
        r"(?<![\w+])(?:(?i:" + _names(names) + r")" + (f"|{_names(PROPER_ONLY[kind])}" if kind in PROPER_ONLY else "")
        + r")(?![\w+])"
    )
    for kind, names in KINDS.items()
}
# Keys a vocabulary row gave on purpose: those stand.
_OWN_KEYS = re.compile(r"^(?:employer|job_title|city|hometown|name|diet|school|plan|vehicle|pet|relationship|date|org|"
                       r"preferred_|expertise|habit|procedure)")


def kind_of(text: str) -> tuple[str, str] | None:
    """(kind, name) for the first known thing ``text`` names, or None."""
    best: tuple[int, str, str] | None = None
    for kind, pattern in _PATTERNS.items():
        if m := pattern.search(text):
            if best is None or m.start() < best[0]:
                best = (m.start(), kind, m.group(0).lower())
    return None if best is None else (best[1], best[2])


def rekey(draft: Draft) -> Draft:
    """The draft keyed by the kind of thing it names, when it is a fact about such a thing."""
    if draft.category is not Category.FACT or draft.scope.value != "user":
        return draft
    if draft.key is not None and _OWN_KEYS.match(draft.key) or draft.key in KINDS:
        return draft
    found = kind_of(draft.value or "") or kind_of(draft.content)
    if found is None or re.search(rf"\b(?:called|named)\s+{re.escape(found[1])}\b", draft.content, re.I):
        return draft  # "a greyhound called Pixel" names a dog, not a phone
    kind, name = found
    # The value as said when it names the thing ("rtx 4070"), so two of one make stay two values.
    value = draft.value if draft.value and name in draft.value.lower() else name
    return replace(draft, key=kind, value=value)


# Vehicle makes and models, which name what the user drives wherever they are mentioned.
_VEHICLES = sorted((w.replace("_", " ") for w in vocab.CAR_WORDS if w not in {"car", "ev", "hybrid", "fit", "golf",
                    "leaf", "seat", "mini", "accord", "ram", "model_3", "model_y"}), key=len, reverse=True)
_MY_THING = re.compile(
    r"\bmy\s+(?:(?:old|new|trusty|beat-up|little|first|current|ancient|\d{4})\s+)*"
    r"(?P<thing>(?:(?-i:[A-Z])[\w+-]*\s+){0,2}?(?:"
    + "|".join(re.escape(v) for v in _VEHICLES)
    + "|"
    + "|".join(re.escape(n) for names in KINDS.values() for n in sorted(names, key=len, reverse=True))
    + r")(?:\s+(?-i:[A-Z0-9])[\w+-]*){0,2})(?![\w'])",
    re.I,
)


_LOST = re.compile(r"\b(?:stole|stolen|sold|lost|crashed|totaled|totalled|wrecked|gave away|got rid of|traded in|"
                   r"returned|broke|smashed)\s+(?:\w+\s+)?$", re.I)


def possessions_in(sentence: str, said: list[Draft]) -> list[Draft]:
    """``said`` with the things of a kind the sentence says the user owns ("the GPS in my old Subaru
    Outback", "I dropped my iPhone 12"), where ``said`` does not name them."""
    known = " ".join(d.content.lower() for d in said)
    out = list(said)
    for m in _MY_THING.finditer(sentence):
        thing = m["thing"].strip()
        if thing.lower() in known or _LOST.search(sentence[max(0, m.start() - 30): m.start()]):
            continue  # "somebody stole my Vespa": no longer the user's
        found = kind_of(thing)
        key = found[0] if found else "vehicle"
        article = "an" if thing[:1].lower() in "aeiou" else "a"
        out.append(Draft(f"User has {article} {thing}", Category.FACT, 0.55, key, thing.lower(), LIKELY))
        known += " " + thing.lower()
    return out


_KIND_LABELS = {"music_service": "music service", "video_service": "streaming service", "internet_provider": "internet provider",
                "operating_system": "operating system", "notes_app": "notes app", "mobile_carrier": "mobile carrier"}
# What ends a thing rather than starts it: "cancelled Netflix", "no more Hulu", "not with Comcast".
_ENDED_BEFORE = re.compile(
    r"\b(?:cancell?ed|cancld|canceled|closed|left|quit|dropped|ditched|sold|stopped|ended|unsubscribed from|"
    r"no more|not|never|no longer|got rid of|done with|away from|from|off|instead of|over|than|hated|moved from)"
    r"\s+(?:\w+\s+){0,2}$",
    re.I,
)
_PET_NAMED = re.compile(
    r"\b(?:dog|cat|puppy|kitten|pet|horse|bird|rabbit|fish|son|daughter|baby|kid|boy|girl)\s+(?:(?:is\s+)?called|named|is)\s+$",
    re.I,
)


def switched_kinds_in(sentence: str, said: list[Draft], *, changed: bool) -> list[Draft]:
    """``said`` with the thing of a known kind that a sentence of change moves to ("im going to
    Equinox now", "we've got Disney+ for the kids"), when no draft names it. Only in a sentence
    that says something changed (``changed``), and never for a thing it ends ("cancelled Netflix")."""
    if not changed:
        return said
    known = " ".join(f"{d.content} {d.value or ''}".lower() for d in said)
    named = {found[0] for d in said if not d.negated and (found := kind_of(d.value or "") or kind_of(d.content))}
    out = list(said)
    for kind, pattern in _NAMED_PATTERNS.items():
        if kind in named:
            continue  # "returned to Vodafone, with Orange there was no signal": the sentence's value is said
        for m in pattern.finditer(sentence):
            name = m.group(0)
            before = sentence[max(0, m.start() - 40): m.start()]
            if name.lower() in known or _ENDED_BEFORE.search(before) or _PET_NAMED.search(before):
                continue
            label = _KIND_LABELS.get(kind, kind.replace("_", " "))
            out.append(Draft(f"User's {label} is {name} now", Category.FACT, 0.6, kind, name.lower(), LIKELY))
            known += " " + name.lower()
    return out
