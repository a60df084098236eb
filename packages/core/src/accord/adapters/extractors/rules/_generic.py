"""The general rule: any first-person declarative the specific rules left becomes a memory.

It runs last. :func:`accord.adapters.extractors.rules._clause.analyse` reads the clause, the
attribute vocabulary (``_vocab``) names the attribute, and a clause no attribute claims still
becomes a fact keyed by its predicate ("User collects vinyl records", key ``collect:vinyl
records``). What must stay out is refused here by shape: modals and wishes, one-off past events,
passing states ("I'm tired", "I'm in Rome for the weekend"), clauses about an activity in progress
and clauses with nothing after the verb.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex
from accord.adapters.extractors.rules import _vocab as vocab
from accord.adapters.extractors.rules._base import DETAIL, LIKELY, Clause, Draft, Rule, compile_rule
from accord.adapters.extractors.rules._clause import ADVERBS, Analysis, analyse, object_head
from accord.adapters.extractors.rules._cues import category_of, is_skill, is_taste
from accord.adapters.extractors.rules._goals import for_the_moment
from accord.adapters.extractors.rules._copula import complement_key, is_passing_evaluation
from accord.adapters.extractors.rules._phrasing import fix_articles, normalise_value, third_person
from accord.adapters.extractors.rules._work import employer_after

_ANY_CLAUSE = compile_rule(r"^.+$")
_PRONOUN_OBJECT = frozenset(
    "it that this them him her there here one so too something anything at all much really that much".split()
)
# A pronoun object with only a time, place or degree after it names nothing ("it" when, "them" that
# are kept: "I love it when ...", "I hate them that much" say what follows).
_BARE_PRONOUN = re.compile(
    r"^(?:to |with |about |on |for |at )?(?:it|them|him|her|those|these)(?:\s+(?:up|out|down|off|on|in|back|again|"
    r"too|anymore|any more|a lot|so much|every \w+(?: \w+)?|on \w+(?: \w+){0,3}|at \w+(?: \w+)?|all the time|"
    r"lately|now|daily|already)\b)*[\s,.!]*$",
    re.I,
)
# Verbs of the mind say how the user thinks about the conversation, not who they are.
_MIND_VERBS = frozenset("know think guess mean suppose bet reckon wonder see understand feel".split())
# Past tense is an event, not a fact, unless its verb changes a standing attribute.
_CHANGE_VERBS = frozenset(
    """move relocate join start marry adopt get buy switch become graduate retire quit leave
    have be_born grow_up be_raised be_diagnosed_with begin lease rescue settle upgrade take""".split()
)
# Past events that change who the user is, whatever the object: "I got promoted", "we got
# engaged", "I passed the bar". Data, like the verbs above.
_LIFE_EVENT_VERBS = frozenset(
    """promote graduate marry wed divorce remarry retire adopt emigrate immigrate relocate transition
    naturalize naturalise enlist enroll enrol""".split()
)
_LIFE_PARTICIPLE = re.compile(
    r"^(?:promoted|engaged|married|remarried|divorced|separated|hired|fired|laid off|let go|accepted|certified|"
    r"diagnosed|baptized|baptised|ordained|naturali[sz]ed|elected|admitted|licensed|qualified|retired|transferred|"
    r"demoted|sober|clean|pregnant|a (?:job|place|promotion|raise|scholarship|dog|cat|puppy|kitten|new \w+))\b",
    re.I,
)
# Objects whose completion is a standing credential: "passed my driving test", "finished my PhD".
_CREDENTIAL = re.compile(
    r"\b(?:test|exam|exams|bar|boards|certification|certificate|licen[cs]e|degree|phd|doctorate|masters?|"
    r"master's|bachelor'?s|mba|diploma|residency|apprenticeship|bootcamp|course|thesis|dissertation|belt|level|"
    r"hsk|jlpt|dele|delf|ielts|toefl|gcse|a-levels?|cpa|cfa)\b",
    re.I,
)
# Things one owns for a while: buying, replacing or getting one changes the user's standing facts.
_DURABLE_THINGS = frozenset(
    """house home flat apartment condo townhouse cottage cabin place farm boat bike bicycle e-bike ebike
    motorcycle scooter phone laptop computer pc mac tablet ipad watch camera piano guitar""".split()
) | frozenset(w.lower() for w in vocab.CAR_WORDS | vocab.ANIMALS)
_POSSESSION_VERBS = frozenset("buy get replace upgrade switch lease adopt rescue inherit build".split())


def _life_event(a: Analysis) -> bool:
    """Whether a past clause tells a lasting change of the user's life, not a one-off event."""
    base = a.predicate.split()[0]
    if base in _LIFE_EVENT_VERBS:
        return True
    if base in {"get", "become", "be"} and _LIFE_PARTICIPLE.match(a.obj):
        return True
    if base in {"pass", "finish", "complete", "earn", "get", "receive", "ace", "defend"} and _CREDENTIAL.search(a.obj):
        return True
    return base in _POSSESSION_VERBS and bool(_DURABLE_THINGS & set(re.findall(r"[\w'-]+", a.obj.lower())))


