"""Writes scenarios.jsonl, the context quality suite (see FORMAT.md), from the table below.

Each scenario: a user over two or three sessions (a few days apart), then the query an agent
asks at the start of the next session, the facts a good context must hold and those it must
not hold as current. A turn starting with "A: " is the assistant's. The split into tuning and
held-out halves is fixed here, by position within each domain (odd: tuning, even: held-out),
and was fixed before any tuning. ``scenarios-long.jsonl`` is each scenario with four sessions of
everyday talk about other things before its last session: a stress check, never tuned on.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

GREET = "The user is back. How should the agent greet them?"
CONTINUE = "Continue where we left off."
BACK = "The user is back."

# (domain, query, sessions, must, must_not)
S: list[tuple[str, str, list[list[str]], list[str], list[str]]] = [
    # ---------------------------------------------------------------- support
    ("support", "The customer is back. How should the agent greet them?",
     [["Hi, I'm on the Pro plan and my invoice charged me twice this month", "A: Sorry about that, I've opened a ticket.",
       "Please contact me by email, not by phone"]],
     ["Pro plan", "charged twice", "email"], []),
    ("support", BACK,
     [["My name is Farah and I run a small bakery", "Our card reader keeps disconnecting from the app"],
      ["The card reader still drops the connection every afternoon", "I prefer short answers, I'm busy at the counter"]],
     ["Farah", "card reader", "short answers"], []),
    ("support", "What plan is the customer on?",
     [["I'm on the Basic plan for now"], ["I upgraded to the Business plan yesterday", "A: Great, the upgrade is active."]],
     ["Business plan"], ["Basic plan"]),
    ("support", CONTINUE,
     [["I can't export my reports to PDF, the button is greyed out", "I use Firefox on Linux"],
      ["A: Did clearing the cache help?", "No, exporting to PDF is still broken"]],
     ["PDF", "Firefox"], []),
    ("support", "The customer is back. What do we know about their account?",
     [["I manage the account for Lumen Dental, we have 12 seats", "Our billing contact is Priya in finance"],
      ["We're thinking about adding 5 more seats next quarter"]],
     ["Lumen Dental", "12 seats", "Priya"], []),
    ("support", "How should the agent contact this customer?",
     [["Please don't call me, I'm deaf; text or email works"], ["My email changed to tom.r@fastmail.com"]],
     ["deaf", "email"], []),
    ("support", GREET,
     [["I've been a customer since 2019", "The mobile app crashes when I upload photos"],
      ["The photo upload crash happens on my iPhone 12", "I'm pretty frustrated, this is the third time I'm writing"]],
     ["app crashes", "upload photos", "iPhone"], []),
    ("support", "Which language should replies be in?",
     [["Can you answer in Spanish please? My English isn't great", "I live in Valencia"]],
     ["Spanish"], []),
    ("support", BACK,
     [["I asked for a refund for order 4471 last week", "The blender arrived broken"],
      ["I still haven't received the refund for the blender"]],
     ["refund", "blender"], []),
    ("support", "What shipping address does the customer use?",
     [["Ship everything to my office at 14 Harbour Street, Leith"],
      ["We moved, please ship to 2 Mill Lane, Dunfermline from now on"]],
     ["Mill Lane"], ["Harbour Street"]),
    ("support", CONTINUE,
     [["Our API integration returns error 429 every few minutes", "We send about 50 requests per second"],
      ["A: We raised your limit to 100 per second.", "The 429 errors are gone but latency went up"]],
     ["429", "latency"], []),
    ("support", "The customer is back. Anything to keep in mind?",
     [["I'm allergic to peanuts, so please flag that on my meal-kit orders", "I order the vegetarian box every week"]],
     ["allergic to peanuts", "vegetarian"], []),
    ("support", "Who is the customer's account manager?",
     [["My account manager is Jonas"], ["Jonas left, my new account manager is Aisha"]],
     ["Aisha"], ["Jonas"]),
    # ---------------------------------------------------------------- tutoring
    ("tutoring", "The student is back. Continue the lesson.",
     [["I'm in year 10 and I'm studying for my GCSE maths", "Quadratic equations are my weak spot"],
      ["A: Let's practise factorising.", "I still get confused when factorising quadratics"]],
     ["GCSE", "quadratic"], []),
    ("tutoring", BACK,
     [["I'm learning Japanese, I know hiragana already", "I want to pass the JLPT N5 in December"],
      ["Katakana is really hard for me to remember"]],
     ["Japanese", "JLPT N5", "katakana"], []),
    ("tutoring", "How does this student like to learn?",
     [["I learn best with lots of worked examples", "Please don't give me long theory first"],
      ["Visual diagrams help me a lot"]],
     ["worked examples", "diagrams"], []),
    ("tutoring", CONTINUE,
     [["We're working through organic chemistry for my A levels", "I understand alkanes but not alkenes"],
      ["A: Next time we'll do addition reactions.", "I have my chemistry exam on 14 June"]],
     ["organic chemistry", "alkenes", "exam"], []),
    ("tutoring", "What level is the student at in Spanish?",
     [["My Spanish is at about B1 level"], ["I passed the B2 exam last month!"]],
     ["B2"], ["B1 level"]),
    ("tutoring", GREET,
     [["I'm Leo, I'm 12 and I love dinosaurs", "Fractions make my head hurt"],
      ["I got 7 out of 10 on my fractions quiz"]],
     ["Leo", "fractions"], []),
    ("tutoring", "The student is back. What should we review?",
     [["I'm preparing for the bar exam", "Contract law is fine but I keep failing evidence questions"],
      ["Hearsay exceptions are the part of evidence I mix up"]],
     ["bar exam", "evidence", "hearsay"], []),
    ("tutoring", BACK,
     [["I'm studying piano, grade 5", "My left hand is much weaker than my right"],
      ["I'm practising the Bach minuet for the exam"]],
     ["piano", "left hand", "Bach"], []),
    ("tutoring", "How much time does the student have to study?",
     [["I work full time so I can only study 30 minutes a day"], ["Weekends I can do two hours"]],
     ["30 minutes", "two hours"], []),
    ("tutoring", CONTINUE,
     [["I'm learning Python for data analysis", "I'm comfortable with lists and loops"],
      ["A: Today we started pandas.", "Pandas groupby confuses me"]],
     ["Python", "pandas", "groupby"], []),
    ("tutoring", "The student is back. Anything to adapt for them?",
     [["I have dyslexia, so please keep sentences short", "I'm revising biology for my exams"]],
     ["dyslexia", "biology"], []),
    ("tutoring", "Which exam board is the student using?",
     [["I'm doing the AQA physics course"], ["Actually my school switched me to the Edexcel course this term"]],
     ["Edexcel"], ["AQA"]),
    ("tutoring", BACK,
     [["I'm a nurse studying for my pharmacology module", "Drug calculations are where I lose marks"],
      ["I got the IV drip rate questions wrong again"]],
     ["pharmacology", "drug calculations"], []),
    # ---------------------------------------------------------------- coaching
    ("coaching", "The client is back. How should the coach start?",
     [["I work at Northwind as a data analyst", "I want to move into a product manager role within a year"],
      ["My manager said my presentations need work"]],
     ["Northwind", "product manager", "presentations"], []),
    ("coaching", BACK,
     [["I'm training for my first marathon in April", "I run four times a week"],
      ["My knee started hurting after long runs"]],
     ["marathon", "knee"], []),
    ("coaching", CONTINUE,
     [["My goal is to lose 8 kilos before my wedding in September", "I don't eat meat"],
      ["A: How did the meal plan go?", "I lost 2 kilos so far"]],
     ["wedding", "lost 2 kilos", "meat"], []),
    ("coaching", "What are the client's strengths?",
     [["I'm good at SQL and Tableau", "I'm fluent in German and English"],
      ["People say I'm a great listener"]],
     ["SQL", "German", "listener"], []),
    ("coaching", "Where does the client work now?",
     [["I work at Globex as a junior designer"], ["I started a new job at Initech as a senior designer"]],
     ["Initech"], ["Globex"]),
    ("coaching", GREET,
     [["I'm Marta, I lead a team of 6 engineers", "Delegating is hard for me, I end up doing everything"],
      ["This week I delegated the release planning to Sam"]],
     ["Marta", "delegate"], []),
    ("coaching", BACK,
     [["I want to sleep better, I'm getting five hours a night", "I drink coffee until late afternoon"],
      ["I stopped coffee after 2pm this week"]],
     ["sleep", "coffee"], []),
    ("coaching", "The client is back. What were they working on?",
     [["I'm preparing to negotiate a raise next month", "I think I'm underpaid by about 15 percent"],
      ["I've collected salary data from three surveys"]],
     ["raise", "underpaid"], []),
    ("coaching", CONTINUE,
     [["I'm learning to meditate, ten minutes every morning", "My mind wanders a lot"],
      ["I skipped meditation three days this week"]],
     ["meditate"], []),
    ("coaching", "What does the client want from coaching?",
     [["I want to become a more confident public speaker", "I get nervous in front of big groups"]],
     ["public speaker", "nervous"], []),
    ("coaching", BACK,
     [["I'm thinking of starting my own bakery business", "I have savings for about a year"],
      ["I found a shop to rent on Elm Street"]],
     ["bakery", "Elm Street"], []),
    ("coaching", "How many days a week does the client train?",
     [["I train three days a week at the gym"], ["I now train five days a week"]],
     ["five days"], ["three days"]),
    ("coaching", "The client is back. What should the coach remember?",
     [["I'm a single dad of two girls", "Mornings are chaos so I can only talk in the evenings"],
      ["I want more energy for the kids after work"]],
     ["single dad", "evenings"], []),
    # ---------------------------------------------------------------- coding assistant
    ("coding", CONTINUE,
     [["I'm building a REST API in Go with the chi router", "We deploy on Kubernetes"],
      ["A: I added the auth middleware.", "Next I need rate limiting on the login endpoint"]],
     ["Go", "chi", "rate limiting"], []),
    ("coding", "The developer is back. What stack do they use?",
     [["Our frontend is React with TypeScript", "The backend is Django with PostgreSQL"]],
     ["React", "TypeScript", "Django"], []),
    ("coding", "How does the developer like code written?",
     [["I prefer type hints everywhere", "Please use pytest, not unittest"],
      ["Keep functions short, under 30 lines"]],
     ["type hints", "pytest"], []),
    ("coding", BACK,
     [["I'm migrating our app from Python 3.8 to 3.12", "The asyncio code breaks on the new version"],
      ["A: Try replacing get_event_loop.", "The migration is half done, tests pass on 3.12 except the worker"]],
     ["3.12", "worker"], []),
    ("coding", "Which editor does the developer use?",
     [["I code in VS Code"], ["I switched to Neovim last month"]],
     ["Neovim"], ["VS Code"]),
    ("coding", CONTINUE,
     [["I'm writing a CLI tool in Rust with clap", "It syncs files to S3"],
      ["The upload is slow for large files, I want multipart uploads"]],
     ["Rust", "S3", "multipart"], []),
    ("coding", "The developer is back. Any constraints to remember?",
     [["We can't use any GPL libraries, company policy", "Our servers run on ARM"],
      ["We are stuck on Node 18 until March"]],
     ["GPL", "ARM", "Node 18"], []),
    ("coding", BACK,
     [["I'm the only developer at a small nonprofit", "We use WordPress and a bit of PHP"],
      ["The donation form stopped sending receipts"]],
     ["WordPress", "donation form"], []),
    ("coding", "What database does the project use?",
     [["We store everything in MongoDB"], ["We moved the project to PostgreSQL this sprint"]],
     ["PostgreSQL"], ["MongoDB"]),
    ("coding", CONTINUE,
     [["I'm learning Kotlin for Android development", "I come from a Java background"],
      ["A: We set up the Room database.", "I want to add offline sync next"]],
     ["Kotlin", "offline sync"], []),
    ("coding", "The developer is back. How should answers be formatted?",
     [["Give me the code first and the explanation after", "I don't need comments on obvious lines"]],
     ["code first"], []),
    ("coding", BACK,
     [["Our CI runs on GitHub Actions", "The integration tests take 40 minutes"],
      ["I want to get CI under 10 minutes"]],
     ["GitHub Actions", "10 minutes"], []),
    ("coding", "Which cloud does the team deploy to?",
     [["We deploy to AWS with Terraform"], ["We're moving everything to Google Cloud next month"]],
     ["Google Cloud"], []),
    # ---------------------------------------------------------------- personal assistant
    ("personal", GREET,
     [["I'm Sofia, I live in Lisbon", "I'm vegetarian"], ["My daughter Ana starts school next week"]],
     ["Sofia", "Lisbon", "vegetarian", "Ana"], []),
    ("personal", "Book a restaurant for the user's anniversary.",
     [["My wife Kim and I have our anniversary on 12 May", "Kim loves Thai food"],
      ["I can't eat shellfish"]],
     ["Kim", "Thai", "shellfish"], []),
    ("personal", BACK,
     [["I'm planning a trip to Japan in October", "I want to see Kyoto and Osaka"],
      ["I booked the flights for 3 October"]],
     ["Japan", "Kyoto", "flights"], []),
    ("personal", "Where does the user live?",
     [["I live in Manchester"], ["We moved to Bristol last weekend"]],
     ["Bristol"], ["Manchester"]),
    ("personal", CONTINUE,
     [["Remind me to renew my passport, it expires in June", "I need new photos for it"],
      ["I booked the photo appointment for Friday"]],
     ["passport", "photo"], []),
    ("personal", "The user is back. What should the assistant keep in mind?",
     [["I'm diabetic, so suggest low-sugar options", "I walk my dog Biscuit every morning"]],
     ["diabetic", "Biscuit"], []),
    ("personal", "Order a coffee the way the user likes it.",
     [["I drink my coffee black, no sugar"], ["Actually I switched to oat milk lattes"]],
     ["oat milk"], ["black"]),
    ("personal", BACK,
     [["My mother's birthday is on 2 March", "She likes gardening"],
      ["I want to get her a new pair of gardening gloves"]],
     ["mother", "gardening"], []),
    ("personal", "Schedule a meeting for the user.",
     [["I'm never available before 10am", "Fridays I work from home"],
      ["Please keep my lunch hour free, 12 to 1"]],
     ["10am", "lunch"], []),
    ("personal", GREET,
     [["I'm Raj, I work night shifts as a paramedic", "I sleep during the day"]],
     ["Raj", "paramedic", "night shifts"], []),
    ("personal", CONTINUE,
     [["I'm looking for a new flat, two bedrooms, near a park", "My budget is 1500 a month"],
      ["I saw one in Clifton I liked"]],
     ["two bedrooms", "1500", "Clifton"], []),
    ("personal", "What car does the user drive?",
     [["I drive an old Ford Focus"], ["I sold the Focus and bought a Tesla Model 3"]],
     ["Tesla"], ["Ford Focus"]),
    ("personal", "The user is back. Anything about their health?",
     [["I broke my wrist skiing last month", "I'm doing physiotherapy twice a week"]],
     ["wrist", "physiotherapy"], []),
]


# Everyday talk about other things, for the long variant: four sessions of it between the first
# session and the last, so what matters competes with many other memories of the same user.
FILLER = [
    "I watched a documentary about octopuses last night", "My neighbour is repainting his fence blue",
    "It rained all weekend here", "I finally finished that mystery novel", "We had pancakes for breakfast",
    "My cousin is visiting from Toronto", "I tried a new yoga class on Tuesday", "The bus was late again today",
    "I bought a new umbrella", "My phone battery dies so quickly", "I'm thinking of repainting the kitchen",
    "We went to a street food market on Saturday", "I started a jigsaw puzzle with 1000 pieces",
    "My friend Carla got engaged", "I've been listening to a podcast about history",
    "The printer at home jammed again", "I cleaned out the garage", "We adopted a goldfish named Bubbles",
    "I saw a great band at a small club", "My back hurts from gardening", "I ordered new running socks",
    "The supermarket ran out of bread", "I learned to make sourdough", "My laptop fan is noisy",
    "We watched the football final at a pub", "I'm trying to drink more water", "My niece turned five",
    "The heating broke for a day", "I found an old photo album", "I'm reading about the Roman empire",
    "We planted tomatoes on the balcony", "My train was cancelled this morning",
]


def _long(row: dict, n: int) -> dict:
    """The scenario with four sessions of other talk before its last session (the first session stays first)."""
    sessions = row["sessions"]
    at = dt.datetime.fromisoformat(sessions[0]["at"])
    filler = [
        {"at": (at + dt.timedelta(days=1 + k)).isoformat(),
         "turns": [{"role": "user", "content": FILLER[(n * 7 + k * 3 + j) % len(FILLER)]} for j in range(3)]}
        for k in range(4)
    ]
    head, tail = (sessions[:1], sessions[1:]) if len(sessions) > 1 else ([], sessions)
    moved = [{**t, "at": (at + dt.timedelta(days=6 + 4 * i)).isoformat()} for i, t in enumerate(tail)]
    return {**row, "id": row["id"] + "-long", "sessions": [*head, *filler, *moved]}


def main() -> None:
    out = Path(__file__).with_name("scenarios.jsonl")
    seen: dict[str, int] = {}
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    rows = []
    for domain, query, sessions, must, must_not in S:
        seen[domain] = seen.get(domain, 0) + 1
        n = seen[domain]
        rows.append({
            "id": f"{domain}-{n:02d}",
            "domain": domain,
            "split": "tuning" if n % 2 else "heldout",
            "sessions": [
                {
                    "at": (start + dt.timedelta(days=4 * i)).isoformat(),
                    "turns": [
                        {"role": "assistant", "content": t[3:]} if t.startswith("A: ") else {"role": "user", "content": t}
                        for t in turns
                    ],
                }
                for i, turns in enumerate(sessions)
            ],
            "query": query,
            "must": must,
            "must_not": must_not,
        })
    with out.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} scenarios written to {out}: " + ", ".join(f"{d} {k}" for d, k in seen.items()))
    long_out = out.with_name("scenarios-long.jsonl")
    with long_out.open("w", encoding="utf-8") as f:
        for n, row in enumerate(rows):
            f.write(json.dumps(_long(row, n), ensure_ascii=False) + "\n")
    print(f"{len(rows)} long variants written to {long_out}")


if __name__ == "__main__":
    main()
