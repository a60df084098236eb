"""The category of a statement no vocabulary row claims (``_cues.category_of``) and its use by the
general rule."""

from __future__ import annotations

import pytest

from accord.adapters.extractors.rules._cues import category_of
from accord.adapters.extractors.rules.extractor import extract_memories
from accord.domain.models import Category, Message


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I'm super into bouldering these days", Category.PREFERENCE),
        ("I rep Chelsea, always have", Category.PREFERENCE),
        ("I'm a keen amateur astronomer", Category.PREFERENCE),
        ("I'm 5 years into Java", Category.EXPERTISE),
        ("I've been doing woodworking for about 20 years", Category.EXPERTISE),
        ("I'm brand new to MongoDB", Category.EXPERTISE),
        ("I'm saving up to do a semester abroad in Seoul", Category.GOAL),
        ("I'm tryna be a software engineer by 25", Category.GOAL),
        # an aim about a skill is an aim; a skill told with a taste is a skill
        ("I'm trying to get good at chess", Category.GOAL),
        ("I've cooked for 20 years and I love it", Category.EXPERTISE),
        # no cue: the default stands
        ("I drive a Civic", Category.FACT),
        ("I work nights", Category.FACT),
    ],
)
def test_the_words_around_the_predicate_decide_the_category(text: str, category: Category) -> None:
    assert category_of(text, Category.FACT) is category


def test_a_statement_no_row_claims_takes_the_category_its_cues_give() -> None:
    (memory,) = extract_memories([Message(role="user", content="I rep Chelsea, always have, always will")])
    assert (memory.category, memory.content) == (Category.PREFERENCE, "User reps Chelsea")


@pytest.mark.parametrize(("text", "key"), [("I've lived in Berlin for 10 years", "city"), ("I have worked at Google for ten years", "employer")])
def test_a_vocabulary_row_keeps_its_own_category_whatever_the_cues(text: str, key: str) -> None:
    # "for 10 years" is a skill cue, but the city and employer rows claimed these statements.
    (memory,) = extract_memories([Message(role="user", content=text)])
    assert (memory.category, memory.attribute_key) == (Category.FACT, key)


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("ngl I'm a gym rat, 6 days a week no cap", "User is a gym rat"),
        ("bro I'm deadass allergic to cats, I can't even", "User is allergic to cats"),
        ("tryna hit Tokyo next spring", "User is trying to hit Tokyo next spring"),
        ("fav movie is interstellar no contest", "User's favorite movie is interstellar"),
    ],
)
def test_slang_openers_intensifiers_and_spellings_read_as_plain_words(text: str, content: str) -> None:
    assert content in [m.content for m in extract_memories([Message(role="user", content=text)])]


@pytest.mark.parametrize("text", ["im at the airport waiting for my flight", "I'm at the gym", "im at the dentist's"])
def test_where_the_user_is_right_now_names_no_employer(text: str) -> None:
    assert [m for m in extract_memories([Message(role="user", content=text)]) if m.attribute_key == "employer"] == []


def test_a_named_workplace_is_still_an_employer() -> None:
    (memory,) = extract_memories([Message(role="user", content="I'm at Google")])
    assert (memory.attribute_key, memory.attribute_value) == ("employer", "google")


@pytest.mark.parametrize(
    ("text", "memory"),
    [
        ("savin up for a ps5", ("goal", "User is saving up for a ps5")),  # a dropped g
        ("Want to lose 10 kg.", ("goal", "User wants to lose 10 kg")),  # a dropped subject
        ("I'm a beginner at piano, intermediate at guitar, and advanced on drums.", ("expertise", "User is intermediate at guitar")),
    ],
)
def test_terse_and_texting_shapes_keep_their_meaning(text: str, memory: tuple[str, str]) -> None:
    assert memory in [(m.category.value, m.content) for m in extract_memories([Message(role="user", content=text)])]


def test_going_somewhere_is_no_goal() -> None:
    memories = extract_memories([Message(role="user", content="I'm going to the gym before work")])
    assert [m for m in memories if m.category is Category.GOAL] == []


@pytest.mark.parametrize(
    ("text", "content"),
    [
        # a fronted time or place before the subject
        ("As of this month I'm officially a US citizen!", "User is officially a US citizen"),
        ("At work, I'm the go-to person for Excel", "User is the go-to person for Excel"),
        # an ongoing activity told in the progressive
        ("I've been riding the trails every weekend", "User has been riding the trails every weekend"),
        ("I am driving a Skoda Octavia, it is old but very good car.", "User is driving a Skoda Octavia"),
        # a hedge noted and left out of what is said
        ("So I'm kind of learning Italian on Duolingo", "User is learning Italian on Duolingo (uncertain)"),
        # a level is no mood; a religion is no name; a change that lasts is no one-off event
        ("im kinda ok at python", "User is ok at python (uncertain)"),
        ("I'm Muslim, so please keep pork out of any recipes.", "User is Muslim"),
        ("Two months into retirement and I've taken up watercolor painting.", "User has taken up watercolor painting"),
    ],
)
def test_statements_in_everyday_shapes_are_read(text: str, content: str) -> None:
    assert content in [m.content for m in extract_memories([Message(role="user", content=text)])]


