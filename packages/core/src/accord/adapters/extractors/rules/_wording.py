"""How people write, as data for the text handling in ``_text``: contractions, texting and slang
spellings, and the openers (fillers, greetings, hedges) that say how a sentence is said rather than
what it says. Add words here; ``_text`` holds the logic."""

from __future__ import annotations

import re

__all__ = ["CONTRACTIONS", "FILLER_WORDS", "GREETINGS", "HEDGES", "SUBJECT_DROP", "SUBJECT_DROP_EXPAND", "TYPOS"]

CONTRACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.I), r)
    for p, r in (
        (r"\bi\b", "I"),
        (r"\bI'?m\b", "I am"),
        (r"\bI'?ve\b", "I have"),
        (r"\bI'd(?=\s+(?:been|already|just|never been|gotten)\b)", "I had"),
        (r"\bI'd\b", "I would"),
        (r"\bI'll\b", "I will"),
        (r"\bwanna\b", "want to"),
        (r"\bgonna\b", "going to"),
        (r"\bgotta\b", "have to"),
        (r"\bname's\b", "name is"),
        (r"\b(do|does|is|are|was|were|did|have|has|ca|wo|could|would|should)n'?t\b", r"\1n't"),
        (r"\bcan't\b", "cannot"),
    )
)

# Chat spellings of the contractions and words the rules read ("im", "ive", "dont", "u", "wrk").
TYPOS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.I), r)
    for p, r in (
        (r"\bim\b", "I'm"),
        (r"\bive\b", "I've"),
        (r"\bu\b", "you"),
        (r"\bur\b", "your"),
        (r"\br\b", "are"),
        (r"\bwrk\b", "work"),
        (r"\bluv\b", "love"),
        (r"\bnow(?:a)?days\b", "these days"),
        (r"\bmy names\b", "my name is"),
        (r"\b(my (?:\w+ )?\w+?)s name\b", r"\1's name"),  # "my pets name", "my dogs name"
        (r"\bgot ta\b", "have to"),
        # Slang and texting spellings, read as the words they stand for.
        (r"\btryna\b", "trying to"),
        (r"\bfinna\b", "going to"),
        (r"\bwanna\b", "want to"),
        (r"\bgonna\b", "going to"),
        (r"\bgotta\b", "have to"),
        (r"\bfave?\b", "favorite"),
        (r"\bw/(?=\s)", "with"),
        (r"\bb4\b", "before"),
        (r"\bcuz\b|\bcoz\b|\bbc\b", "because"),
        (r"\bn\b(?=\s+(?:i|my|me)\b)", "and"),
        (r"\b(?:ppl)\b", "people"),
        (r"(?<=\w )w(?= [a-z])", "with"),  # "obsessed w matcha"
        (r"\byrs\b", "years"),
        (r"\bthru\b", "through"),
        # Dropped g's: "savin up", "been codin", "goin to the gym".
        (r"\b(sav|cod|go|watch|try|do|liv|work|learn|plann|think|look|play|runn|train|study|gett|mak|tak|start|"
         r"mov|driv|teach|cook|bak|read|writ|hik|climb|paint|draw|sing|danc|skat|swimm|lift|stack|chill|vib)in'?(?=\s|$)",
         r"\1ing"),
        (r"\bI got (?=(?:\d+|two|three|four|five|no) \w+s\b)", "I have "),
        (r"\b(?:deadass|lowkey|low-key|highkey|literally|hella|straight up)\s+(?=\w)", ""),
        (r"^(?:favorite|favourite)\b", "my favorite"),
        # A dropped "my": "Name's Dmitri", "sis is in the navy", "goal is 100 pushups by summer".
        (r"^(?=(?:goal|aim|dream|name|job|sis|bro|mom|mum|dad|husband|wife|hubby|bf|gf|partner|kids?|son|"
         r"daughter|dog|cat|manager|boss|commute|birthday|pronouns|doctor|therapist|roommate)(?:'s|\s+is|\s+are)\b)",
         "my "),
    )
)

