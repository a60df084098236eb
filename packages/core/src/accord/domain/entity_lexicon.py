"""Words the entity reader knows: roles people hold in a user's life, pets, occupations, and
capitalised words that are not names. Kept apart from the rule extractor's vocabulary so the
graph reader can change without touching the memory rules (and the other way round)."""

from __future__ import annotations

__all__ = [
    "ROLES",
    "ROLE_CANONICAL",
    "SINGLE_HOLDER",
    "PET_ROLES",
    "FEMALE",
    "MALE",
    "GROUPS",
    "OCCUPATIONS",
    "NOT_NAMES",
    "ORG_NOUNS",
    "EXCLUSIVE_PREDICATES",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(w.replace("_", " ") for w in text.split())


_FAMILY = _words(
    """wife husband spouse partner boyfriend girlfriend fiance fiancee son daughter child kid baby
    brother sister sibling twin mother father mom mum dad mama papa parent grandmother grandfather
    grandma grandpa granny grandson granddaughter grandchild aunt uncle cousin niece nephew
    stepson stepdaughter stepmother stepfather stepmom stepdad mother-in-law father-in-law
    sister-in-law brother-in-law"""
)
_SOCIAL = _words(
    """friend best_friend bestie boss manager colleague coworker co-worker teammate mentor therapist
    doctor dentist neighbor neighbour roommate flatmate housemate landlord teacher coach tutor
    classmate ex client cofounder co-founder"""
)
_PLURALS = _words("kids children sons daughters brothers sisters siblings cousins nieces nephews grandkids grandchildren dogs cats")
PET_ROLES = _words("dog cat puppy kitten pet bird parrot hamster rabbit bunny horse turtle fish snake gecko")
ROLES: frozenset[str] = _FAMILY | _SOCIAL | PET_ROLES | _PLURALS

# Spellings that mean the same role.
ROLE_CANONICAL: dict[str, str] = {
    "mom": "mother", "mum": "mother", "mama": "mother", "dad": "father", "papa": "father",
    "grandma": "grandmother", "granny": "grandmother", "grandpa": "grandfather", "kid": "child",
    "bestie": "best friend", "co-worker": "coworker", "colleague": "coworker", "neighbour": "neighbor",
    "flatmate": "roommate", "housemate": "roommate", "puppy": "dog", "kitten": "cat", "bunny": "rabbit",
    "kids": "child", "children": "child", "sons": "son", "daughters": "daughter", "brothers": "brother",
    "sisters": "sister", "siblings": "sibling", "cousins": "cousin", "nieces": "niece", "nephews": "nephew",
    "grandkids": "grandchild", "grandchildren": "grandchild", "dogs": "dog", "cats": "cat",
    "co-founder": "cofounder", "fiancee": "fiance", "stepmom": "stepmother", "stepdad": "stepfather",
}  # fmt: skip

# Roles one person holds at a time: "my wife" names the same person until a newer statement
# says otherwise, so an unnamed mention resolves to the holder, and a new holder supersedes.
SINGLE_HOLDER = _words(
    "wife husband spouse partner boyfriend girlfriend fiance mother father boss manager therapist landlord"
)
FEMALE = _words(
    """wife girlfriend fiancee daughter sister mother mom mum mama grandmother grandma granny
    granddaughter aunt niece stepdaughter stepmother stepmom mother-in-law sister-in-law"""
)
MALE = _words(
    """husband boyfriend fiance son brother father dad papa grandfather grandpa grandson uncle nephew
    stepson stepfather stepdad father-in-law brother-in-law"""
)
# Words a question uses for a group of roles ("who in my family ...").
GROUPS: dict[str, frozenset[str]] = {
    "family": frozenset(ROLE_CANONICAL.get(r, r) for r in _FAMILY),
    "relatives": frozenset(ROLE_CANONICAL.get(r, r) for r in _FAMILY),
    "kids": _words("son daughter child"),
    "children": _words("son daughter child"),
    "parents": _words("mother father"),
    "siblings": _words("brother sister sibling twin"),
    "pets": frozenset(ROLE_CANONICAL.get(r, r) for r in PET_ROLES),
    "colleagues": _words("boss manager coworker teammate mentor cofounder client"),
    "coworkers": _words("boss manager coworker teammate mentor cofounder client"),
    "friends": _words("friend best_friend roommate neighbor classmate"),
}
OCCUPATIONS = _words(
    """doctor physician surgeon nurse dentist pharmacist vet veterinarian therapist psychologist
    teacher professor lecturer tutor student engineer developer programmer designer architect
    lawyer attorney accountant banker consultant analyst scientist researcher chemist biologist
    journalist writer author editor artist painter musician singer photographer actor actress
    chef cook baker waiter waitress barista manager director ceo founder entrepreneur
    salesman saleswoman marketer recruiter firefighter paramedic police_officer cop soldier pilot
    driver mechanic electrician plumber carpenter farmer librarian counselor coach trainer
    dancer nanny cleaner cashier receptionist secretary translator economist mathematician
    physicist professor historian pastor priest midwife social_worker data_scientist"""
)
# Capitalised words that start sentences or name times, not people or places.
NOT_NAMES = _words(
    """I I'm I've I'd I'll The A An My Our Your His Her Their Its This That These Those There Here
    It We You He She They Me Him Us Them What When Where Who Why How Which Yes No Not Oh Ok Okay
    Hi Hello Hey Thanks Thank Well So And But Or If Then Also Just Maybe Sure Wow Great Good Nice
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
    July August September October November December Today Tomorrow Yesterday Christmas Easter
    Mr Mrs Ms Dr St User Lol Haha Sorry Please Actually Anyway Really Last Next Every After Before
    Since Because Although While Once Now Later Still Even Both All Some Any Each Most Many Much"""
)
# Lower-case words that end an organisation's name ("St. Mary's hospital").
ORG_NOUNS = _words(
    """hospital clinic school university college academy institute bank company inc ltd corp
    agency firm studio lab labs group church library museum cafe restaurant bakery shop store"""
)
# Predicates one subject holds one value of at a time.
EXCLUSIVE_PREDICATES = frozenset({"works_at", "lives_in", "occupation", "studies_at", "from", "married_to"})