# A level or standing before an agent noun says how well the user does a thing, not their job.
_HOBBYIST = frozenset(
    """decent good great terrible awful bad amateur hobbyist hobby keen avid mediocre passable competent aspiring
    wannabe self-taught certified qualified licensed novice beginner beginning intermediate advanced expert
    experienced seasoned lousy poor excellent accomplished casual weekend home""".split()
)
_AGENT_NOUN = re.compile(r"(?:er|or|ist|ian|cook|chef|diver|player|pilot|athlete|climber|runner|swimmer)s?$", re.I)


def _hobbyist(value: str) -> bool:
    words = value.lower().split()
    return len(words) >= 2 and words[0] in _HOBBYIST and bool(_AGENT_NOUN.search(words[-1]))


_PARTNERSHIP_EVENT = re.compile(r"\b(?:engaged|married|remarried|divorced|separated|wed|marry|divorce)\b", re.I)


# Progressive forms that describe a standing activity rather than the present moment.
_STANDING_PROGRESSIVE = frozenset(
    """live work learn study train save plan try take do take_care_of raise teach run build
    use eat attend go date stay keep practice practise drive code program coach volunteer develop
    design mentor tutor manage lead own rent homeschool freelance pursue major minor intern""".split()
)
_PERFECT_PROGRESSIVE = re.compile(r"\b(?:I|we) (?:have|'ve|has) been \w+ing\b", re.I)
_ONGOING = re.compile(
    r"\b(?:every (?:day|week|weekend|morning|night|month|year|summer)|each (?:day|week)|for (?:about |over |almost )?"
    r"(?:\d+|a|one|two|three|four|five|six|ten|twenty|many|several) (?:years?|months?|decades?)|since \w+|these days|"
    r"nowadays|lately|full[- ]time|part[- ]time|on weekends|weekly|daily)\b",
    re.I,
)
_FUTURE = re.compile(
    r"\b(?:soon|next (?:week|month|year|summer|spring|fall|autumn|winter|semester|term)|in (?:the )?(?:spring|summer|fall|"
    r"autumn|winter)|later this year|by (?:the end of )?(?:next|this) (?:year|month|summer)|in (?:a|two|three|a few) (?:weeks|months|years)|"
    r"(?:in|next|this|by) (?:january|february|march|april|may|june|july|august|september|october|november|december)|"
    r"this (?:spring|summer|fall|autumn|winter))\b",
    re.I,
)
_ONE_AT_A_TIME_PLANS = frozenset({"move", "relocate", "retire", "emigrate", "graduate"})
_ABILITY = re.compile(
    r"^I can (?!not\b)(?:\w+ly )?(?:code|program|speak|play|cook|read|write|draw|paint|sing|dance|drive|swim|knit|sew|"
    r"touch-type|type|ski|surf|skate|juggle)\b",
    re.I,
)
# What "my X is rusty" may rate: languages and skills, not "my mood" or "my day".
_RATED = frozenset(w.lower() for w in lex.SPOKEN_LANGUAGES | lex.PROGRAMMING_LANGUAGES) | frozenset(
    """math maths english grammar spelling handwriting cooking writing coding driving singing chess backhand serve
    swing technique french accent sight-reading typing""".split()
)
_LEVELS = frozenset(
    """rusty fluent good great decent basic weak strong limited conversational native solid okay ok poor bad terrible
    excellent shaky passable intermediate advanced""".split()
)
_MOMENT = re.compile(
    r"\b(?:today|tonight|rn|right now|this (?:morning|afternoon|evening|week|weekend)|at the moment|"
    r"atm|for the (?:weekend|day|night)|in an? (?:hour|minute|sec|second)|tomorrow|yesterday|"
    r"for a (?:bit|sec|minute|while)|on my way)\b",
    re.I,
)
_ANSWERING = re.compile(r"\b(?:you|your|answers?|responses?|replies|reply|explanations?)\b", re.I)
_GOAL_PREDICATES = frozenset(p for row in vocab.ATTRIBUTES if row.category is Category.GOAL for p in row.predicates)
_IDLE_GOALS = frozenset("know see ask check find hear say tell talk understand figure chat".split())
_NAME_LIST = re.compile(r"^[A-Z]\w*(?: [A-Z]\w*)* (?:and|&) [A-Z]\w*")
# Capitalised words that say what someone is, not who: "I'm Muslim", "I'm Canadian".
_KINDS_OF_PEOPLE = frozenset(w.lower() for w in vocab.RELIGIONS | lex.DEMONYMS | lex.SPOKEN_LANGUAGES)
_DEICTIC = frozenset("this that these those".split())
_PREPOSITIONS = frozenset("on at in near by from to for with about under over around".split())
# Owners whose value is about the task or the day, not the user ("my plan is", "our meeting is").
_SITUATIONAL = frozenset(
    """problem issue question plan idea point budget code email password server office meeting
    standup flight exam appointment deadline bus train order guess bad fault turn answer point
    day week weekend morning schedule today""".split()
)
# Verbs whose specific rules decide alone (tools, struggles, learning style).
_LEFT_TO_RULES = frozenset("use struggle need".split())
# Predicates of rows that demand a name or a listed object: if the row refused, so does this rule.
_CLAIMED_PREDICATES = frozenset(p for row in vocab.ATTRIBUTES if row.proper for p in row.predicates)
# "a jazz fan", "a coffee lover": the words before the head are what the user likes.
_FAN_HEADS = frozenset("fan lover enthusiast addict buff junkie nut fanatic snob".split())
_IMPORTANCE = {
    Category.FACT: 0.6,
    Category.PREFERENCE: 0.55,
    Category.GOAL: 0.7,
    Category.RELATIONSHIP: 0.7,
    Category.EXPERTISE: 0.6,
    Category.PROCEDURE: 0.6,
}


