"""The attribute vocabulary of clause analysis, kept as data.

Each :class:`Attribute` says which predicates (verb lemmas, with their particle: ``"work at"``,
``"be allergic to"``) and which object words make a clause about one attribute of the user. The
first attribute whose predicate and object both fit wins, so list the narrow ones first. Teaching
the extractor a new attribute means adding a row here, not a pattern.

``single`` attributes hold one value at a time (a new city supersedes the old one, so their key is
the attribute); the others hold many (``pet:dog``, ``allergy:peanuts``) and get a key per item.
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.domain.models import Category
from accord.adapters.extractors.rules import _lexicon as lex

FACT, PREF, GOAL, PROC, REL, SKILL = (
    Category.FACT,
    Category.PREFERENCE,
    Category.GOAL,
    Category.PROCEDURE,
    Category.RELATIONSHIP,
    Category.EXPERTISE,
)


def words(text: str) -> frozenset[str]:
    return frozenset(w.replace("_", " ") for w in text.split())


ANY: frozenset[str] = frozenset()  # an attribute whose object may be anything

CAR_WORDS = words(
    """car truck suv van pickup minivan sedan hatchback jeep motorcycle motorbike scooter moped
    ev hybrid convertible coupe wagon toyota honda ford chevy chevrolet nissan subaru mazda bmw audi
    mercedes volkswagen vw tesla kia hyundai volvo jaguar porsche ferrari lexus acura dodge ram
    jeep fiat peugeot renault skoda seat mini prius civic corolla camry accord fit model_3 model_y
    f-150 f150 outback forester wrangler mustang golf leaf pathfinder rav4 crv cr-v harley vespa
    ducati yamaha kawasaki suzuki beetle miata"""
)
ANIMALS = words(
    """dog dogs cat cats puppy puppies kitten kittens rabbit rabbits bunny hamster hamsters parrot
    parrots bird birds horse horses pony fish goldfish turtle tortoise snake lizard gecko iguana
    ferret ferrets guinea_pig guinea_pigs chinchilla hedgehog rat rats mouse mice cow cows goat goats
    chicken chickens pig pigs duck ducks sheep alpaca llama pet pets beagle labrador lab poodle
    corgi husky terrier retriever shepherd bulldog pug dachshund chihuahua collie spaniel greyhound
    boxer rottweiler doberman schnauzer maltese shih_tzu tabby siamese persian budgie cockatiel
    axolotl tarantula"""
)
DIET_WORDS = lex.DIETS | words(
    """keto paleo gluten-free gluten_free dairy-free lactose-free halal kosher raw_vegan
    plant-based whole30 low-carb low_carb teetotal sober teetotaler"""
)
RELIGIONS = words(
    """christian catholic protestant orthodox muslim jewish buddhist hindu sikh atheist agnostic
    mormon lutheran baptist methodist anglican evangelical pagan jain quaker spiritual"""
)
CONDITIONS = frozenset(lex.HEALTH_CONDITIONS) | words(
    """asthma diabetes adhd autism anxiety depression migraines migraine arthritis epilepsy
    celiac coeliac crohn's ibs eczema psoriasis insomnia tinnitus scoliosis lupus hypertension
    ptsd ocd dyslexia endometriosis fibromyalgia bipolar pcos hypothyroidism glaucoma sleep_apnea
    cancer condition disorder disease syndrome injury allergy allergies intolerance back knee
    shoulder hip ankle wrist neck colorblind deaf blind heart_condition high_blood_pressure
    chronic tumor hernia concussion"""
)
CONDITION_ADJECTIVES = words(
    """diabetic asthmatic epileptic autistic dyslexic colorblind colourblind deaf blind pregnant
    celiac coeliac lactose_intolerant anemic anaemic disabled immunocompromised bipolar
    hard_of_hearing insomniac arthritic"""
)
FAMILY = words(
    """wife husband spouse partner boyfriend girlfriend bf gf fiance fiancee fiancé fiancée
    son sons daughter daughters kid kids child children baby babies toddler twins stepson
    stepdaughter brother brothers sister sisters sibling siblings twin mom mother mum mama dad
    father papa parents grandma grandmother grandpa grandfather grandparents grandson
    granddaughter grandchildren grandkids aunt uncle cousin cousins niece nephew nieces nephews
    mother-in-law father-in-law in-laws sister-in-law brother-in-law stepmom stepdad stepmother
    stepfather roommate roommates flatmate housemate friend friends best_friend bestie boss
    manager coworker coworkers colleague colleagues mentor neighbor neighbour landlord ex"""
)
SPOUSE_WORDS = words("wife husband spouse partner boyfriend girlfriend bf gf fiance fiancee fiancé fiancée")
SPORTS = words(
    """soccer football basketball baseball tennis golf hockey cricket rugby volleyball badminton
    squash swimming running cycling climbing bouldering skiing snowboarding surfing yoga pilates
    boxing karate judo jiu-jitsu bjj crossfit hiking rowing skating skateboarding fencing archery
    lacrosse softball handball table_tennis ping_pong pickleball triathlon marathons martial_arts
    weightlifting powerlifting kayaking sailing chess poker"""
)
INSTRUMENTS = words(
    """guitar piano violin cello drums bass ukulele flute saxophone sax trumpet clarinet harp
    keyboard banjo mandolin accordion harmonica trombone oboe viola synth"""
)
SCHOOL_WORDS = words("university college school academy institute uni polytechnic")
STUDY_VERBS = words("study major_in minor_in be_studying do_a_degree_in do_a_phd_in do_a_masters_in")


@dataclass(frozen=True, slots=True)
class Attribute:
    """One attribute a clause can state.

    Attributes:
        key: The attribute key (snake case); many-valued ones add ``:<value>``.
        category: The memory category.
        predicates: Predicate lemmas that may state it (``"be"``, ``"work at"``).
        objects: Words the object must contain (any of them); empty means any object.
        single: Whether a newer value supersedes the older one.
        proper: Whether the object must look like a name (capitalised when the writer capitalises).
    """

    key: str
    category: Category
    predicates: frozenset[str]
    objects: frozenset[str] = ANY
    single: bool = True
    proper: bool = False


# Narrow before broad: the first row whose predicate and object fit wins.
ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("allergy", FACT, words("be_allergic_to have_allergy_to have_an_allergy_to react_to"), single=False),
    Attribute("diet", FACT, words("be go eat follow do keep stay try"), DIET_WORDS),
    Attribute("religion", FACT, words("be practice"), RELIGIONS),
    Attribute("health", FACT, words("be"), CONDITION_ADJECTIVES, single=False),
    Attribute(
        "health",
        FACT,
        words("have suffer_from live_with deal_with be_diagnosed_with struggle_with get battle recover_from"),
        CONDITIONS,
        single=False,
    ),
    Attribute("medication", FACT, words("be_on take"), words(
        """medication meds pills insulin antidepressants sertraline metformin statins
        inhaler birth_control prozac zoloft lexapro adderall ritalin thyroxine levothyroxine
        blood_thinners warfarin lithium"""), single=False),
    Attribute("vehicle", FACT, words("drive own have ride get buy lease"), CAR_WORDS),
    Attribute("pet", FACT, words("have own get adopt rescue foster take_care_of"), ANIMALS, single=False),
    Attribute("instrument", SKILL, words("play"), INSTRUMENTS, single=False),
    Attribute("sport", PREF, words("play do practice go"), SPORTS, single=False),
    Attribute("employer", FACT, words(
        "work_at work_for join be_employed_at be_employed_by start_at be_at intern_at be_with"
    ), proper=True),
    Attribute("job_title", FACT, words("be work_as be_employed_as start_as train_as"), lex.JOB_NOUNS | words(
        """teacher nurse doctor engineer developer dev student retiree retired barista waiter
        waitress bartender cashier custodian janitor electrician plumber firefighter officer
        soldier marine veteran housewife homemaker stay-at-home mom dad accountant lawyer
        programmer coder scientist researcher professor manager salesman saleswoman realtor
        receptionist secretary hairdresser stylist dancer singer actor actress model athlete
        coach trainer mechanic welder carpenter farmer rancher fisherman truck_driver trucker
        pilot surgeon dentist pharmacist therapist counselor social_worker librarian writer
        author artist painter photographer designer chef cook baker butcher musician drummer
        guitarist pianist composer producer director editor journalist reporter blogger
        youtuber streamer influencer entrepreneur freelancer consultant analyst architect
        paramedic vet veterinarian caregiver nanny babysitter tutor lecturer principal
        auditor actuary banker broker translator interpreter clerk technician nun priest pastor
        rabbi imam"""
    )),
    Attribute("industry", FACT, words("work_in"), ANY),
    Attribute("school", FACT, words("study_at go_to attend be_at graduate_from be_a_student_at"), SCHOOL_WORDS),
    Attribute("field_of_study", FACT, STUDY_VERBS, ANY),
    Attribute("degree", FACT, words("have_a_degree_in hold_a_degree_in have hold get earn complete finish"), words(
        "degree bachelor's master's phd doctorate mba bsc msc ba ma diploma"), single=False),
    Attribute("city", FACT, words(
        "live_in move_to be_based_in be_in reside_in relocate_to be_living_in settle_in stay_in be_from_now"
    ), proper=True),
    Attribute("hometown", FACT, words("be_from grow_up_in be_born_in be_raised_in come_from"), proper=True),
    Attribute("spouse", REL, words("be_married_to marry"), ANY),
    Attribute("language", SKILL, words("speak be_fluent_in be_learning learn study"), lex.SPOKEN_LANGUAGES, single=False),
    # "I take the bus" is no course: taking counts only for something one learns in.
    Attribute("learning", GOAL, words("be_taking take"), words(
        "class classes course courses lesson lessons program programme module bootcamp workshop seminar"
    ), single=False),
    Attribute("learning", GOAL, words("be_learning learn be_studying"), ANY, single=False),
    Attribute("skill", SKILL, words(
        """be_good_at be_great_at be_an_expert_in be_an_expert_at be_expert_in be_proficient_in
        be_experienced_in be_bad_at be_terrible_at be_new_to be_a_beginner_at be_rusty_at
        be_fluent_in know specialize_in specialise_in have_experience_in have_experience_with
        be_skilled_at be_decent_at be_okay_at be_comfortable_with code_in program_in"""
    ), ANY, single=False),
    Attribute("likes", PREF, words(
        """love like enjoy adore prefer hate dislike detest loathe be_into be_a_fan_of be_a_huge_fan_of
        be_a_big_fan_of be_obsessed_with be_crazy_about be_passionate_about be_addicted_to
        be_not_a_fan_of cannot_stand be_not_into can_not_stand despise be_fond_of
        listen_to watch read collect be_a_fan"""
    ), ANY, single=False),
    Attribute("goal", GOAL, words(
        """want want_to plan_to hope_to aim_to intend_to be_trying_to try_to be_planning_to
        be_saving_for be_saving_up_for be_working_toward be_working_towards be_going_to dream_of
        would_like_to wish_to be_hoping_to be_aiming_to be_training_for train_for"""
    ), ANY, single=False),
)

# Predicates that say the user has a relative or a person in their life ("I have a sister").
RELATION_PREDICATES = words("have have_got be_married_to be_engaged_to be_dating date live_with")

# Copula complements that describe a passing state, not who the user is ("I'm tired right now").
MOMENTARY = words(
    """hungry thirsty tired sleepy exhausted bored busy sick ill nervous anxious excited stressed
    worried sad upset angry mad annoyed frustrated happy glad sorry late early back here there away
    home out off free ready done finished stuck confused lost curious cold hot sore drunk high
    awake up online offline afk brb running_late on_my_way on_the_way thrilled fine ok okay good
    great alright well unwell grumpy cranky overwhelmed scared afraid jealous lonely relieved
    surprised shocked sure unsure wondering starving famished hungover sweaty jetlagged jet-lagged
    knackered shattered wiped beat drained sunburnt sunburned bloated stuffed full"""
)
# Where someone is for the moment: "I'm in a meeting", "I'm on the train", "I'm at the airport".
MOMENT_PLACES = words(
    """meeting call zoom lecture queue line traffic shower bath bed car cab taxi uber bus train tram
    subway metro plane flight airport station kitchen garden yard garage store shop supermarket mall
    lobby elevator lift waiting_room hurry rush session interview hospital er emergency_room
    restaurant cafe bar pub cinema theater theatre gym library office break lunch middle"""
)
# Time words that bound a statement to this moment.
MOMENT_WORDS = words(
    """today tonight rn right_now this_morning this_afternoon this_evening at_the_moment atm
    this_weekend for_the_weekend in_an_hour tomorrow yesterday currently_waiting for_now_only
    this_week for_a_bit for_a_sec for_a_minute"""
)

# Verbs that say a habit on their own, with no object ("I smoke", "I vape", "I cycle").
HABIT_VERBS = words(
    """smoke vape drink run jog swim cycle bike cook bake knit sew crochet paint draw dance sing surf
    ski snowboard climb boulder hike meditate pray garden fish hunt skate box golf game write journal
    skateboard kayak row sail dive lift rent commute telecommute"""
)

# One partner at a time: a wife, a husband, a girlfriend or a fiance fill the same slot, so
# "my girlfriend Hannah" (2016) and "my wife Priya" (2025) are two values of one attribute.
PARTNER_ROLES = words(
    """wife husband spouse partner boyfriend girlfriend bf gf fiance fiancee fiancé fiancée
    hubby wifey"""
)


def role_key(role: str) -> str:
    """The attribute key of a person in the user's life: ``relationship:<role>``, partners as one."""
    return "relationship:partner" if role.lower() in PARTNER_ROLES else f"relationship:{role}"

# Places people name in lowercase ("I live in alabama"): a gazetteer, so a cased writer's lowercase
# place still counts as a name. Cities beyond these need a capital.
PLACES = lex.WELL_KNOWN_PLACES | words(
    """alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii
    idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan
    minnesota mississippi missouri montana nebraska nevada new_hampshire new_jersey new_mexico new_york
    north_carolina north_dakota ohio oklahoma oregon pennsylvania rhode_island south_carolina
    south_dakota tennessee texas utah vermont virginia washington west_virginia wisconsin wyoming
    america usa us uk britain china japan india russia australia new_zealand argentina chile peru
    colombia venezuela cuba jamaica nigeria kenya egypt morocco ghana ethiopia south_africa israel
    turkey greece poland ukraine sweden norway denmark finland netherlands holland belgium
    switzerland austria hungary romania korea south_korea vietnam thailand philippines indonesia
    malaysia pakistan iran iraq saudi_arabia manhattan los_angeles san_francisco new_orleans las_vegas
    nashville phoenix philadelphia detroit san_diego orlando hollywood vegas texas alberta ontario
    quebec bavaria tuscany sicily hawaii puerto_rico europe asia africa"""
)