FILLER_WORDS = (
    "actually", "btw", "by the way", "also", "oh", "ok", "okay", "so", "well", "anyway", "anyways",
    "fyi", "fwiw", "for the record", "just so you know", "just fyi", "honestly", "tbh", "to be honest",
    "um", "uh", "umm", "hmm", "yeah", "yep", "yes", "no", "nope", "and", "but", "plus", "fun fact",
    "side note", "quick note", "note", "update", "correction", "basically", "frankly", "alright",
    "right", "oh and", "just", "now", "these days", "nowadays", "lately", "currently", "at the moment",
    "for context", "for reference", "in fact", "sure", "cool", "great", "lol", "haha", "ah", "oops",
    "sorry", "wait", "ps", "to clarify", "to be clear", "for what it's worth", "i mean",
    "you are right", "that's right", "that is right", "correct", "exactly", "true", "of course",
    "remember", "please remember", "keep in mind", "note that", "please note", "I should mention",
    "I want you to know", "you should know", "just to let you know", "I wanted to let you know",
    "let me tell you", "as I said", "like I said", "so yeah", "thanks", "thank you",
    "I am pretty sure", "I am sure", "just to be clear",
    # slang openers: how the sentence is said, not what it says
    "ngl", "not gonna lie", "not going to lie", "fr", "fr fr", "lowkey", "low-key", "highkey", "deadass",
    "bruh", "bro", "dude", "yo", "welp", "omg", "ugh", "istg", "tbf", "imo", "imho", "no cap", "real talk",
    "you know what", "okay so", "ok so", "so basically", "like", "I gotta say", "I have to say", "gotta say",
    "I gotta tell you", "I have to tell you", "I must say", "idk", "ig", "smh", "ahh", "aww", "eek", "whew",
)
GREETINGS = (
    "hi", "hello", "hey", "hiya", "howdy", "greetings", "good morning", "good afternoon",
    "good evening", "hi there", "hello there", "hey there", "hi all", "hello everyone",
)
HEDGES = (
    "I think", "I guess", "I believe", "I suppose", "I reckon", "I feel like", "I would say",
    "I am not sure but", "not sure but", "maybe", "perhaps", "probably", "possibly", "apparently",
    "I am fairly sure", "I am quite sure", "I am pretty sure", "I am not totally sure but", "I am not 100% sure but",
    "it is possible that", "it's possible that", "I would guess", "I would say", "if I had to guess",
)

# Terse turns drop the subject ("Love Thai food", "Based in Oslo", "Allergic to cats").
SUBJECT_DROP = re.compile(
    r"^(?:recently |finally |just |still )?(moved|relocated|joined|started|left|quit|live|living|work|working|"
    r"love|hate|prefer|eat|enjoy|adore|based|allergic|learning|studying|training|saving|married|"
    r"divorced|engaged|drive|own|have|got|play|speak|teach|teaching|raising|stopped|sold|cancell?ed|"
    r"switched|used to|trying|planning|hoping|going|doing|run|running|obsessed|into|fluent|"
    r"rusty|new to|terrible|bad|good|great|decent|huge|big|total|senior|junior|lead|fan|vegan|"
    r"vegetarian|pescatarian|diabetic|retired|want to|wanna|need to|aiming|hope to|plan to|intermediate|advanced|"
    r"beginner|expert|ok|okay|kinda ok|trash|awful|hopeless|solid|average|fluent in|been|"
    # changes told without their subject: "Finally replaced the ThinkPad", "Traded the Rio for ..."
    r"replaced|traded|swapped|upgraded|adopted|dropped|ditched|gave up|took up|picked up|transferred|"
    r"changed|became|graduated|passed|got rid of|went back to)\b",
    re.I,
)
SUBJECT_DROP_EXPAND = {
    w: f"am {w}"
    for w in """living working based allergic learning studying training saving married divorced
    engaged teaching raising trying planning hoping going doing running obsessed into fluent rusty
    new terrible bad good great decent vegan vegetarian pescatarian diabetic retired aiming intermediate
    advanced trash awful hopeless solid average ok okay""".split()
} | {"got": "have", "huge": "am a huge", "big": "am a big", "total": "am a total", "senior": "am a senior",
     "junior": "am a junior", "lead": "am a lead", "fan": "am a fan", "beginner": "am a beginner",
     "expert": "am an expert", "been": "have been", "kinda ok": "am kinda ok", "fluent in": "am fluent in"}
