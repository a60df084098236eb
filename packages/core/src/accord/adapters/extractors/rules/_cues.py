"""The category of a statement no vocabulary row claims, read from the words around its predicate.

The general rule (``_generic``) keys such a statement by its predicate; left alone it would file
every one as a fact. How people talk about tastes, skills and aims is more regular than what
they talk about: "I'm super into bouldering", "I rep Chelsea", "a keen amateur astronomer" are
tastes; "5 years into Java", "been doing woodworking for 20 years", "brand new to MongoDB",
"can't cook to save my life" are skills; "saving up to do a semester abroad", "tryna be a
software engineer by 25", "I'd love to buy a cabin eventually" are aims. The cues are data.
"""

from __future__ import annotations

import re

from accord.domain.models import Category

__all__ = ["category_of", "is_skill", "is_taste"]

_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|a few|several|many)"
_SKILL = re.compile(
    rf"\b{_NUMBER}\+? (?:years?|yrs?|decades?) (?:into|of|on|with|in|doing|as an?|experience)\b"
    # a duration says how well only after an activity: "I've coded for 20 years", not "been married for 10 years"
    rf"|(?:\b\w+ing|(?<!been )\b(?!lived\b|stayed\b|resided\b|owned\b|had\b|known\b|used\b|married\b|"
    rf"worked\b)\w+ed|\btaught|\bdone|\brun|\bwritten|\bdrawn|\bsung)\b[^,.]{{0,40}}\bfor (?:about |over |almost |nearly |around |like )?{_NUMBER}\+? (?:years?|yrs?|decades?)\b"
    r"|\b(?:good|great|bad|awful|terrible|hopeless|decent|rusty|fluent|proficient|competent|experienced|"
    r"solid|strong|weak|useless|ok|okay|not bad|average|mediocre|brilliant|amazing|skilled|handy|"
    r"(?:brand |completely |totally )?new) (?:at|in|with|to)\b"
    r"|\bcan(?:'t|not| not)? (?:cook|code|program|swim|drive|sing|dance|draw|paint|knit|sew|ski|surf|skate|"
    r"type|read music|play)\b"
    r"|\b(?:beginner|novice|intermediate|advanced|expert|pro|amateur|self-taught) (?:at|in|with)\b"
    # a level said as a level: "conversational in ASL", "an intermediate knitter", "HSK 4", "B2 in German"
    r"|\b(?:conversational|fluent|proficient|intermediate|advanced|beginner|novice) (?:in|at|with|\w+(?:er|ist))\b"
    r"|\b(?:HSK|JLPT|TOPIK|DELE|DELF|DALF|IELTS|TOEFL|CEFR) ?(?:[1-9]|N[1-5]|[ABC][12])\b|\b[ABC][12] (?:level|in)\b"
    r"|\b(?:white|yellow|orange|green|blue|purple|brown|red|black) belt\b"
    r"|\bI know (?:all|most|a lot|plenty|the basics)\b"
    r"|\b(?:certified|licensed|qualified|trained) (?:in|as)\b|\bblack belt\b|\bcan (?!not\b)(?:code|program|speak|play|cook|"
    r"read|write|draw|paint|sing|dance|drive|swim|knit|sew)\b",
    re.I,
)
_TASTE = re.compile(
    r"\b(?:(?:super |really |so |very |pretty |totally |big time )?into|love|loving|adore|enjoy|enjoying|"
    r"obsessed with|hooked on|addicted to|fan of|crazy about|passionate about|mad about|keen on|rep|reps|"
    r"root for|cheer for|support|supports|follow|follows|can't stand|cannot stand|hate|hates|detest|loathe|"
    r"dislike|dislikes|disagreeable|not a fan|afraid of|scared of|terrified of|picky)\b"
    r"|\b(?:keen|avid|huge|big|massive|die-hard|diehard|lifelong) (?:\w+ )?(?:fan|reader|gamer|cook|baker|"
    r"hiker|runner|cyclist|amateur|collector|listener|watcher|supporter)\b"
    r"|\b(?:nerd|geek|buff|junkie|snob|fanatic|enthusiast|lover|aficionado|minimalist|foodie|"
    r"season ticket holder)\b",
    re.I,
)
_AIM = re.compile(
    r"\b(?:saving (?:up )?(?:for|to)|savin(?:g)? up|tryna|trying to|hoping to|hope to|aiming (?:to|for)|"
    r"aim to|working (?:towards?|on getting)|would love to|'d love to|dream (?:of|is)|dreaming of|"
    r"someday|one day|eventually|bucket list|by (?:the end of (?:the|this|next) \w+|next (?:year|summer|spring|fall|autumn|winter)|"
    r"(?:age )?\d\d\b|20\d\d))\b",
    re.I,
)


# What people do or have for the pleasure of it: "switched to trail running", "taken up
# watercolor painting", "I drink my coffee black".
_PASTIMES = (
    r"soccer|football|basketball|baseball|tennis|golf|hockey|cricket|rugby|volleyball|badminton|squash|swimming|"
    r"running|trail running|cycling|climbing|bouldering|skiing|snowboarding|surfing|yoga|pilates|boxing|karate|"
    r"judo|jiu-jitsu|crossfit|hiking|rowing|skating|skateboarding|fencing|archery|pickleball|triathlons?|"
    r"marathons?|weightlifting|kayaking|sailing|chess|poker|painting|watercolou?rs?|drawing|sketching|knitting|"
    r"crochet|sewing|pottery|gardening|baking|cooking|woodworking|photography|birdwatching|fishing|hunting|camping|"
    r"gaming|video games|board games|dungeons & dragons|d&d|dnd|reading|podcasts?|audiobooks|jazz|hip hop|"
    r"k-pop|metal|country music|classical music|opera|ballet|musicals|anime|manga|sci-fi|fantasy|horror|"
    r"coffee|espresso|tea|green tea|matcha|beer|wine|whisky|whiskey|cocktails|kombucha|soda|energy drinks"
)
_DOING = re.compile(
    rf"\b(?:play|plays|playing|do|does|doing|drink|drinks|drinking|eat|eats|watch|watches|watching|listen to|"
    rf"listens to|listening to|read|reads|switched to|took up|taken up|picked up|got into|gotten into|"
    rf"ride|rides|go|goes)\b(?:\s+[\w'-]+){{0,3}}?\s+(?:{_PASTIMES})\b",
    re.I,
)


def category_of(text: str, default: Category) -> Category:
    """The category ``text`` reads as: an aim, a skill or a taste when its words say so, else ``default``.

    Aims first ("I'm trying to get good at chess" is an aim about a skill), then skills ("I've been
    cooking for 20 years and I love it" says how well), then tastes.
    """
    if _AIM.search(text):
        return Category.GOAL
    if _SKILL.search(text):
        return Category.EXPERTISE
    if _TASTE.search(text) or _DOING.search(text):
        return Category.PREFERENCE
    return default


def is_skill(text: str) -> bool:
    """Whether ``text`` states how well the user does something ("ok at python", "new to Go")."""
    return bool(_SKILL.search(text))


def is_taste(text: str) -> bool:
    """Whether ``text`` states a taste ("obsessed with matcha", "big fan of jazz")."""
    return bool(_TASTE.search(text))