def _attribute(a: Analysis, clause: Clause) -> vocab.Attribute | None:
    """The first vocabulary row whose predicate and object fit the clause; none for a relative's
    ("my gf is a nurse" is her job, not the user's)."""
    if a.subject == "possessive" and (a.owner.lower().split()[-1:] or [""])[0] in vocab.FAMILY:
        return None
    obj = a.obj.lower()
    if a.predicate.split()[0] in {"get", "go", "come"}:
        # "got back into climbing", "got over the flu": the particle is part of the verb, not a thing
        obj = re.sub(r"^(?:back|up|out|off|over|into|on)\b\s*", "", obj)
    obj_words = set(re.findall(r"[\w'+#-]+", obj))
    pairs = {" ".join(p) for p in zip(obj.split(), obj.split()[1:])}
    for attr in vocab.ATTRIBUTES:
        if a.predicate not in attr.predicates:
            continue
        if attr.objects and not (obj_words | pairs) & attr.objects:
            continue
        if attr.proper and not _looks_proper(a.obj, clause):
            continue
        return attr
    return None


# Everyday places: "I'm at the airport" is where the user is, not who employs them.
_VENUES = frozenset(
    """airport gym office home work school hospital store shop mall station doctor doctor's dentist dentist's
    beach park library cafe bar pub restaurant party wedding concert game hotel train bus car house place
    moment beginning end point stage airport's supermarket grocery pool vet vet's clinic church airbnb""".split()
)


def _looks_proper(obj: str, clause: Clause) -> bool:
    words = obj.split()
    if not words:
        return False
    if words[0].lower() in {"the", "a", "an", "my", "our"} and len(words) > 1 and words[1].lower().strip(".,!") in _VENUES:
        return False
    first = words[1] if words[0].lower() == "the" and len(words) > 1 else words[0]
    lowered = [w.lower().strip(".,!") for w in words]
    known_place = any(" ".join(lowered[:n]) in vocab.PLACES for n in (1, 2, 3))
    return first[:1].isupper() or not clause.cased or known_place


