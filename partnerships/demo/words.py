"""Made-up words for profiles and whānau preferences, and the shapes of households."""

STRENGTHS_JUNIOR = (
    "Loves building with blocks",
    "Kind to younger children",
    "Great at sharing",
    "Always first to help tidy up",
    "Counts confidently past 100",
    "Loves stories and retells them",
    "Gentle with the class pets",
    "Brings everyone into games at lunchtime",
    "Careful, detailed drawings",
    "Sings waiata with real confidence",
)
STRENGTHS_SENIOR = (
    "A great reader",
    "Patient problem-solver in maths",
    "Confident speaker in front of the class",
    "Creative storyteller",
    "Quick with numbers",
    "Strong swimmer",
    "Leads the kapa haka line",
    "Good at explaining ideas to friends",
    "Keeps going when things are hard",
    "Organised; a natural team leader",
    "Thoughtful, detailed writer",
    "Fair and calm on the field",
)
NEEDS_JUNIOR = (
    "Still learning letter sounds",
    "Finds transitions hard; a heads-up before changes helps",
    "Building confidence to ask for help",
    "Gets tired after lunch; a movement break helps",
    "New to English: picture cues help",
    "Working on holding a pencil comfortably",
)
NEEDS_SENIOR = (
    "Needs support with reading longer words",
    "Working on times tables",
    "Working on writing full paragraphs",
    "Hearing aid in the left ear: sit near the front",
    "Asthma: inhaler kept in the office",
    "Sometimes anxious in big groups",
    "New to English: key words in first language help",
    "Finds it hard to start writing tasks",
)
INTERESTS = (
    "Dinosaurs and volcanoes",
    "Minecraft, Lego and drawing",
    "Netball and dancing",
    "Fishing with Koro",
    "Space and planets",
    "Horses",
    "Cooking with Nana",
    "Skateboarding",
    "Kapa haka",
    "Basketball",
    "Gardening",
    "Drawing comics",
    "Touch rugby",
    "Singing",
    "Bugs and insects",
    "Coding games in Scratch",
    "Rugby league",
    "Swimming at the beach",
)
ASPIRATIONS = (
    "Wants to be a vet",
    "Wants to play for the Black Ferns",
    "Wants to be a builder",
    "Wants to be a nurse",
    "Wants to be a marine biologist",
    "Wants to be a teacher",
    "Wants to design video games",
    "Wants to be an All Black",
    "Wants to run a café",
    "Wants to be a pilot",
    "Wants to be a doctor",
    "Wants to be a scientist and look after the ocean",
    "Wants to be a mechanic",
    "Wants to be an artist",
    "Wants to be a kaiako like their aunty",
)
MEETING_TIMES = (
    "After 5pm",
    "Over dinner, 6–7pm",
    "2pm school pick-up",
    "Before school, 8–8.30am",
    "Weekends",
    "Lunchtime on weekdays",
    "After 7pm, once the little ones are asleep",
    "Thursday evenings",
    "Any time after 3.30pm",
    "",
)
ACCESSIBILITY = (
    "Uses a wheelchair: a ground-floor room please",
    "Hard of hearing: face to face works best",
    "Prefers information on paper as well as by email",
)

# (relationships of the 1–2 adults, weight)
HOUSEHOLDS = [
    (("mother", "father"), 45),
    (("mother",), 20),
    (("father",), 8),
    (("parent", "parent"), 4),
    (("mother", "grandparent"), 10),
    (("grandparent",), 6),
    (("caregiver",), 4),
    (("aunt_uncle",), 3),
    (("mother", "caregiver"), 2),
]
