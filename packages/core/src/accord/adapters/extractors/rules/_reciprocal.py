"""Partnership events said of a pair, in the user's own first person. Pure functions, no I/O.

"Lena and I got engaged", "we got married in June", "Rachel and I are getting divorced",
"Tariq proposed and I said yes", "I married Carmen": one event of the user's partnership,
whichever way the pair is named. Rewritten as "I got engaged to Lena", "I got married",
"I am getting divorced from Rachel", the marital-status rule reads every one of them, with the
partner's name in its value, so a new stage or a new partner supersedes the old one.
"""

from __future__ import annotations

import re

__all__ = ["first_person_event"]

_NAME = r"(?P<name>[A-Z][a-z'-]+)"
_WHEN = r"(?:just |finally |officially |recently |actually )?"
_STAGE = r"(?P<stage>engaged|married|hitched|wed|divorced|separated)"
_PAIR = re.compile(
    rf"^(?:{_NAME} and I|I and {_NAME.replace('name', 'name2')}|me and {_NAME.replace('name', 'name3')}|we|We) "
    rf"(?:have |had )?{_WHEN}(?P<verb>got|are getting|were getting|are|were|have been|got ourselves) {_WHEN}{_STAGE}\b(?P<rest>.*)$"
)
_PROPOSED = re.compile(rf"^{_NAME} {_WHEN}proposed(?: to me)?(?:,? and I said yes)?\b(?P<rest>.*)$")
_MARRIED = re.compile(rf"^I {_WHEN}(?P<verb>married|am marrying|am going to marry|will marry) {_NAME}\b(?P<rest>.*)$")
# Not a partner: "my sister and I got married the same year" is not one event.
_NOT_A_PARTNER = frozenset(
    "my the our his her their mom mum dad sister brother friend we i".split()
)


def first_person_event(text: str) -> str | None:
    """The clause as the user's own partnership event, or None when it is not one."""
    if m := _PAIR.match(text):
        name = m["name"] or m["name2"] or m["name3"]
        if name and name.lower() in _NOT_A_PARTNER:
            return None
        stage = {"hitched": "married", "wed": "married"}.get(m["stage"], m["stage"])
        getting = m["verb"].endswith("getting")
        if getting and stage == "married":
            stage, verb = "engaged", "am"  # a wedding to come: engaged now
        else:
            verb = "am getting" if getting else ("got" if m["verb"] == "got" else "am")
        link = "from" if stage in {"divorced", "separated"} else "to"
        partner = f" {link} {name}" if name else ""
        return f"I {verb} {stage}{partner}{m['rest']}"
    if m := _PROPOSED.match(text):
        return f"I got engaged to {m['name']}{m['rest']}"
    if (m := _MARRIED.match(text)) and m["name"].lower() not in _NOT_A_PARTNER:
        verb = "got married" if m["verb"] == "married" else "am engaged"
        return f"I {verb} to {m['name']}{m['rest']}"
    return None