def _rates_a_skill(a: Analysis) -> bool:
    """ "My German is rusty", "my Python is decent": a possessed skill and a level."""
    owner = a.owner.lower().split()
    return (
        a.subject == "possessive" and bool(owner) and owner[-1] in _RATED
        and bool(set(a.obj.lower().split()) & _LEVELS) and len(a.obj.split()) <= 3
    )


_RETURNED = re.compile(r"^(?:back (?:from|home)|home|back$|in from|out of bed|up (?:early|late))", re.I)


# The whole clause is where the user is ("I'm in a meeting", "I'm on the train right now"); with
# more after the place ("at the hospital as a nurse now") it may be a job, so it is not read here.
_BE_SOMEWHERE = re.compile(
    r"^I am (?:(?:currently|still|just|already|literally|actually|sitting|stuck|waiting|standing) )?"
    r"(?:in|at|on) (?:a|an|the|my|our)? ?(?:\w+ )?(?P<noun>waiting room|emergency room|\w+)"
    r"(?: (?:right now|today|tonight|at the moment|atm|rn|again|all day))?[ .!]*$",
    re.I,
)


def _is_passing(a: Analysis, clause: Clause) -> bool:
    """Whether the clause describes the present moment rather than the user."""
    if is_skill(clause.text):
        return False  # "I'm kinda ok at python", "not good in the cooking": a level, not a mood
    if _MOMENT.search(clause.text) and not _ONGOING.search(clause.text) and not is_taste(clause.text):
        return True  # "sober for 18 months as of today", "obsessed with matcha rn" are no passing states
    if (place := _BE_SOMEWHERE.match(clause.text)) and place["noun"].lower() in vocab.MOMENT_PLACES:
        return True  # "I'm in a meeting", "I'm on the train": where the user is, not who
    if a.predicate == "be":
        first = (a.obj.split() or [""])[0].lower().strip(",.!")
        if re.match(r"^an? (?:bit|little|tad)\b", a.obj, re.I):
            first = "bit"  # "a bit hungover": a degree, then the state
        if first in {"so", "very", "really", "super", "a", "bit", "kinda", "pretty"} and len(a.obj.split()) > 1:
            first = a.obj.split()[-1].lower().strip(",.!") if first != "a" else first
        if first in vocab.MOMENTARY or a.obj.lower().startswith(("in ", "at ", "on ", "between ")):
            return True
        words = a.obj.lower().split()
        if words[0] not in {"a", "an", "the"} and set(words) & vocab.MOMENTARY:
            return True
    if a.progressive and a.obj.lower().strip(",.!") in vocab.MOMENTARY:
        return True  # "running late", "heading out"
    if a.past and a.predicate.split()[0] in {"get", "come", "go"} and _RETURNED.match(a.obj):
        return True  # "got back from the gym", "came home early": where one went today
    if not a.progressive or a.predicate.split()[0] in _STANDING_PROGRESSIVE or _FUTURE.search(clause.text):
        return False
    # "I've been riding the trails every weekend", "I'm driving a Skoda these days": an ongoing
    # activity, not the present moment.
    return not (_PERFECT_PROGRESSIVE.search(clause.text) or _ONGOING.search(clause.text))


def _key(a: Analysis, attr: vocab.Attribute | None, value: str) -> tuple[str | None, Category]:
    """The attribute key and category: the vocabulary's, or one derived from the predicate."""
    if attr is not None:
        return (attr.key if attr.single else f"{attr.key}:{value}"), attr.category
    head = object_head(a.obj)
    if a.subject == "possessive":
        owner = normalise_value(re.sub(r"^(?:current|new|old|main|usual|only)\s+", "", a.owner.lower()))
        if owner.split()[-1:] and owner.split()[-1] in vocab.FAMILY:
            # A detail of a relative: no key, since the role's key holds who they are ("my gf is
            # a nurse" must not replace "my girlfriend is Aisha").
            return None, Category.RELATIONSHIP
        if _rates_a_skill(a) and not a.negated:
            return f"expertise:{owner}", Category.EXPERTISE  # "My German is rusty": how well, not what
        if owner.startswith(("favorite", "favourite")):
            return f"favorite:{owner.split(' ', 1)[-1]}", Category.PREFERENCE
        # "my major is ..." names the attribute "I'm majoring in ..." set: one key for both.
        return _OWNER_KEYS.get(owner, owner.replace(" ", "_")), Category.FACT
    if a.predicate == "be" and head in _FAN_HEADS and " " in value:
        return f"likes:{value.rsplit(' ', 1)[0]}", Category.PREFERENCE
    if a.predicate in vocab.RELATION_PREDICATES and head in vocab.FAMILY:
        return vocab.role_key(head), Category.RELATIONSHIP
    if person := _person_in(a.obj):
        # "I live with my girlfriend Aisha": a clause about someone in the user's life
        return vocab.role_key(person), Category.RELATIONSHIP
    if a.predicate.split()[0] == "date":
        # "I've been dating someone named Luca": the user's partner (never a "date:" event key)
        return "relationship:partner", Category.RELATIONSHIP
    return f"{a.predicate.replace(' ', '_')}:{value}", Category.FACT