@pytest.mark.parametrize(
    "text",
    [
        "should i get a cat or a dog",  # a question without its mark
        "Let's do a roleplay: pretend I'm a customer and you're a barista. Go!",
        "in the test string how do i capture the number with regex",
        "I'm watching the game right now",  # the present moment
    ],
)
def test_a_lead_that_asks_or_pretends_is_no_fronted_time(text: str) -> None:
    assert extract_memories([Message(role="user", content=text)]) == []


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("It is my aim to publish my first novel before I turn forty.", "User's goal: publish their first novel before they turn forty"),
        ("goal is 100 pushups in a row by summer", "User's goal: 100 pushups in a row by summer"),  # a dropped "my"
        ("Name's Dmitri.", "User's name is Dmitri"),
        ("I have practised medicine for over twenty years", "User has practised medicine for over twenty years"),
        ("I've been sober for 18 months as of today.", "User has been sober for 18 months as of today"),
        ("My dad passed away two years ago", "User's dad passed away two years ago"),
    ],
)
def test_goals_dropped_owners_and_lasting_perfects(text: str, content: str) -> None:
    assert content in [m.content for m in extract_memories([Message(role="user", content=text)])]


@pytest.mark.parametrize("text", ["dog is sick today", "The plan is to meet at 5", "I went to the store yesterday"])
def test_the_day_and_its_plans_stay_out(text: str) -> None:
    assert extract_memories([Message(role="user", content=text)]) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I changed my name to Kate.", "kate"),
        ("It's Kate now, not Katherine.", "kate"),
        ("Not Rob anymore, it's Robin.", "robin"),
        ("I took my wife's last name, so I'm Sam Patel now.", "sam patel"),
        ("Everyone calls me Mo now.", "mo"),
        ("Please use Alex instead of Alexander.", "alex"),
        ("My new name is Kate Alvarez.", "kate alvarez"),
        ("New surname: Okafor.", "okafor"),
        ("Since the wedding I'm Mrs. Lee.", "mrs. lee"),
    ],
)
def test_a_new_name_however_it_is_said_is_one_name_memory(text: str, name: str) -> None:
    memories = extract_memories([Message(role="user", content=text)])
    assert [m.attribute_value for m in memories if m.attribute_key == "name"] == [name]
    # the clause that half said it ("User is Sam Patel now") gives way to the name; a denial of
    # the old one ("User is not Rob anymore") may stay
    assert [m.content for m in memories if (m.attribute_key or "").startswith("be:") and not m.negated] == []


@pytest.mark.parametrize("text", ["It is Python now", "I'm Sorry, I'm Late.", "We have a dog, her name is Biscuit", "I use Figma"])
def test_name_look_alikes_name_nobody(text: str) -> None:
    assert [m for m in extract_memories([Message(role="user", content=text)]) if m.attribute_key == "name"] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Bouldering is my thing, three times a week.", "bouldering"),
        ("honestly horror is my genre now", "horror"),
        ("I used to love Coldplay, but it's Fontaines D.C. for me these days.", "fontaines d.c"),
    ],
)
def test_a_taste_told_thing_first_is_a_preference(text: str, value: str) -> None:
    memories = extract_memories([Message(role="user", content=text)])
    assert f"likes:{value}" in [m.attribute_key for m in memories if m.category is Category.PREFERENCE]


@pytest.mark.parametrize("text", ["It's cold for me now", "It's raining for me", "bullets are my love language"])
def test_weather_and_reply_wishes_are_no_tastes(text: str) -> None:
    memories = extract_memories([Message(role="user", content=text)])
    assert [m for m in memories if (m.attribute_key or "").startswith("likes:")] == []


def test_marital_status_is_a_relationship() -> None:
    (memory,) = extract_memories([Message(role="user", content="I'm divorced")])
    assert (memory.category, memory.attribute_key, memory.attribute_value) == (Category.RELATIONSHIP, "marital_status", "divorced")


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("I'm Ghanaian, born in Kumasi, now living in London, and I work for the NHS.",
         ["nationality", "hometown", "city", "employer"]),
        ("I'm a Brazilian living in Lisbon, working as a backend dev for a fintech.", ["nationality", "city", "job_title"]),
        ("I am employed by the Ministry of Health in Wellington as a policy analyst.", ["employer", "job_title"]),
        ("I work as a nurse", ["job_title"]),  # the role is the predicate's own: one statement
    ],
)
def test_each_participle_and_role_of_a_clause_is_its_own_fact(text: str, keys: list[str]) -> None:
    assert [m.attribute_key for m in extract_memories([Message(role="user", content=text)])] == keys


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("I'm a senior DBA, 15 years on Postgres, but I'm brand new to MongoDB.", "User has 15 years of experience with Postgres"),
        ("Python, 8 yrs.", "User has 8 years of experience with Python"),
        # the years replace a clause that named the skill without them
        ("been codin javascript like 5 yrs", "User has 5 years of experience with javascript"),
    ],
)
def test_years_tied_to_a_skill_are_expertise(text: str, content: str) -> None:
    memories = extract_memories([Message(role="user", content=text)])
    assert (Category.EXPERTISE, content) in [(m.category, m.content) for m in memories]


