"""Text handling for the rule-based extractor: cleaning, splitting and gating.

Everything here is a pure function over strings. The flow for one user turn is::

    clean_message -> split_sentences -> expand_contractions -> split_clauses
    -> normalise_clause -> is_usable -> (rules)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules._wording import CONTRACTIONS as _CONTRACTIONS
from accord.adapters.extractors.rules._frames import OPINION
from accord.adapters.extractors.rules._reciprocal import first_person_event
from accord.adapters.extractors.rules._wording import FILLER_WORDS as _FILLER_WORDS
from accord.adapters.extractors.rules._wording import GREETINGS as _GREETINGS
from accord.adapters.extractors.rules._wording import HEDGES as _HEDGES
from accord.adapters.extractors.rules._wording import SUBJECT_DROP as _SUBJECT_DROP
from accord.adapters.extractors.rules._wording import SUBJECT_DROP_EXPAND as _SUBJECT_DROP_EXPAND
from accord.adapters.extractors.rules._wording import TYPOS as _TYPOS

_CODE_BLOCK = re.compile(r"```.*?(?:```|\Z)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_QUOTED_LINE = re.compile(r"^\s*>.*$", re.M)
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00b4": "'"})

# A sentence runs to . ! ? ; or a newline; "Node.js" and "5.5" do not end one.
# Titles and initials ("St. Luke's", "Dr. Lee", "Ursula K. Le Guin", "U.S.") do not end one either.
_SENTENCE = re.compile(
    r"(?:(?<!\w)(?:St|Dr|Mr|Mrs|Ms|Jr|Sr|Prof|Mt|Ft|vs|etc|approx|No|[A-Z])\.(?=\s+\w|\w)"
    r"|\w\.(?=\w)|[^.!?;\n])+[.!?]*"
)
_QUESTION_END = re.compile(r"\?[^\w]*$")

# "my husband's a chef", "my grandma's the one": the "'s" is "is" before an article or a name.
_POSSESSIVE_IS = re.compile(
    r"\b((?i:my) (?:[\w-]+ ){0,2}?[\w-]+)'s\s+(?=(?:a|an|the|called|named|from|in|at|on|\d+|[A-Z]\w*)\b)"
)
_NEG_TYPO = re.compile(r"\b(do|does|did|is|was|ca|wo|have|has|are|were)nt\b", re.I)

_CONJ_SUBJECT = re.compile(
    r"\s*,?\s+(?:and|but|so|plus|although|though|while|whereas|because|and then|but now|and now|"
    # not a bare "like": "explain it like I'm five" is a simile (", like I go daily" splits below)
    r"and also|and so|since|cause|cuz|and honestly|but honestly)(?:\s+(?:now|then|honestly|basically|these days))?"
    r"\s+(?=(?:I|my|it is|it's)\b)"
    r"|\s*[,;:]\s*(?:and\s+|but\s+|so\s+|like\s+|plus\s+)?(?=(?:I|my|we|our|me and)\b(?!\s*[,.]))"
    r"|\s+-+\s+(?=(?:I|my)\b)",
    re.I,
)
_CONJ_WORD_SUBJECT = re.compile(
    r"\s*,?\s+(?:and|but|so|plus|although|though|whereas|because|and then|but now|and now|and also)\s+"
    r"(?=(?:I|my)\b)",
    re.I,
)
_PARTICIPLE = re.compile(
    r"\s*,\s*(?:and\s+)?(?=(?:now\s+|currently\s+)?(born|raised|living|based|working|studying|married|"
    r"originally from|from|looking for|trying to|hoping to|planning to|training for|saving up|saving for)\b)"
    # "a Brazilian living in Lisbon": without a comma only before its preposition
    r"|(?<=\w)\s+(?=(living|based|working|studying) (?:in|at|as|for|from)\b)",
    re.I,
)
_PARTICIPLE_SUBJECT = {"born": "I was ", "raised": "I was "}
# Not after a verb that takes the role itself: "I work as a nurse" is one statement.
_AS_ROLE = re.compile(
    r"(?<!\bwork)(?<!\bworks)(?<!\bworking)(?<!\bworked)(?<!\bemployed)(?<!\bserve)(?<!\bserving)(?<!\bstarted)"
    r"(?<!\bjob)(?<!\btrained)(?<=\w)\s+as (?=an? (?!result\b|matter\b|kid\b|child\b|teen\b|student\b|hobby\b|pastime\b|side\b|joke\b|gift\b|treat\b|"
    r"favou?r\b|backup\b|bonus\b|reward\b|precaution\b|rule\b|habit\b|way\b|means\b|whole\b|family\b)[\w-]+(?: [\w-]+){0,3}$)",
    re.I,
)
_SUBORDINATE_LEAD = re.compile(r"^(?:when|whenever|before|after|once|until|while|every time|each time)\b", re.I)
# "Our office is in Berlin and our team uses Jira": only after an "our" clause, since in "I love my
# wife and our kids" the "our" is part of the object.
_CONJ_OUR = re.compile(r"\s*,?\s+(?:and|but|while|whereas|and also)\s+(?=our\b)", re.I)
_CONJ_VERB = re.compile(
    r"\s*,?\s+(?:and|but)\s+(?:then\s+|now\s+|also\s+|recently\s+|just\s+|later\s+)?"
    r"(?=(?:joined|moved|relocated|started|left|quit|live|work|got|eat|prefer|love|hate|speak|went|switched|"
    r"upgraded|sold|bought|picked up|traded|stopped|cancell?ed|closed|returned|resubscribed|took|ditched|"
    r"have|haven't|have not|don't|do not|never|can't|cannot|still|usually|always|graduated|studied|teach|"
    r"play|own|drive|use|speak|volunteer)\b)",
    re.I,
)

_PAIR_SUBJECT = re.compile(r"^[A-Z][a-z'-]+ and I\b")




def _lead_pattern(words: tuple[str, ...], unless: str = "") -> re.Pattern[str]:
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"^{unless}(?:{alts})(?:\s+that)?(?:\s*[,:;.!\-]+\s*|\s+|$)", re.I)


# "No, I live in Oslo" opens on a filler; "No more choir for me" says what ended.
_FILLER = _lead_pattern(_FILLER_WORDS, unless=r"(?!no\s+(?:more|longer)\b)")
_GREETING = _lead_pattern(_GREETINGS)
_HEDGE = _lead_pattern(_HEDGES)
_INLINE_HEDGE = re.compile(
    r"\b(?:probably|maybe|perhaps|possibly|kind of|kinda|sort of|sorta|I think|I guess|not sure|lil bit of|little bit of)\b",
    re.I,
)
_SOFT_HEDGE = re.compile(r"\b(?:kind of|kinda|sort of|sorta|(?:a )?(?:lil|little) bit of)\s+(?=\w)", re.I)
_MODAL_HEDGE = (
    (re.compile(r"^I (?:might|may|could) be\b", re.I), "I am"),
    (re.compile(r"^I (?:might|may)\s+(?!be\b)", re.I), "I "),
    (re.compile(r"^I am (?:probably|maybe|possibly|perhaps)\s+", re.I), "I am "),
    (re.compile(r"^I (?:probably|maybe|possibly|perhaps)\s+", re.I), "I "),
)
_STANDING = re.compile(
    r",?\s*\b(?:from now on|going forward|in (?:the )?future|by default|for all future "
    r"(?:answers|responses|replies|chats))\b,?\s*",
    re.I,
)
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u00b7]+|\d+[.)])\s+")
_TRAILING_FILLER = re.compile(
    r"(?:[\s,]+(?:lol|haha+|hehe|lmao|tbh|btw|though|tho|please|pls|plz|thanks|thank you|thx|ty|"
    r"ok|okay|xd|:\)|:d|;\)|<3|fr|af|ngl|imo|imho|istg|lowkey|fwiw|no cap|on god|fr fr|frfr|smh|deadass|"
    r"bruh|lmfao|rofl|ig|idk|tho|for real|no contest|periodt?|ong|💀|😭|😂))+$",
    re.I,
)
# How the user feels about what they just said: "I'm retired and loving it", "married and living the
# good life". The feeling is no part of the fact.
_TRAILING_FEELING = re.compile(
    r"[\s,]+and (?:(?:really|totally|absolutely|just) )?(?:loving|enjoying|hating|living) "
    r"(?:it|every (?:minute|second|bit)(?: of it)?|the (?:\w+ )?life|life)\s*[.!]*$",
    re.I,
)
# A bare noun phrase naming a role, diet or condition: "Nurse", "Jazz fan", "Shellfish allergy".
_NOUN_FRAGMENT = re.compile(r"^(?:an? )?[\w'+#-]+(?: [\w'+#-]+){0,3}$", re.I)

_QUESTION_START = re.compile(
    r"^(?:do|does|did|am|are|is|was|were|can|could|would|will|should|shall|has|had|what|what's|whats|"
    r"who|who's|whom|whose|where|where's|why|how|how's|which|isn't|aren't|doesn't|didn't|won't|"
    r"wouldn't|may|when (?:is|are|was|were|do|does|did|will|should|can|could|would)|"
    # the same, typed fast: "wat should i get", "hw do i", "ne1 know", "shud i"
    r"wat|wut|wht|hw|whr|wen (?:is|do|does|did|will|should|can)|shud|shld|cud|wud|ne1|any1|anyone|anybody|"
    r"y (?:is|are|do|does|did|would|should|can))\b"
    r"|^I (?:wonder|was wondering|am wondering|am curious|was curious)\b",
    re.I,
)
_HYPOTHETICAL = re.compile(
    r"\b(?:if|imagine|imagining|suppose|supposing|pretend|pretending|hypothetically|hypothetical|"
    r"wish|unless|whether|assuming|let's say|lets say|let us say|in theory|theoretically|"
    r"would have|could have|should have|roleplay|role-play|role play|in a story|fictional|what if|"
    r"scenario|almost|nearly)\b"
    r"|\bI were\b|\bwere I\b",
    re.I,
)
_SECRET = re.compile(
    r"\b(?:password|passwd|passcode|api[ _-]?key|secret key|access token|ssn|social security|"
    r"credit card|cvv|pin code)\b|\b(?:sk|pk|ghp|xox[bp])[-_][A-Za-z0-9]{8,}|\b\d{12,19}\b",
    re.I,
)
# Text that tries to steer the assistant, or is plainly dangerous, poisons the whole turn.
_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}\b(?:instructions?|prompts?|rules|"
    r"guidelines|directives|messages|context|system)\b|\bsystem prompt\b|\bdeveloper mode\b|"
    r"\bjailbreak|\brm\s+-rf\b|\bsudo\b|<\||\[/?INST\]|\byou are now\b|\bnew instructions\b|"
    r"\byou must\b|\bdrop table\b|\|\s*(?:ba)?sh\b|\bact as\b",
    re.I,
)
# Someone else's words: a quoted span (an apostrophe inside a word does not open one).
_QUOTED_SPAN = re.compile(r"(?<![\w])'(?=\S)[^\n]*?(?<=\S)'(?![\w])|\"[^\"\n]*\"")
# Text handed over to be worked on: "proofread this: ...", "Scenario for an exercise: ...".
_PASTED = re.compile(
    r"(?P<lead>^[^:\n]{0,80}\b(?:this|these|following|sample|example|scenario|exercise|fixture|test|"
    r"template|translate|paraphrase|proofread|punctuate|rewrite|summari[sz]e|check|fix|tidy|caption|"
    r"quote|line|says?|said|wrote|writes|goes|posting|profile|log|email|text|reads?)\b[^:\n]{0,40}:)"
    r"[^\n]*(?:\n[ \t]+[^\n]*)*",
    re.I | re.M,
)
# Sarcasm markers: eye-roll emoji, "/s", or "oh sure / yeah right / oh great" openings.
_SARCASM = re.compile(
    r"[\U0001F644\U0001F643\U0001F612]|(?:^|\s)/s\b|^\W*(?:oh|ah)\W+(?:sure|great|wow|joy|definitely|yes|"
    r"yeah|totally|right|perfect|splendid)\b|^\W*(?:yeah|yes)\W+(?:right|sure|love|i am absolutely)\b"
    r"|\bobviously a genius\b|\bjust ask\b|\bsaid no ?(?:one|body) ever\b"
    # "I'm totally a morning person. Not.": a bare "not" taking back what was just said
    r"|[.!]\s+not\W*$",
    re.I,
)
# "As my dad likes to say, I'm a lawyer, not a magician": a saying is someone else's words.
_SAYING = re.compile(
    r"(?:^|(?<=[.!?]\s))\W*as (?:my|our|his|her|the|a|an) [^,.!?]{1,40}? (?:likes to say|always says|would say|"
    r"used to say|loves to say|says|said|puts it)\s*,[^.!?]*[.!?]?",
    re.I,
)
_SHOUTED_DELIGHT = re.compile(r"\b(?:THRILLED|DELIGHTED|THRILLING)\b")  # case matters: shouting is the tell
# Irony: "jk", "kidding", "(joking)", unless the joke is someone else's ("he kept joking that ...",
# "you're kidding").
_IRONY_WORD = re.compile(r"\b(?:jk|j/k|kidding|joking)\b|(?:^|\s)/s\b", re.I)
_OTHERS_JOKE = re.compile(
    r"\b(?:he|she|they|you|you're|youre|we|someone|everyone|people|kept|keeps|was|were|stop|always|not|\w+'s)"
    r"\s+(?:\w+\s+)?(?:kidding|joking)\b",
    re.I,
)
# "We have two kids" and "our daughter" speak for the user's household; every rule that reads them
# says so in its own pattern, so letting them through here changes nothing else.
_FIRST_PERSON_OR_COMMAND = re.compile(
    r"\b(?:I|my|me|mine)\b|^(?:we|our)\b"
    r"|^(?:please\s+)?(?:always|never|don't|do not|answer|respond|reply|write|"
    r"speak|talk|call)\b",
    re.I,
)
# Third-person subjects a rule may still read as the user's or their organisation's: "the bar exam
# is on July 28", "the company's support email is ...", "the cafeteria closes at 3pm".
_SHARED_SUBJECT = re.compile(
    rf"^the (?:{lex.alternation(lex.ORG_BODIES)}'s|(?:[\w'-]+ ){{0,3}}"
    rf"{lex.alternation(lex.EVENT_NOUNS | lex.FACILITIES)})\b",
    re.I,
)
_MAX_CLAUSE_WORDS = 40
_MAX_MESSAGE_CHARS = 6000


@dataclass(frozen=True, slots=True)
class NormalisedClause:
    """A clause after cleaning, with what the cleaning noticed on the way."""

    text: str
    hedged: bool
    greeting: bool
    standing: bool


def _ironic(text: str) -> bool:
    """Whether the user marks their own words as a joke."""
    return any(not _OTHERS_JOKE.search(text[max(0, m.start() - 30): m.end()]) for m in _IRONY_WORD.finditer(text))


def clean_message(text: str) -> str | None:
    """Drop code, quoted lines and unsafe turns; ``None`` means "extract nothing from this turn"."""
    if len(text) > _MAX_MESSAGE_CHARS:  # pasted documents speak for their author, not the user
        return None
    text = _QUOTED_LINE.sub(" ", _INLINE_CODE.sub(" ", _CODE_BLOCK.sub(" ", text)))
    text = text.translate(_QUOTES)
    if _INJECTION.search(text) or _ironic(text) or _SARCASM.search(text) or _SHOUTED_DELIGHT.search(text):
        return None
    text = _SAYING.sub(" ", _QUOTED_SPAN.sub(" ", text))
    return _PASTED.sub(lambda m: m["lead"], text)


def uses_capitals(text: str) -> bool:
    """Whether the writer uses capital letters at all.

    Someone who writes "I" and sentence starts in capitals is taken to capitalise names too, so
    a lowercase "the call" is not an employer; an all-lowercase writer gets the benefit of doubt.
    """
    return any(c.isupper() for c in text)


_UPTALK = re.compile(
    r"^(?:(?:so|okay|ok|well|um|and|but|maybe|i think|i guess|i mean|oh|also|like|you know|just so you know),?\s+)*"
    r"(?:I|I'm|I am|I've|my|our|we|we're|we've)\s",
    re.I,
)
# "..., you know?", "..., if that makes sense?": a tag that asks nothing of the statement before it.
_TAG_QUESTION = re.compile(
    r"(?:,|\s)\s*(?:you know|ya know|y'know|if that makes sense|does that make sense|know what I mean|lol|haha|"
    r"gosh|right now|now|these days|at this point|honestly|tbh|I guess|I think)\W*$",
    re.I,
)
# Uptalk carries a hedge; "I'm vegetarian, right?" and a bare "I live in Berlin?" ask for confirmation.
_UPTALK_HEDGE = re.compile(
    r"\b(?:I think|I guess|maybe|kind of|sort of|kinda|sorta|probably|I suppose|almost|like|gosh)\b"
    r"(?!.*,\s*(?:right|correct|yes|no)$)",
    re.I,
)


def split_sentences(text: str) -> list[tuple[str, bool]]:
    """Split into (sentence, is_question) pairs, without the terminal punctuation."""
    out = []
    for raw in _SENTENCE.findall(text):
        stripped = raw.strip()
        if not stripped:
            continue
        if _QUESTION_END.search(stripped):
            out.extend(_split_question(stripped.rstrip(".!?").strip()))
        else:
            out.append((stripped.rstrip(".!?").strip(), False))
    return out


def _split_question(sentence: str) -> list[tuple[str, bool]]:
    """ "I work at Plaid, can you draft an intro?": the statement before the question still counts."""
    rising = _UPTALK_HEDGE.search(sentence) or _TAG_QUESTION.search(sentence)
    if _UPTALK.match(sentence) and rising and not _QUESTION_START.search(sentence):
        # "I think I sort of get derivatives now?": a hedged statement said with a rising tone
        return [(sentence, False)]
    parts = sentence.split(", ")
    for i, part in enumerate(parts):
        if i and _QUESTION_START.search(part.strip()):
            return [(", ".join(parts[:i]), False), (", ".join(parts[i:]), True)]
    return [(sentence, True)]


def expand_contractions(text: str) -> str:
    """Spell out first-person contractions so patterns only need one form ("I'm" -> "I am")."""
    for pattern, replacement in _TYPOS:
        text = pattern.sub(replacement, text)
    text = _POSSESSIVE_IS.sub(r"\1 is ", text)
    text = _NEG_TYPO.sub(lambda m: m[1] + "n't", text)
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return text


def split_clauses(sentence: str) -> list[str]:
    """Split where a new first-person clause starts: "I'm vegan and my wife is Anna" -> two.

    A bare verb after "and" gets its implied subject back ("I left Acme and joined X").
    """
    pair = _PAIR_SUBJECT.match(sentence)  # "Hana and I broke up" has one subject, not two clauses
    if pair:
        sentence = sentence[: pair.end()].replace(" and I", "\x01") + sentence[pair.end():]
    sentence = _CONJ_VERB.sub("\x00I ", sentence)
    if re.match(r"^(?:I|my|we)\b", sentence, re.I):
        # "I'm Ghanaian, born in Kumasi, now living in London": each participle is a statement.
        sentence = _PARTICIPLE.sub(lambda m: "\x00" + _PARTICIPLE_SUBJECT.get((m[1] or m[2]).lower(), "I am "), sentence)
        # "employed by the Ministry of Health as a policy analyst": the role is a statement too.
        sentence = _AS_ROLE.sub("\x00I am ", sentence)
    if _SUBORDINATE_LEAD.match(sentence):  # "When I deploy, I run the tests" is one statement
        sentence = _CONJ_WORD_SUBJECT.sub("\x00", sentence)
    else:
        sentence = _CONJ_SUBJECT.sub("\x00", sentence)
    if sentence[:4].lower() == "our ":
        sentence = _CONJ_OUR.sub("\x00", sentence)
    return [part.replace("\x01", " and I").strip() for part in sentence.split("\x00") if part.strip()]


def normalise_clause(clause: str) -> NormalisedClause | None:
    """Strip fillers, hedges and trailing noise; ``None`` when the clause must not be used."""
    if clause[:1] in "\"'":  # quoted speech is someone else's words
        return None
    text, standing = _STANDING.subn(" ", clause)
    text = _BULLET.sub("", text).strip()
    greeting = hedged = False
    while True:
        before = text
        if m := _GREETING.match(text):
            greeting, text = True, text[m.end():]
        if m := _FILLER.match(text):
            text = text[m.end():]
        if m := _HEDGE.match(text):
            hedged, text = True, text[m.end():]
        if text == before:
            break
    text = _TRAILING_FEELING.sub("", _TRAILING_FILLER.sub("", text))
    text = re.sub(r"[^\w+#%]+$", "", text).strip()
    text = re.sub(r"\s+", " ", text)
    if _INLINE_HEDGE.search(text):
        hedged = True
        # Noted as a hedge, "kind of" is no part of what is said: "I'm kind of learning Italian".
        text = _SOFT_HEDGE.sub("", text)
    for pattern, replacement in _MODAL_HEDGE:
        text, n = pattern.subn(replacement, text)
        hedged = hedged or bool(n)
    if m := _SUBJECT_DROP.match(text):
        verb = m.group(1).lower()
        rest = text[m.end(1):].strip()
        # "Got two kids" is having them; "got engaged", "got laid off" happened.
        expanded = verb if verb == "got" and _GOT_PARTICIPLE.match(rest) else _SUBJECT_DROP_EXPAND.get(verb, verb)
        text = " ".join(("I", expanded, rest)).strip()
    elif fragment := noun_fragment(text):
        text = fragment
    if (event := first_person_event(text)) is not None:
        text = event
    elif m := _CHANGED_MY.match(text):  # "changed my major to computer science": the major is that now
        text = f"my {m['thing']} is {m['new']} now"
    elif not _PAST_TIME.search(text):  # "I began running last spring" is a story, not the present
        text = _BEGAN.sub(r"I am \g<doing>", text)
    return NormalisedClause(text, hedged, greeting, bool(standing))


# "I've started learning Korean", "I began running": what the user has begun doing, they do now.
_BEGAN = re.compile(
    r"^I (?:have |had )?(?:just |recently |finally |now |also )?(?:started|began|begun) (?P<doing>[a-z]+ing\b)(?! to\b)",
)
_CHANGED_MY = re.compile(
    r"^I (?:have |had )?(?:just |finally |recently |officially )?(?:changed|switched|renamed|moved|updated) "
    r"my (?P<thing>[\w-]+(?: [\w-]+)?) (?:over )?to (?P<new>(?!the\b)\S.*?)(?:,? (?:now|instead|last \w+|this \w+))?$",
    re.I,
)
_PAST_TIME = re.compile(r"\b(?:last|ago|yesterday|when|back then|in (?:19|20)\d\d)\b", re.I)
# "got back from the gym", "got home", "got up early" are where one went, not what one has.
_GOT_PARTICIPLE = re.compile(
    r"^(?:\w+ed|laid off|let go|engaged|hired|fired|married|promoted|dumped|bumped up|back|home|up|in|out|off|"
    r"there|here|lost|stuck|caught|sick|ill)\b",
    re.I,
)


_SOMEONE = re.compile(
    r"^(?:he|she|they|it|he's|she's|they're|it's|his|her|their|its|this|that|there|here|you|you're|your)\b", re.I
)


def noun_fragment(text: str) -> str | None:
    """ "Nurse" -> "I am a nurse", "Shellfish allergy" -> "I have a shellfish allergy"; else ``None``."""
    if not _NOUN_FRAGMENT.match(text) or _FIRST_PERSON_OR_COMMAND.search(text) or _SOMEONE.match(text):
        return None  # "He's a chef" is about someone else
    words = text.lower().split()
    head = words[-1]
    if head in {"allergy", "intolerance"} | lex.FRAGMENT_CONDITIONS:
        return f"I have a {text}"
    if head in lex.JOB_NOUNS | lex.FRAGMENT_ROLES | lex.DIETS or words[0] in lex.DIETS:
        article = "" if words[0] in {"a", "an"} or head in lex.DIETS else "a "
        return f"I am {article}{text}"
    return None


def asks(sentence: str) -> bool:
    """Whether a sentence is a question by its first words, with or without its mark."""
    return bool(_QUESTION_START.search(sentence.strip()))


def is_usable(text: str, *, standing: bool = False) -> bool:
    """Gate out questions, hypotheticals, secrets, overlong and non-first-person clauses.

    A clause with a standing marker ("from now on") may be a bare imperative ("use metric"); one
    about an event or the organisation may start with "the" ("the bar exam is on July 28").
    """
    if not text or len(text.split()) > _MAX_CLAUSE_WORDS:
        return False
    if _QUESTION_START.search(text) or _HYPOTHETICAL.search(text) or _SECRET.search(text):
        return False
    return standing or bool(_FIRST_PERSON_OR_COMMAND.search(text) or _SHARED_SUBJECT.search(text) or OPINION.search(text))


_OPENS_HYPOTHETICAL = re.compile(
    r"^\W*(?:so\s+|but\s+|and\s+|ok(?:ay)?\s+|lol\s+)?(?:what if|if|imagine|suppose|supposing|assuming|"
    r"let'?s say|pretend|hypothetically|say)\b",
    re.I,
)


def opens_hypothetical(sentence: str) -> bool:
    """Whether a sentence opens on a supposition, so none of its clauses is a fact ("what if I ...")."""
    return bool(_OPENS_HYPOTHETICAL.match(sentence))


def is_bare_greeting(sentence: str) -> bool:
    """Whether a sentence is only a greeting ("Hi!"), so the next one may be an introduction."""
    m = _GREETING.match(sentence.strip())
    return m is not None and not sentence.strip()[m.end():].strip(" ,.!")