def _person_in(obj: str) -> str | None:
    m = re.search(r"\bmy ((?:[\w-]+ )?[\w-]+)", obj, re.I)
    if m is None:
        return None
    words = m[1].lower().split()
    return next((w for w in reversed(words) if w in vocab.FAMILY), None)


# Change and time words at the end of an object say when, not what: "mushrooms now" is "mushrooms",
# so the value (and a key derived from it) is the same before and after a change.
_TIME_TAIL = re.compile(
    r"(?:,?\s+(?:now|any ?more|any longer|these days|nowadays|nowdays|again|lately|for good|too|rn|atm|right now|"
    r"at the moment))+$",
    re.I,
)


# How often, when or for what occasion ends what the object names: "tennis every weekend" and
# "tennis" are one activity, "a Series X for Christmas" is a Series X, so both give one key.
_QUALIFIER = re.compile(
    r"\s+(?:every|each|most (?:days|nights|mornings|evenings|weekends)|on (?:weekends|weekdays|the weekends?|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)days?)|at (?:night|weekends|the weekends?)|in the (?:mornings?|evenings?|"
    r"afternoons?|summer|winter|spring|fall|autumn)|for (?:christmas|my birthday|fun|years|months|ages|a while|now)|"
    r"since|last|this (?:week|month|year|weekend|summer|morning|evening)|next|twice|once|\d+ times|daily|weekly|"
    r"regularly|these days|nowadays|lately)\b.*$",
    re.I,
)


_PLACE_TAIL = re.compile(r"\s+(?:in|at|near|outside|outside of|around) (?:the )?[A-Z][\w'.-]*(?: [A-Z][\w'.-]*)*$")


def _value(a: Analysis) -> str:
    obj = re.sub(r"^(?:a|an|the|my|our|some|any|no)\s+", "", _TIME_TAIL.sub("", a.obj), flags=re.I)
    obj = _QUALIFIER.sub("", obj) or obj
    obj = _PLACE_TAIL.sub("", obj) or obj  # "chemistry in Denver": where, not what
    return normalise_value(" ".join(obj.split()[:4]))


def _content(a: Analysis) -> str:
    return fix_articles(third_person(a.core))


def _refused(a: Analysis, clause: Clause) -> bool:
    """Shapes that are not a durable fact about the user, whatever their predicate."""
    obj_words = _TIME_TAIL.sub("", a.obj).lower().split()  # "these days" is a time, not a deictic object
    # "I can code in Rust" is an ability, not a supposition: the one modal a fact may carry.
    ability = a.modal and bool(_ABILITY.match(clause.text))
    if (a.modal and not ability) or not obj_words or a.obj.lower() in _PRONOUN_OBJECT or _DEICTIC & set(obj_words):
        return True
    if _BARE_PRONOUN.match(a.obj):
        return True  # "I listen to them on every walk", "I type them up": what "them" is was said elsewhere
    if a.predicate == "go" and a.obj.lower().startswith("by "):
        return True  # "I go by Rob": a name, which the name readers decide
    if a.predicate.endswith(","):
        return True  # "I know, millennial cliché": what follows the comma is no object of the verb
    if a.predicate.split()[0] in _LEFT_TO_RULES or a.predicate in _MIND_VERBS or _is_passing(a, clause):
        return True
    if _ANSWERING.search(a.obj) and a.predicate not in {"be", "have"}:
        return True
    # "My bank is Chase" names a bank; "I'm Dana", "my name is Dana", "our son is Max" name a person.
    owner = a.owner.lower().split()[-1:] or [""]
    names_self = a.subject != "possessive" or "name" in a.owner.lower() or owner[0] in vocab.FAMILY | vocab.ANIMALS
    if names_self and a.predicate == "be" and len(obj_words) <= 3 and all(w[:1].isupper() for w in a.obj.split()) and not (
        set(obj_words) & _KINDS_OF_PEOPLE
    ):
        return True  # "I'm Dana", "I'm Jon Smith": a name, which the name readers decide
    if a.predicate in _GOAL_PREDICATES and (obj_words[0] in _IDLE_GOALS or for_the_moment(a.obj)):
        return True  # "I want to know more about X" is curiosity about the task, not a goal
    if a.subject == "possessive":
        return _weak_possessive(a, clause)
    return False