@pytest.mark.parametrize(
    "text", ["My brother has 10 years of experience with Java", "my son is ten years old", "I've been married for 10 years"]
)
def test_years_that_are_someone_elses_or_no_skill_are_no_expertise(text: str) -> None:
    assert [m for m in extract_memories([Message(role="user", content=text)]) if m.category is Category.EXPERTISE] == []


@pytest.mark.parametrize(
    "text", ["Could you write a bio for my friend Sam? He's a chef.", "Explain it like I'm five."]
)
def test_someone_elses_fragment_and_a_simile_are_not_about_the_user(text: str) -> None:
    assert [m for m in extract_memories([Message(role="user", content=text)]) if m.category is Category.FACT] == []


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("I'm allergic to shellfish, just FYI.", ["allergy:shellfish"]),  # the aside is no allergen
        ("Please note: as of this week my last name is Okafor-Lee.", ["name"]),
        ("So my go-to breakfast is avocado toast, I know, I know, millennial cliché lol", ["favorite:breakfast"]),
        ("I feel better without bread", []),  # a verb of the mind
    ],
)
def test_asides_hyphenated_names_and_verbs_of_the_mind(text: str, keys: list[str]) -> None:
    assert [m.attribute_key for m in extract_memories([Message(role="user", content=text)])] == keys


def test_a_hyphenated_name_is_read_whole() -> None:
    (memory,) = extract_memories([Message(role="user", content="My last name is Okafor-Lee.")])
    assert memory.attribute_value == "okafor-lee"


@pytest.mark.parametrize(
    "text", ["I'm probably moving to Denver next year.", "I might be vegetarian soon.", "I'm starting a new job next month"]
)
def test_a_plan_is_a_goal_and_replaces_no_current_value(text: str) -> None:
    (memory,) = extract_memories([Message(role="user", content=text)])
    # A plan to move is keyed as a plan (one at a time), never as the current city.
    assert memory.category is Category.GOAL
    assert memory.attribute_key is None or memory.attribute_key.startswith("plan:")


def test_a_hedge_of_certainty_opens_the_statement() -> None:
    (memory,) = extract_memories([Message(role="user", content="I'm fairly sure my manager is called Greta.")])
    assert (memory.attribute_key, memory.attribute_value, memory.content) == (
        "relationship:manager", "greta", "User's manager is named Greta (uncertain)"
    )


@pytest.mark.parametrize(
    ("text", "memory"),
    [
        ("lowkey obsessed w matcha rn", ("preference", "likes:matcha")),  # a taste "right now" is current, not passing
        ("im a lil bit of a gym bro ngl", ("fact", "be:gym bro")),
        ("my bf and i just got a cat, her name is pepper", ("fact", "pet:pepper")),
    ],
)
def test_slang_tastes_and_lowercase_pet_names(text: str, memory: tuple[str, str]) -> None:
    assert memory in [(m.category.value, m.attribute_key) for m in extract_memories([Message(role="user", content=text)])]


def test_a_thing_of_a_kind_the_user_mentions_owning_is_a_fact() -> None:
    memories = extract_memories([Message(role="user", content="I got lost because the GPS in my old Subaru Outback kept rerouting us.")])
    assert ("vehicle", "User has a Subaru Outback") in [(m.attribute_key, m.content) for m in memories]


def test_a_thing_stolen_or_sold_is_not_owned() -> None:
    memories = extract_memories([Message(role="user", content="Somebody has stolen my Vespa last week.")])
    assert [m for m in memories if m.attribute_key == "vehicle"] == []


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("I can code in Rust.", "skill:rust"),  # an ability is the one modal a fact may carry
        ("SQL is not my strong suit.", "expertise:sql"),
        ("Statistics is my forte", "expertise:statistics"),
        ("My German is rusty.", "expertise:german"),
    ],
)
def test_skill_levels_however_they_are_said(text: str, key: str) -> None:
    memories = extract_memories([Message(role="user", content=text)])
    assert [(m.category, m.attribute_key) for m in memories] == [(Category.EXPERTISE, key)]


@pytest.mark.parametrize("text", ["my mood is bad", "I can help you", "I can't come tomorrow"])
def test_moods_and_offers_are_no_skills(text: str) -> None:
    assert extract_memories([Message(role="user", content=text)]) == []
