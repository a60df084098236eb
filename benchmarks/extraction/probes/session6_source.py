"""The sixth session's probe set, written before the extractor was changed in that session.

    python benchmarks/extraction/probes/session6_source.py

writes ``session6.all.jsonl`` beside this file and splits it with ``split.py`` (by a hash of
each id) into ``session6.tuning.jsonl`` and ``session6.heldout.jsonl``. Only the tuning half's
misses are read; the held-out half is for reporting. Everyday phrasings of life changes
(names, partners, pets, devices, homes, jobs, diets, tastes, studies), statements and negatives.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from split import split  # noqa: E402

# (change kind, attribute, [session texts], current category, current keywords or None, old keywords)
CHANGES: list[tuple[str, str, list[str], str, list | None, list]] = [
    ("name", "name", ["I'm Jennifer.", "Honestly I prefer Jen, everyone does."], "fact", ["jen"], ["jennifer"]),
    ("name", "name", ["My name is William Carter.", "Friends call me Will, so you can too."], "fact", ["will"], ["william"]),
    ("name", "name", ["hi im danielle", "u can just say dani, thats what i go by"], "fact", ["dani"], ["danielle"]),
    ("name", "name", ["I'm Priya Sharma.", "Got married in June, so it's Priya Malhotra now."], "fact", ["malhotra"], ["sharma"]),
    ("name", "name", ["Call me Alex.", "Actually I'd rather be called Lex, Alex feels too formal."], "fact", ["lex"], ["alex"]),
    ("name", "name", ["My name is Christopher.", "Please use Kit from now on, it's the name I chose."], "fact", ["kit"], ["christopher"]),
    ("name", "name", ["I am Mohammed.", "Everybody at my job calls me Mo, you can call me Mo too."], "fact", ["mo"], ["mohammed"]),
    ("name", "name", ["I'm Susan Park.", "I took back my maiden name, Susan Lee."], "fact", ["lee"], ["park"]),
    ("name", "name", ["The name's Theodore.", "Most people just call me Teddy."], "fact", ["teddy"], ["theodore"]),
    ("name", "name", ["Hello, my name is Anastasia.", "Nastya is fine, it is short for Anastasia in my country."], "fact", ["nastya"], ["anastasia"]),
    ("relationship", "partner", ["My girlfriend Lena and I live together.", "Lena and I got engaged last weekend!"], "relationship", ["lena", ["fiancée", "fiancee", "fiance", "fiancé", "engaged"]], ["girlfriend"]),
    ("relationship", "partner", ["I've been dating Marcus for a year.", "Marcus and I split up in the spring."], "relationship", None, ["marcus"]),
    ("relationship", "partner", ["I'm single.", "Met someone! Her name is Ines and we've been together two months."], "relationship", ["ines"], ["single"]),
    ("relationship", "partner", ["My wife Rachel is a teacher.", "Rachel and I are getting divorced."], "relationship", [["divorced", "divorcing", "divorce"]], ["wife"]),
    ("relationship", "pet", ["I have a cat called Biscuit.", "Biscuit passed away last month, we're heartbroken."], "relationship", None, ["biscuit"]),
    ("relationship", "pet", ["No pets for me.", "We adopted a beagle named Scout!"], "relationship", ["scout"], ["no pets"]),
    ("relationship", "partner", ["My boyfriend is Tariq.", "Tariq proposed and I said yes, he's my fiancé now."], "relationship", ["tariq", ["fiancé", "fiance", "engaged"]], ["boyfriend"]),
    ("relationship", "children", ["We don't have kids.", "Our daughter Ava was born on Tuesday."], "relationship", ["ava"], [["don't have kids", "no kids"]]),
    ("upgrade", "phone", ["I use a Pixel 6.", "Switched to a Pixel 9 last week."], "fact", ["pixel 9"], ["pixel 6"]),
    ("upgrade", "laptop", ["My laptop is a ThinkPad T480.", "Finally replaced the ThinkPad with a MacBook Air."], "fact", ["macbook"], ["thinkpad"]),
    ("upgrade", "vehicle", ["I drive a Honda Fit.", "Sold the Fit and bought a Toyota RAV4."], "fact", ["rav4"], ["fit"]),
    ("upgrade", "vehicle", ["my car is an old corolla", "got a tesla model 3 now, the corolla is gone"], "fact", ["tesla"], ["corolla"]),
    ("upgrade", "phone", ["I have an iPhone 12.", "Upgraded my phone, it's an iPhone 15 now."], "fact", ["iphone 15"], ["iphone 12"]),
    ("upgrade", "console", ["I play on an Xbox One.", "Got a Series X for Christmas, the One is in the attic."], "fact", ["series x"], ["xbox one"]),
    ("upgrade", "belt", ["I'm a blue belt in judo.", "Passed my grading, I'm a brown belt now!"], "expertise", ["brown"], ["blue"]),
    ("job", "employer", ["I work at Deloitte.", "I left Deloitte and joined a startup called Ravel."], "fact", ["ravel"], ["deloitte"]),
    ("job", "job_title", ["I'm a junior designer.", "Got promoted, I'm a senior designer now."], "fact", ["senior designer"], ["junior"]),
    ("job", "employer", ["I'm a barista at Blue Bottle.", "Quit the coffee shop, I'm working at the Apple Store now."], "fact", ["apple store"], ["blue bottle"]),
    ("job", "job_title", ["I teach high school chemistry.", "I'm not teaching anymore, I became a pharmacist."], "fact", ["pharmacist"], ["chemistry"]),
    ("job", "employment", ["I work in marketing at Unilever.", "I got laid off from Unilever, looking for work now."], "fact", None, ["unilever"]),
    ("job", "employer", ["i work for amazon in the warehouse", "started at fedex this week, amazon was too much"], "fact", ["fedex"], ["amazon"]),
    ("replace", "city", ["I live in Chicago.", "We relocated to Phoenix over the summer."], "fact", ["phoenix"], ["chicago"]),
    ("replace", "city", ["I'm based in Manchester.", "I'm in Glasgow these days, moved for my partner's job."], "fact", ["glasgow"], ["manchester"]),
    ("replace", "city", ["i live in brooklyn", "moved out to jersey city last month, rent was insane"], "fact", ["jersey city"], ["brooklyn"]),
    ("replace", "home", ["We rent an apartment.", "We bought a house! No more landlord."], "fact", ["house"], ["rent"]),
    ("replace", "gym", ["I go to Planet Fitness.", "I cancelled Planet Fitness and joined a climbing gym instead."], "fact", ["climbing gym"], ["planet fitness"]),
    ("replace", "editor", ["I code in Sublime Text.", "These days I use Neovim for everything."], "fact", ["neovim"], ["sublime"]),
    ("replace", "bank", ["My bank is Wells Fargo.", "Moved all my accounts over to Capital One."], "fact", ["capital one"], ["wells fargo"]),
    ("negate", "smoking", ["I smoke about a pack a day.", "I quit smoking three months ago!"], "fact", None, ["smoke"]),
    ("negate", "diet", ["I'm vegan.", "I'm not vegan anymore, I eat eggs and dairy again."], "fact", None, ["vegan"]),
    ("negate", "car", ["I have a car.", "Sold my car, I just take the bus now."], "fact", ["bus"], [["have a car", "has a car"]]),
    ("negate", "drinking", ["I drink a glass of wine most evenings.", "I've stopped drinking completely."], "fact", None, ["wine"]),
    ("preference", "coffee", ["I love espresso.", "Honestly I've gone off coffee, I drink green tea now."], "preference", ["green tea"], ["espresso"]),
    ("preference", "music", ["I'm really into metal.", "Lately I mostly listen to jazz, metal doesn't do it for me anymore."], "preference", ["jazz"], ["metal"]),
    ("preference", "food", ["I hate mushrooms.", "Weirdly, I've come around on mushrooms, I actually like them now."], "preference", ["mushrooms", ["like", "likes", "love", "loves", "enjoy", "enjoys"]], ["hate"]),
    ("preference", "sport_team", ["I support Arsenal.", "I've switched allegiance to Tottenham, don't ask."], "preference", ["tottenham"], ["arsenal"]),
    ("preference", "reply_length", ["Give me detailed answers please.", "Actually, shorter answers work better for me now."], "procedure", [["short", "shorter", "brief", "concise"]], ["detailed"]),
    ("learning", "language", ["I'm learning Spanish.", "I dropped Spanish and started learning Korean."], "goal", ["korean"], ["spanish"]),
    ("learning", "school", ["I'm studying at Ohio State.", "I transferred to Michigan this semester."], "fact", ["michigan"], ["ohio state"]),
    ("learning", "major", ["I'm majoring in biology.", "Changed my major to computer science."], "fact", ["computer science"], ["biology"]),
    ("learning", "instrument", ["I'm learning guitar.", "I gave up guitar, I'm taking piano lessons now."], "goal", ["piano"], ["guitar"]),
    ("revert", "city", ["I live in Austin.", "Moved to Seattle for a year.", "And now I'm back in Austin, Seattle was too rainy."], "fact", ["austin"], ["seattle"]),
    ("revert", "diet", ["I'm vegetarian.", "I started eating meat again.", "Went back to being vegetarian, I feel better."], "fact", ["vegetarian"], ["meat"]),
    ("out_of_order", "city", [("I live in Madrid.", "2025-06-01T10:00:00Z"), ("I live in Valencia.", "2023-02-01T10:00:00Z")], "fact", ["madrid"], ["valencia"]),
    ("out_of_order", "employer", [("I work at Google.", "2026-01-10T10:00:00Z"), ("I work at Microsoft.", "2024-03-10T10:00:00Z")], "fact", ["google"], ["microsoft"]),
    ("refine", "pet", ["I have a dog.", "My dog is a border collie named Pip."], "relationship", ["pip"], ["dog"]),
    ("refine", "employer", ["I work in tech.", "Specifically I'm a data engineer at Spotify."], "fact", ["spotify"], ["tech"]),
    ("refine", "city", ["I live in California.", "To be exact, I live in San Diego."], "fact", ["san diego"], ["california"]),
    ("refine", "goal", ["I want to run a marathon.", "I signed up for the Berlin Marathon in September."], "goal", ["berlin"], ["marathon"]),
    ("used_to", "hobby", ["I play tennis every weekend.", "I used to play tennis but my knee won't let me now."], "fact", None, ["tennis"]),
]

# (voice, text, [(category, attribute, keywords)])
STATEMENTS: list[tuple[str, str, list[tuple[str, str, list]]]] = [
    ("terse", "Allergic to penicillin.", [("fact", "allergy", ["penicillin"])]),
    ("terse", "Software engineer, Berlin.", [("fact", "job_title", ["software engineer"]), ("fact", "city", ["berlin"])]),
    ("terse", "Two kids, both in primary school.", [("relationship", "children", [["kids", "children"]])]),
    ("terse", "No dairy.", [("preference", "food_dislike", ["dairy"])]),
    ("terse", "Night owl.", [("fact", "sleep", ["night owl"])]),
    ("terse", "Prefer bullet points.", [("procedure", "response_format", ["bullet"])]),
    ("terse", "Mac user.", [("fact", "os", ["mac"])]),
    ("chatty", "So I've got this little rescue cat named Miso and honestly she runs the house.", [("relationship", "pet", ["miso"])]),
    ("chatty", "I'm a huge fan of true crime podcasts, I listen to them on every run lol.", [("preference", "podcast", ["true crime"])]),
    ("chatty", "Fun fact about me: I've been playing the cello since I was eight!", [("expertise", "instrument", ["cello"])]),
    ("chatty", "Okay so I work as a paramedic, which means my sleep schedule is all over the place.", [("fact", "job_title", ["paramedic"])]),
    ("chatty", "Honestly I'm terrified of flying, so we always take the train when we travel.", [("fact", "fear", ["flying"])]),
    ("chatty", "My mom lives with us now, she moved in after my dad passed.", [("relationship", "parent", ["mom"])]),
    ("chatty", "I'm hoping to get my PhD done by next year, fingers crossed.", [("goal", "education_goal", ["phd"])]),
    ("chatty", "I really can't do spicy food, my stomach just says no.", [("preference", "food_dislike", ["spicy"])]),
    ("story", "Last winter I slipped on the ice and tore my ACL, and since the surgery I've had to skip running, which is hard because I used to do 5ks every weekend.", [("fact", "health", ["acl"])]),
    ("story", "When my grandmother taught me to bake bread I was maybe ten, and I've baked every Sunday since, it's kind of my thing now.", [("preference", "hobby", [["bake", "baking", "bread"]])]),
    ("story", "We were at the vet yesterday with Rufus, our golden retriever, because he ate a sock again.", [("relationship", "pet", ["rufus"])]),
    ("story", "After ten years in banking I finally quit and opened a small bakery in Leith with my brother.", [("fact", "business", ["bakery"])]),
    ("non_native", "I am working like accountant in a big company in Milan.", [("fact", "job_title", ["accountant"]), ("fact", "city", ["milan"])]),
    ("non_native", "My wife she is from Korea and we have two daughters.", [("relationship", "spouse", ["wife"]), ("relationship", "children", ["daughters"])]),
    ("non_native", "I like very much the hiking in mountains.", [("preference", "hobby", ["hiking"])]),
    ("non_native", "I am vegetarian since five years.", [("fact", "diet", ["vegetarian"])]),
    ("non_native", "For work I use everyday the Python and the SQL.", [("expertise", "skill", ["python"])]),
    ("typos", "i hav a dog named bruno hes a boxer", [("relationship", "pet", ["bruno"])]),
    ("typos", "im alergic to shelfish so be carefull with recipies", [("fact", "allergy", [["shelfish", "shellfish"]])]),
    ("typos", "my favrite band is radiohead", [("preference", "band", ["radiohead"])]),
    ("typos", "i work as a nurce in the childrens hospital", [("fact", "job_title", [["nurce", "nurse"]])]),
    ("slang", "lowkey obsessed w matcha rn, like every day", [("preference", "drink", ["matcha"])]),
    ("slang", "my bf jay is a DJ lol", [("relationship", "partner", ["jay"])]),
    ("slang", "been vegan for like 3 yrs now", [("fact", "diet", ["vegan"])]),
    ("slang", "im a die hard lakers fan", [("preference", "team", ["lakers"])]),
    ("formal", "I hold a master's degree in civil engineering from Delft.", [("fact", "degree", ["civil engineering"])]),
    ("formal", "I am the head of procurement at a mid-sized logistics firm.", [("fact", "job_title", ["head of procurement"])]),
    ("formal", "Please address me as Dr. Okafor in all correspondence.", [("fact", "name", ["okafor"])]),
    ("formal", "I would appreciate it if responses were kept under 200 words.", [("procedure", "response_length", ["200"])]),
    ("multi", "I'm 29, I live in Lisbon, and I teach yoga.", [("fact", "age", ["29"]), ("fact", "city", ["lisbon"]), ("fact", "job_title", ["yoga"])]),
    ("multi", "I have a son named Leo, I drive a Mazda, and I'm trying to learn French.", [("relationship", "children", ["leo"]), ("fact", "vehicle", ["mazda"]), ("goal", "learning_goal", ["french"])]),
    ("hedged", "I think I'm lactose intolerant, milk always makes me feel sick.", [("fact", "health", ["lactose"])]),
    ("hedged", "I'm pretty sure I want to move to the coast eventually.", [("goal", "move", ["coast"])]),
    ("speaker", "Weekends are for my garden, I grow tomatoes and peppers.", [("preference", "hobby", [["garden", "gardening", "tomatoes"]])]),
    ("terse", "Diabetic, type 1.", [("fact", "health", ["diabetic"])]),
    ("chatty", "I'm the oldest of five siblings, so I'm used to chaos haha.", [("relationship", "siblings", ["siblings"])]),
    ("chatty", "My go-to drink is a flat white, no sugar.", [("preference", "drink", ["flat white"])]),
]

# (why, text)
NEGATIVES: list[tuple[str, str]] = [
    ("question", "Do you think I should learn Rust or Go?"),
    ("question", "What's a good name for a golden retriever?"),
    ("hypothetical", "If I ever moved to Japan, I'd probably live in Osaka."),
    ("hypothetical", "Imagine I was a chef, what knives would I need?"),
    ("temporary", "I'm so tired today, barely slept."),
    ("temporary", "I'm at the airport right now waiting for my flight."),
    ("temporary", "Got a headache this afternoon."),
    ("third_party", "My coworker just bought a Tesla."),
    ("third_party", "My neighbor is allergic to cats."),
    ("quoting", "My friend always says 'I love Mondays', which is crazy."),
    ("quoting", "The sign said: I am the owner of this parking spot."),
    ("sarcasm", "Oh yeah, I just love sitting in traffic for two hours. Best part of my day."),
    ("small_talk", "Haha thanks, that's really helpful!"),
    ("small_talk", "Good morning! How are you today?"),
    ("instruction", "Write a poem about a cat who loves lasagna."),
    ("instruction", "Translate 'I am a doctor' into Spanish."),
    ("example_text", "Here's my draft: 'I am passionate about sustainable design and have five years of experience.'"),
    ("hypothetical", "Maybe one day I'll get a motorbike, who knows."),
    ("temporary", "Eating a sandwich at my desk lol."),
    ("third_party", "My sister lives in Toronto and works at a bank."),
]


def cases() -> list[dict]:
    out: list[dict] = []
    for n, (kind, attribute, sessions, category, current, old) in enumerate(CHANGES):
        turns = []
        for s in sessions:
            text, when = (s, None) if isinstance(s, str) else s
            message = {"role": "user", "content": text}
            if when:
                message["created_at"] = when
            turns.append([message])
        out.append({"id": f"s6-ch-{n:03d}", "kind": "change", "voice": "probe", "change": kind, "sessions": turns,
                    "attribute": attribute, "current": None if current is None else {"category": category, "keywords": current},
                    "old": {"keywords": old}})
    for n, (voice, text, expected) in enumerate(STATEMENTS):
        out.append({"id": f"s6-st-{n:03d}", "kind": "statement", "voice": voice,
                    "messages": [{"role": "user", "content": text}],
                    "expected": [{"category": c, "attribute": a, "keywords": k} for c, a, k in expected]})
    for n, (why, text) in enumerate(NEGATIVES):
        out.append({"id": f"s6-ng-{n:03d}", "kind": "negative", "voice": "probe", "why": why,
                    "messages": [{"role": "user", "content": text}], "expected": []})
    return out


if __name__ == "__main__":
    target = HERE / "session6.all.jsonl"
    target.write_text("".join(json.dumps(c) + "\n" for c in cases()), encoding="utf-8")
    print(split(target))