def _weak_possessive(a: Analysis, clause: Clause) -> bool:
    """ "My gym is Planet Fitness" is a fact; "my plan is simple", "our kids are at school" are not."""
    owner = a.owner.lower().split()
    if not owner or owner[-1] in _SITUATIONAL:
        return True
    if owner[-1] == "name" and not a.obj[:1].isupper():
        return True  # the name readers decide: "my name is a secret" names nobody
    if _rates_a_skill(a):
        return False  # "My German is rusty": a level
    first = a.obj.split()[0]
    if first.lower() in _PREPOSITIONS or set(a.predicate.split()[1:2]) & _PREPOSITIONS:
        return True
    household = owner[-1] in vocab.FAMILY or owner[-1] in vocab.ANIMALS
    if a.owner and clause.text[:3].lower() == "our" and not household:
        return True
    if _plain_valued(a):
        return False  # "my major is computer science": the value of an attribute, however it is written
    return not (household or first[:1].isupper() or first.lower() in {"a", "an", "the"} or not clause.cased)


_OWNER_KEYS = {
    "major": "field_of_study", "field": "field_of_study", "field of study": "field_of_study", "degree": "field_of_study",
    "job": "job_title", "job title": "job_title", "title": "job_title", "role": "job_title", "position": "job_title",
    "occupation": "job_title", "profession": "job_title", "company": "employer", "employer": "employer",
    "workplace": "employer", "firm": "employer", "hometown": "hometown", "home town": "hometown", "city": "city",
    "diet": "diet", "school": "school", "university": "school", "college": "school",
}
# Attributes whose values are common words: "my major is biology", "my shift is nights".
_PLAIN_VALUED = frozenset(
    """major minor degree field specialty speciality specialization diet religion faith shift
    hobby hobbies sport instrument profession occupation trade nickname handle username pronouns
    blood_type bloodtype zodiac sign star_sign""".split()
)


def _plain_valued(a: Analysis) -> bool:
    return a.subject == "possessive" and bool(a.owner) and a.owner.lower().split()[-1] in _PLAIN_VALUED


# How often, not what: "I smoke a lot", "I drink most nights" are the habit itself.
_FREQUENCY = re.compile(
    r"^(?:a lot|alot|lots|loads|a bit|daily|weekly|every (?:day|night|week|morning|evening|weekend)|"
    r"most (?:days|nights|mornings|evenings|weekends)|regularly|often|sometimes|occasionally|socially|"
    r"(?:once|twice|\w+ times) a (?:day|week|month)|on weekends|heavily|too much)\b",
    re.I,
)


def _habit(a: Analysis) -> Sequence[Draft]:
    """ "I smoke", "I don't drink": a habit verb needs no object (key ``habit:<verb>``)."""
    if "can" in a.core.lower().replace("cannot", "can not").split() or "can't" in a.core.lower():
        return ()  # "I can't cook" is about ability, not a habit
    if (a.obj and not _FREQUENCY.match(a.obj)) or a.modal or a.progressive or (a.past and not a.used_to) or a.subject == "possessive":
        return ()
    # Adverbs stay out of the content: third_person conjugates the first word after "I".
    content = third_person(" ".join(w for w in a.core.split() if w.lower() not in ADVERBS))
    key = f"habit:{a.predicate}"
    return (Draft(content, Category.FACT, 0.6, key, a.predicate, 0.85, a.negated, ended=a.used_to),)


