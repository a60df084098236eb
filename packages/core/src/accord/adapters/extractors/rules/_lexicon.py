"""Word lists the extraction rules recognise.

Closed lists keep the rules precise: a phrase only becomes, say, a programming language or a
relationship role when it is on one of these lists. Extend a list rather than loosening a pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SPOKEN_LANGUAGES = frozenset(
    """english french spanish german italian portuguese dutch russian chinese mandarin cantonese
    japanese korean arabic hindi bengali urdu turkish polish swedish norwegian danish finnish greek
    hebrew czech slovak hungarian romanian bulgarian ukrainian vietnamese thai indonesian malay
    tagalog filipino swahili persian farsi catalan basque galician irish welsh icelandic croatian
    serbian slovenian estonian latvian lithuanian tamil telugu marathi punjabi gujarati""".split()
)

PROGRAMMING_LANGUAGES = frozenset(
    """python javascript typescript java go golang rust c c++ c# ruby php kotlin swift scala haskell
    elixir erlang clojure r julia perl lua dart ocaml f# zig nim sql bash shell matlab fortran cobol
    objective-c groovy elm solidity js ts""".split()
)

# Canonical spellings, so "golang" and "go" supersede each other.
TECH_ALIASES = {
    "golang": "go",
    "js": "javascript",
    "ts": "typescript",
    "k8s": "kubernetes",
    "postgres": "postgresql",
    "nodejs": "node.js",
    "node": "node.js",
    "react.js": "react",
    "reactjs": "react",
    "vue.js": "vue",
}

TECH_TERMS = PROGRAMMING_LANGUAGES | frozenset(
    """html css sass react vue angular svelte next.js node node.js nodejs django flask fastapi rails
    spring .net laravel kubernetes k8s docker terraform ansible aws azure gcp linux unix git postgres
    postgresql mysql sqlite mongodb redis kafka spark hadoop pandas numpy pytorch tensorflow ml
    excel figma photoshop unity graphql elasticsearch nlp blockchain ios android flutter jenkins
    tableau snowflake dbt airflow vim emacs react.js reactjs vue.js""".split()
) | frozenset(
    {"machine learning", "deep learning", "data science", "computer vision", "react native",
     "ruby on rails", "power bi", "unreal engine"}
)

DEMONYMS = frozenset(
    """american british english scottish welsh irish canadian mexican brazilian argentinian
    argentine chilean colombian peruvian german french spanish italian portuguese dutch belgian
    swiss austrian swedish norwegian danish finnish icelandic polish czech slovak hungarian
    romanian bulgarian greek turkish russian ukrainian israeli egyptian moroccan nigerian kenyan
    ghanaian ethiopian indian pakistani bangladeshi chinese japanese korean vietnamese thai
    filipino indonesian malaysian singaporean australian kiwi""".split()
)

JOB_NOUNS = frozenset(
    """engineer developer dev programmer designer architect scientist analyst researcher manager
    director consultant accountant lawyer attorney paralegal doctor physician surgeon nurse
    dentist pharmacist therapist psychologist teacher professor lecturer tutor student intern
    writer journalist editor author artist photographer musician chef cook baker pilot driver
    electrician plumber carpenter mechanic technician administrator officer ceo cto cfo coo cio
    vp founder cofounder co-founder entrepreneur freelancer contractor marketer recruiter
    salesperson specialist coordinator assistant clerk cashier firefighter paramedic veterinarian
    vet farmer economist banker trader actuary auditor librarian translator interpreter sre
    pm owner lead president strategist producer""".split()
)

# Roles one person normally has only one of: a newer name supersedes the older one.
SINGLE_ROLES = frozenset(
    """wife husband partner spouse girlfriend boyfriend fiance fiancee fiancé fiancée mother
    father mom mum dad manager boss therapist landlord""".split()
) | frozenset({"best friend", "team lead", "tech lead"})
MULTI_ROLES = frozenset(
    """sister brother son daughter kid child friend roommate flatmate coworker co-worker colleague
    teammate mentor cofounder co-founder grandma grandmother grandpa grandfather aunt uncle cousin
    niece nephew dog cat puppy kitten pet neighbor neighbour twin stepson stepdaughter""".split()
)
ROLE_CANONICAL = {
    "mom": "mother", "mum": "mother", "dad": "father", "co-worker": "coworker",
    "neighbour": "neighbor", "co-founder": "cofounder", "fiancé": "fiance", "fiancée": "fiancee",
    "grandma": "grandmother", "grandpa": "grandfather", "kid": "child", "puppy": "dog",
    "kitten": "cat",
}
PETS = frozenset({"dog", "cat", "puppy", "kitten", "pet"})
ROLE_ADJECTIVES = frozenset(
    "older younger little big baby twin eldest oldest youngest step half new current late".split()
)

# Events that have one date: "my exam is on May 12" (the last word of the event's noun phrase).
EVENT_NOUNS = frozenset(
    """exam exams final finals midterm midterms test interview appointment wedding flight surgery
    operation defense defence presentation recital concert trip vacation holiday honeymoon move
    graduation ceremony party conference race marathon hearing trial checkup check-up deadline
    launch reservation visit""".split()
) | frozenset({"start date", "due date", "court date"})

# What an organisation statement may be about: the organisation itself ("our office is in Berlin")...
ORG_BODIES = frozenset(
    """company team org organisation organization department dept firm startup agency office division
    squad lab headquarters hq campus""".split()
)
# ... one of its things, people or rituals ("our VPN server", "our CEO", "our standup") ...
ORG_THINGS = frozenset(
    """server vpn gateway proxy domain website intranet wiki portal helpdesk hotline inbox standup
    stand-up standups retro retrospective sprint sprints all-hands offsite off-site cafeteria canteen
    reception ceo cto cfo coo cio ciso founder cofounder co-founder president chairman tracker stack
    provider pipeline database repo repository monorepo ssid payday""".split()
) | frozenset({"help desk", "front desk", "wifi network"})
# ... or a generic thing that needs a qualifier first ("our support email", not "our email").
ORG_GENERIC_THINGS = frozenset("email address number channel meeting line contact workspace site".split())
# Places at work that "the cafeteria closes at 3pm" may name without "our".
FACILITIES = frozenset("cafeteria canteen office reception mailroom helpdesk library".split()) | frozenset(
    {"help desk", "front desk", "parking garage", "office kitchen"}
)
# "Our kids", "our house", "our wedding": the household, never the organisation.
HOUSEHOLD_NOUNS = frozenset(
    """kids kid children child son sons daughter daughters baby babies family parents house home
    apartment flat place dog dogs cat cats pet pets wedding honeymoon anniversary marriage car garden
    neighbour neighbor neighbours neighbors landlord household relationship""".split()
)

# Software and devices an "I use ..." statement may name (besides ``TECH_TERMS``); lowercase.
TOOL_NAMES = frozenset(
    """vscode neovim nvim pycharm intellij webstorm xcode eclipse jupyter colab obsidian evernote
    onenote discord zoom jira confluence trello asana github gitlab bitbucket canva blender procreate
    illustrator indesign lightroom davinci ableton garageband chatgpt copilot gmail outlook
    powerpoint dropbox anki duolingo notability goodnotes grammarly windows macos ubuntu debian
    fedora""".split()
) | frozenset(
    {"vs code", "visual studio", "visual studio code", "google docs", "google sheets",
     "microsoft teams", "final cut", "final cut pro", "logic pro", "davinci resolve", "adobe xd",
     "after effects", "ms word", "microsoft word", "github copilot", "notion", "slack"}
)
# Devices and aids: with "I use", even a lowercase "the tablet" names a tool.
DEVICES = frozenset(
    """tablet ipad iphone phone smartphone laptop macbook pc desktop chromebook kindle e-reader stylus
    wacom headphones smartwatch wheelchair cane cpap""".split()
) | frozenset(
    {"apple pencil", "screen reader", "insulin pump", "standing desk", "hearing aid", "hearing aids",
     "android phone", "drawing tablet", "graphics tablet"}
)

# Topics a learner can find hard; a phrase counts when its first or last word is one of these
# ("integration by parts", "Spanish grammar").
STUDY_TOPICS = frozenset(
    """calculus algebra geometry trigonometry integration integrals derivatives differentiation
    limits fractions decimals percentages equations proofs probability statistics vectors matrices
    logarithms exponents polynomials arithmetic grammar spelling punctuation vocabulary pronunciation
    conjugation conjugations tenses verbs subjunctive essays comprehension recursion pointers regex
    concurrency multithreading generics closures syntax theory thermodynamics mechanics
    electromagnetism kinematics genetics anatomy physiology microeconomics macroeconomics
    accounting bookkeeping speaking listening reading writing handwriting""".split()
)

# Plan and tier names an "I'm on the X plan" statement may use without capitals.
PLAN_TIERS = frozenset(
    """free basic starter standard plus pro premium business team teams enterprise family student
    personal individual professional ultimate unlimited gold silver platinum bronze max advanced
    essentials essential lite trial developer hobby growth scale startup annual monthly""".split()
)

# Heads of a bare noun phrase that describes the user ("Jazz fan", "Vim user", "Night owl").
FRAGMENT_ROLES = frozenset(
    """fan lover user enthusiast addict buff nerd geek junkie person owl learner speaker dev
    nurse teacher student retiree parent mom dad mum vegetarian vegan runner cyclist gamer reader
    beginner native smoker nonsmoker non-smoker""".split()
)
FRAGMENT_CONDITIONS = frozenset("asthma diabetes adhd migraines insomnia".split())
DIETS = frozenset("vegetarian vegan pescatarian pescetarian flexitarian carnivore omnivore".split())
MEATS = frozenset(
    """meat chicken beef pork lamb steak bacon ham turkey poultry burgers sausages sausage veal
    duck mutton""".split()
) | frozenset({"red meat"})

HEALTH_CONDITIONS = {
    "diabetes": "diabetes", "type 1 diabetes": "type 1 diabetes", "type 2 diabetes": "type 2 diabetes",
    "asthma": "asthma", "celiac disease": "celiac disease", "coeliac disease": "celiac disease",
    "epilepsy": "epilepsy", "adhd": "adhd", "autism": "autism", "dyslexia": "dyslexia",
    "migraines": "migraines", "high blood pressure": "hypertension", "hypertension": "hypertension",
    "arthritis": "arthritis", "ibs": "ibs", "crohn's disease": "crohn's disease",
    "multiple sclerosis": "multiple sclerosis", "sleep apnea": "sleep apnea", "long covid": "long covid",
}
HEALTH_ADJECTIVES = {
    "diabetic": "diabetes", "celiac": "celiac disease", "coeliac": "celiac disease",
    "epileptic": "epilepsy", "autistic": "autism", "dyslexic": "dyslexia", "asthmatic": "asthma",
    "pregnant": "pregnancy", "colorblind": "color blindness", "colourblind": "color blindness",
    "color blind": "color blindness", "colour blind": "color blindness", "deaf": "deafness",
    "hard of hearing": "hearing loss", "blind": "blindness", "visually impaired": "visual impairment",
}

TIMEZONE_ABBREVIATIONS = frozenset(
    """UTC GMT EST EDT CST CDT MST MDT PST PDT AKST HST CET CEST EET EEST WET WEST BST IST JST KST
    AEST AEDT ACST AWST NZST NZDT SGT HKT MSK BRT""".split()
)

# Places a bare "I left X" must not read as an employer.
WELL_KNOWN_PLACES = frozenset(
    """london paris berlin lisbon madrid rome milan amsterdam brussels vienna zurich geneva munich
    hamburg prague warsaw budapest dublin edinburgh stockholm oslo copenhagen helsinki athens
    istanbul moscow kyiv tokyo osaka seoul beijing shanghai singapore sydney melbourne toronto
    vancouver montreal chicago boston seattle austin denver miami atlanta dallas houston
    portland mumbai delhi bangalore dubai cairo lagos nairobi barcelona porto lyon manchester
    brooklyn germany france spain italy portugal england scotland ireland canada mexico brazil
    japan china india australia europe asia africa america usa uk us town home""".split()
) | frozenset({"new york", "san francisco", "los angeles", "hong kong", "new zealand"})

NUMBER_WORDS = {
    "no": 0, "zero": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a few": 3,
    "several": 4, "fifteen": 15, "twenty": 20,
}

# Words that end a name or an object phrase ("I work at Acme *as* a ...").
PHRASE_STOPS = frozenset(
    """and but or as for since in on at with where which who because so now currently today
    yesterday recently last this next until from to of by when while after before doing again
    anymore any though then too right these than over instead rather if full-time part-time
    remotely""".split()
)

# Words that look like an object but point at the conversation or at nobody in particular.
DEICTIC = frozenset(
    """it this that these those you your yours them him her here there what how which something
    anything everything stuff one ones""".split()
)
DETERMINERS = frozenset("a an the my our some any his her their its".split())


def alternation(words: Iterable[str]) -> str:
    """A regex alternation matching any of ``words``, longest first so prefixes do not win."""
    escaped = (re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))
    return "(?:" + "|".join(escaped) + ")"


def canonical_tech(term: str) -> str:
    """Lowercase ``term`` and map aliases to one spelling ("golang" -> "go")."""
    lower = " ".join(term.lower().split())
    return TECH_ALIASES.get(lower, lower)