def build_generic(m: re.Match[str], clause: Clause) -> Sequence[Draft]:
    """A memory for a first-person declarative no specific rule claimed, or none."""
    a = analyse(clause.text)
    if a is not None and a.predicate in vocab.HABIT_VERBS and (not a.obj or _FREQUENCY.match(a.obj)):
        return _habit(a)
    if a is None or _refused(a, clause):
        return ()
    attr = _attribute(a, clause)
    if attr is None and a.predicate in _CLAIMED_PREDICATES and a.obj.split()[0].lower() not in {"a", "an"}:
        return ()  # "I live in fear": the city row owns "live in" and refused the object ("a house" is fine)
    if attr is None and is_passing_evaluation(a) and not _rates_a_skill(a) and not _plain_valued(a):
        return ()  # "I'm so proud of him", "I'm completely hooked"
    base = a.predicate.split()[0]
    relative = a.subject == "possessive" and a.owner.split()[-1:] and a.owner.split()[-1].lower() in vocab.FAMILY
    perfect = bool(re.search(rf"\b(?:I|we) (?:have|'ve) (?:\w+ )?{re.escape(a.verb)}\b", clause.text, re.I))
    # "I have practised medicine for over twenty years": the perfect with a duration still holds.
    lasting = attr is not None or (perfect and (a.obj.split()[0].lower() in {"up", "a", "an", "my"} or bool(_ONGOING.search(clause.text))))
    held = perfect and bool(_ONGOING.search(clause.text))
    event = a.past and not a.used_to and not a.negated and _life_event(a)
    if a.past and not a.used_to and not relative and not held and not event and not (
        lasting and (base in _CHANGE_VERBS or a.changed or perfect)
    ):
        # A one-off event; but "my father was a salesman" is a relative's biography, and "I've
        # taken up watercolor painting" a change that lasts.
        return ()
    value = _value(a)
    if not value:
        return ()
    key, category = (attr is None and complement_key(a, value)) or _key(a, attr, value)
    if key is not None and (key == "job_title" or key.startswith("be:")) and _hobbyist(value):
        # "I'm a decent cook", "an amateur astronomer", "a certified scuba diver": how well, not a job
        key, category = f"expertise:{' '.join(value.split()[1:])}", Category.EXPERTISE
    if key == "relationship:partner" and (named := re.search(r"\b(?:named|called)\s+(\w+)", a.obj, re.I)):
        value = named[1].lower()  # "someone named Luca": the partner is Luca
    if _FUTURE.search(clause.text) and not a.past and category in (Category.FACT, Category.PREFERENCE):
        # "I'm moving to Denver next year", "I might be vegetarian soon": a plan, which must not
        # replace the current value of its attribute. A plan one has one of at a time (where to
        # move, when to retire) is keyed by its verb, so "moving to Lisbon in September" takes
        # the place of "moving abroad next year".
        verb = a.predicate.split()[0]
        key, category = (f"plan:{verb}" if verb in _ONE_AT_A_TIME_PLANS else None), Category.GOAL
    if attr is None and category is Category.FACT and a.subject != "possessive":
        # No row claimed it: the words around the predicate still say taste, skill or aim.
        category = category_of(a.core, category)  # the clause's own words, not a neighbour's
    if category is Category.EXPERTISE and _NAME_LIST.match(a.obj):
        return ()  # "an expert in Tom and Jerry": a title, not a list of skills
    if event and attr is None and _PARTNERSHIP_EVENT.search(a.core):
        category = Category.RELATIONSHIP  # "we got engaged": the user's partnership
    negated = a.negated
    confidence = LIKELY if attr is None else 0.85
    importance = _IMPORTANCE.get(category, DETAIL)
    draft = Draft(_content(a), category, importance, key, value, confidence, negated, ended=a.used_to)
    if attr is not None and attr.key in _WORK_ATTRIBUTES and not negated and not a.used_to:
        # "I work in marketing at Unilever": the employer is a memory of its own, so a new
        # employer never leaves the old one current inside the industry.
        if (employer := employer_after(a.obj, clause)) is not None:
            tail = re.compile(rf"\s+(?:at|for|with) {re.escape(employer.value or '')}\b.*$", re.I)
            draft = replace(draft, content=tail.sub("", draft.content), value=tail.sub("", value) or value)
            return (draft, employer)
    return (draft,)


_WORK_ATTRIBUTES = frozenset({"industry", "job_title", "department", "field"})


GENERIC_RULES: tuple[Rule, ...] = (Rule("clause", _ANY_CLAUSE, build_generic),)
