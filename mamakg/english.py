"""English word classes, in one place for every stage (as spaCy keeps its ``lang/en/`` data):
the function words that normalization, the Filter stage and the Map stage read by their
string. Every list is lower case; a stage that needs a narrower or a wider class composes it
here from these, so that a reader finds each word in one file.

Pure data and a few one-line tests; imports nothing of mamakg.
"""

from __future__ import annotations

__all__ = [
    "ALL_PREPOSITIONS", "ARTICLES", "AUXILIARY_LEMMAS", "BE_FORMS", "CAUSE_NOUNS", "CHILD_NOUNS",
    "DEMONSTRATIVES", "DETERMINERS", "EVENT_NAME_NOUNS", "FIRST_PERSON_PRONOUNS",
    "GENERIC_NOUNS", "HAVE_FORMS", "INDEFINITE_PRONOUNS", "IPA_SIGNS", "IRREGULAR_LEMMAS",
    "KIND_NOUNS", "LANGUAGE_NOUNS", "LEADING_AUXILIARIES", "MODALS", "MONTHS", "MONTH_NUMBERS",
    "NAME_LINKS",
    "NEGATIONS", "PERSON_PRONOUNS", "PLURAL_PRONOUNS", "POSSESSIVE_DETERMINERS", "POSTNOMINALS",
    "PREPOSITIONS", "PRONOUNS", "QUANTIFIERS", "RELATIVE_PRONOUNS", "RELATIVIZERS",
    "ROLE_PREPOSITIONS", "SECOND_PERSON_PRONOUNS", "SOURCE_PREPOSITIONS", "STUDENT_NOUNS",
    "THING_PRONOUNS", "TIME_ADVERBS", "WHERE_PREPOSITIONS", "WH_ADVERBS", "WORK_NOUNS",
    "after_honours", "bracket_close", "crosses_a_bracket", "final_preposition", "gives_a_name",
    "glosses_a_name", "head_word", "is_month", "is_postnominal", "is_pronunciation",
    "only_glosses", "opens_bracket",
]

# --- determiners -------------------------------------------------------------------------

ARTICLES = frozenset({"a", "an", "the"})
DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
POSSESSIVE_DETERMINERS = frozenset({"his", "her", "its", "their", "our", "my", "your"})
QUANTIFIERS = frozenset({"some", "any", "every"})
AMOUNT_WORDS = frozenset("many several numerous few various all both each other another "
                         "approximately around about nearly almost over under some".split())
"""Words that say how many of a common noun there are, not what it is ("*Several* tracks",
"*Many* Christian leaders", "*approximately* three fourths")."""
POSSESSIVE_ENDINGS = frozenset({"'s", "'", "\u2019s", "\u2019"})
"""The possessive ending spaCy splits off a name ("Genet's" -> "Genet" + "'s")."""
DETERMINERS = ARTICLES | DEMONSTRATIVES | POSSESSIVE_DETERMINERS | QUANTIFIERS
"""Words that open a noun phrase without naming anything ("*the* university", "*his* wife")."""

# --- verbs -------------------------------------------------------------------------------

BE_FORMS = frozenset({"am", "is", "are", "was", "were", "be", "been", "being"})
"""The forms of "be": the copula and the passive auxiliary."""
HAVE_FORMS = frozenset({"has", "have", "had"})
MODALS = frozenset({"will", "would", "shall", "should", "can", "could", "may", "might", "must"})
AUXILIARY_LEMMAS = frozenset({"be", "have", "do"}) | MODALS
"""Auxiliaries and modals as lemmas (a relation key's words)."""
LEADING_AUXILIARIES = (BE_FORMS - {"am"}) | HAVE_FORMS | {"will"}
"""The auxiliaries a relation's surface may open with that a property's name leaves out ("*was*
born in": "born in"); the string matcher strips them one at a time (first person "am" never
opens a relation of the corpora it was tuned on, and is left as it was)."""
NEGATIONS = frozenset({"not", "never", "no", "n't", "nor", "neither", "without"})
"""Words that make a relation phrase a negated statement."""
NAMING_RELATIONS = frozenset({"know as", "refer to as", "nickname"})
"""Relation keys by which a text gives another name of the same entity ("The Winnebago War,
also known as the Winnebago Uprising", "Carey Business School, also referred to as
Carey"): a name, which Wikidata keeps as a label or alias, not as a property."""


def gives_a_name(key: str) -> bool:
    """Whether a relation key gives another name of its head (`NAMING_RELATIONS`, after
    words before them: "today know as"), which no property states.

    >>> gives_a_name("today know as"), gives_a_name("know for")
    (True, False)
    """
    return key in NAMING_RELATIONS or any(key.endswith(" " + n) for n in NAMING_RELATIONS)


TIME_ADVERBS = frozenset(
    "also later then now still just only first once eventually subsequently originally "
    "currently formerly already recently often".split())
"""Adverbs of time and focus that leave a relation's meaning as it is ("*later* moved to")."""
IRREGULAR_LEMMAS = {
    "am": "be", "is": "be", "are": "be", "was": "be", "were": "be", "been": "be", "being": "be",
    "'s": "be", "has": "have", "had": "have", "having": "have", "does": "do", "did": "do",
    "done": "do", "born": "bear", "bore": "bear", "borne": "bear", "wrote": "write",
    "written": "write", "made": "make", "became": "become", "founded": "found", "led": "lead",
    "won": "win", "took": "take", "taken": "take", "gave": "give", "given": "give",
    "went": "go", "gone": "go", "held": "hold", "built": "build", "married": "marry",
    "located": "locate", "based": "base", "known": "know", "knew": "know", "died": "die",
    "lived": "live", "worked": "work", "studied": "study", "joined": "join",
}
"""Irregular (and a few very common regular) verb forms and their lemma. Only for text read
back without its parse (``kb canon`` groups the relation phrases of a written graph): where
the sentence is parsed, the lemmas are spaCy's (`Sentence.lemmas`)."""

# --- pronouns ----------------------------------------------------------------------------

FIRST_PERSON_PRONOUNS = frozenset("i me my mine myself we us our ours ourselves".split())
SECOND_PERSON_PRONOUNS = frozenset("you your yours yourself yourselves".split())
PERSON_PRONOUNS = frozenset("he him his himself she her hers herself".split())
"""Third-person singular pronouns that stand for a person."""
THING_PRONOUNS = frozenset("it its itself".split())
PLURAL_PRONOUNS = frozenset("they them their theirs themselves".split())
PRONOUNS = (FIRST_PERSON_PRONOUNS | SECOND_PERSON_PRONOUNS | PERSON_PRONOUNS | THING_PRONOUNS
            | PLURAL_PRONOUNS | DEMONSTRATIVES | {"one"})
"""Personal, possessive, reflexive and demonstrative pronouns."""
RELATIVE_PRONOUNS = frozenset("who whom whose which that what whoever whatever".split())
"""Relative and interrogative pronouns."""
RELATIVIZERS = frozenset({"who", "whom", "which", "that"})
"""The relative pronouns that are the subject of their clause and stand for the noun it
modifies ("the man *who* founded Acme")."""
WH_ADVERBS = frozenset({"where", "when"})
INDEFINITE_PRONOUNS = frozenset(
    "one ones someone something anyone anything everyone everything somebody nobody "
    "none".split())

# --- nouns -------------------------------------------------------------------------------

KIND_NOUNS = {
    "person": frozenset("person persons people human humans man woman men women someone "
                        "individual individuals parent parents child children officer student "
                        "students".split()),
    "organization": frozenset("organization organizations organisation organisations company "
                              "companies institution institutions party club clubs group band "
                              "team teams agency university school employer business "
                              "firm".split()),
    "place": frozenset("place places location locations city cities country countries "
                       "territory region area settlement municipality town".split()),
    "event": frozenset("event events election elections competition competitions war wars "
                       "battle battles tournament tournaments".split()),
}
"""Nouns that name a kind of thing (a Wikidata description's "*person* who...")."""
LANGUAGE_NOUNS = frozenset({"language", "languages"})
"""Nouns that name a language as what a property's value is (a description's "*language* in
which a film ... was originally created")."""
CAUSE_NOUNS = frozenset({"cause", "causes"})
"""Nouns that name what brings something about (a description's "underlying or immediate
*cause* of death"): no person, organization or place."""
CHILD_NOUNS = frozenset("son sons daughter daughters child children stepson stepdaughter "
                        "stepchild".split())
"""Nouns that name someone as a parent's child ("was a *son* of")."""
PLACE_NOUNS = frozenset("city cities town towns village villages state states province provinces "
                        "county counties region regions district districts island islands "
                        "municipality borough commune parish prefecture kingdom republic "
                        "country territory emirate canton oblast governorate".split())
"""Nouns that stand for the place named after their "of" ("the *city* of Houston")."""
WATER_NOUNS = frozenset({
    "river", "lake", "sea", "ocean", "strait", "straits", "bay", "gulf", "channel", "sound",
    "creek", "fjord", "lagoon", "harbour", "harbor", "loch", "lough", "firth", "reservoir",
    "canal", "estuary"})
"""Nouns that make a place's name the name of a body of water ("Delaware River", "Lake
Ontario", "Gulf of Mexico")."""
GENERIC_NOUNS = frozenset("entity entities item items thing things object subject work".split())
"""Nouns that name no kind in particular."""
WORK_NOUNS = frozenset("film films movie album albums song songs single book books novel "
                        "novels play series show opera poem game episode painting".split())
"""Nouns that name a kind of creative work ("the album", "the film")."""
EVENT_NAME_NOUNS = frozenset("war battle revolution rebellion uprising revolt siege invasion "
                              "campaign crusade olympics games cup election".split())
"""Nouns that head the name of an event ("the First Carlist *War*", "the *Battle* of Alsasua",
"the 1936 Summer *Olympics*", "the Davis *Cup*"), which the entity recognizer often calls an
organization."""
NAME_LINKS = frozenset("of and the for & de la le les von van der den du des da di do dos das "
                        "del della y e bin ibn al el zu af av".split())
"""Linking words and name particles: written in lower case inside a name ("University *of*
Vienna", "Jefferson Madeira *da* Silva"), and skipped by its acronym ("MIT")."""
TITLES = frozenset("mr mrs ms miss mx dr prof sir dame lord lady rev reverend fr father "
                   "sister brother saint st president vice king queen prince princess duke "
                   "duchess count countess baron baroness emperor empress pope cardinal bishop "
                   "archbishop rabbi imam sheikh sultan emir chief ceo cfo coo cto chairman "
                   "chairwoman chair director senator sen rep representative congressman "
                   "congresswoman governor gov mayor premier minister chancellor secretary "
                   "ambassador judge justice general gen colonel col major captain capt "
                   "lieutenant lt sergeant sgt admiral commander officer professor coach "
                   "mp mep councillor councilor alderman speaker marshal brigadier squadron "
                   "leader tsar czar".split())
"""Titles and honorifics written before a person's name and not part of it ("*Dr.* Meyer",
"*President* Viktor Yanukovych"), as spaCy often tags them: proper nouns."""
POSTNOMINALS = frozenset(
    # orders, decorations and appointments (the United Kingdom's and the Commonwealth's)
    "vc gc kg kt gcb kcb cb gcmg kcmg cmg gcvo kcvo cvo lvo mvo gbe kbe dbe cbe obe mbe om ch "
    "dso dsc mc dfc afc bem kstj kcsg pc qc kc ac ao am oam cc oc cm cq onz gnzm knzm dnzm cnzm "
    "mnzm onzm qso omri "
    # Nigeria's national orders
    "gcfr cfr ofr mfr gcon oon "
    # presidencies of academies
    "prs prse pba pra "
    # fellowships of academies and learned societies
    "frs frse fba freng fmedsci frsa frsc frsl frcp frcs frcpath frcpsych frcog frgs fras frsb "
    "frhists finstp fiee fiet fice fimeche fls fsa fzs fgs fraes faa faas faha fassa ftse "
    "frsnz riba ra ara "
    # doctorates and professional degrees
    "phd dphil dlitt lld md mph".split())
"""Letters written after a person's name for an honour, a fellowship or a degree ("Michael
Atiyah *OM FRS*", "Kazuo Ishiguro *OBE, FRSA*", "Sharareh Taghipour, *PhD*"): not part of the
name (`is_postnominal`)."""


def is_postnominal(word: str) -> bool:
    """Whether a word is written as post-nominal letters (`POSTNOMINALS`, with two capitals
    or more, with or without stops: "FREng", "PhD", "O.C.", not the word "Am").

    >>> is_postnominal("FREng"), is_postnominal("CBE"), is_postnominal("Am"), is_postnominal("Roy")
    (True, True, False, False)
    >>> is_postnominal("O.C."), is_postnominal("o.c.")
    (True, False)
    """
    return word.lower().replace(".", "") in POSTNOMINALS and sum(c.isupper() for c in word) >= 2


def after_honours(words: list[str] | tuple[str, ...], t: int) -> int:
    """Where the post-nominal letters written from token t on end (honours, fellowships,
    degrees, with the commas between them: `is_postnominal`); t where none are written
    there.

    >>> after_honours(["Clapham", ",", "CBE", "FRS", "(", "24"], 1), after_honours(["A", ","], 1)
    (4, 1)
    """
    end = u = t
    while u < len(words) and (words[u] == "," or is_postnominal(words[u])):
        u += 1
        if words[u - 1] != ",":
            end = u
    return end


IPA_SIGNS = frozenset("ˈˌːˑɑɒɐɜɞɘɵɤɯɪʊʌʏɨʉʃʒʂʐɕʑɟɡɢʁʀɾɽɹɻɭʎɬɮɲɳɴʔʕħɦɸʝɧɱʙʜʟʈ")
"""The stress and length marks of the International Phonetic Alphabet and its letters that no
spelling of a name uses (not "ə", "ɛ" or "ɔ", which Azerbaijani or Akan names are spelled
with, nor "ð", "æ" or "ø"): a word with one is a pronunciation (`is_pronunciation`)."""


def _respelled(word: str) -> bool:
    """Whether a word is a respelling that shows how to say a name, its stressed syllable in
    capitals ("UL-rik", "ZBIG-nyev", "LEE")."""
    parts = word.split("-")
    return all(p.isalpha() for p in parts) and any(p.isupper() for p in parts)


def is_pronunciation(text: str) -> bool:
    """Whether a text only says how a name is pronounced, as a bracket after the name does
    ("Lars Ulrich (/ˈʌlrɪk/ UL-rik; [lɑːs ˈulˀʁæɡ̊]; born ...)"): words of the phonetic
    alphabet (`IPA_SIGNS`), with a respelling or none, and nothing else. Such a text names
    nothing, so it is no node of the graph.

    >>> is_pronunciation("/ˈʌlrɪk/ UL-rik"), is_pronunciation("[euˈxenja kauˈðuɾo]")
    (True, True)
    >>> is_pronunciation("Heydər Əliyev"), is_pronunciation("ULRIK"), is_pronunciation("Ærø")
    (False, False, False)
    """
    if IPA_SIGNS.isdisjoint(text):  # most texts: no word of the phonetic alphabet at all
        return False
    words = [w for w in (w.strip("/[]()") for w in text.split()) if any(c.isalpha() for c in w)]
    phonetic = [any(c in IPA_SIGNS for c in w) for w in words]
    return any(phonetic) and all(p or _respelled(w) for p, w in zip(phonetic, words))


def glosses_a_name(text: str) -> bool:
    """Whether a piece of the bracket after a name only says how the name is said or written
    elsewhere: a pronunciation (`is_pronunciation`, or any text written between square
    brackets or slashes there: "[jɔ̌ʋan]", "pronounced /hʊs/"), or the name in a language or script
    named before a colon ("Serbian Cyrillic: Јован Цвијић", "Spanish: [ˈxorxe]").

    >>> glosses_a_name("Hebrew: משה בן"), glosses_a_name("[ jɔ̌ʋan ]"), glosses_a_name("A: b")
    (True, True, True)
    >>> glosses_a_name("pronounced / ˈʃen /"), glosses_a_name("pronounced")
    (True, False)
    >>> glosses_a_name("pseudonyms: Marian"), glosses_a_name("Stary"), glosses_a_name("[")
    (False, False, False)
    """
    text = text.strip()
    if text.startswith("pronounced "):  # "pronounced /ˈɔmort:o ˈʃen/"
        text = text[len("pronounced "):].strip()
    language, colon, _ = text.partition(":")
    return is_pronunciation(text) or len(text) > 2 and (text[0], text[-1]) in (
        ("[", "]"), ("/", "/")) or bool(colon) and 0 < len(language.split()) <= 3 and all(
        w[:1].isupper() for w in language.split())


def only_glosses(words: list[str] | tuple[str, ...]) -> bool:
    """Whether the words inside a bracket after a name (or a part of it) are glosses of the
    name alone (`glosses_a_name`), in pieces parted by semicolons or commas.

    >>> only_glosses(["Serbian", "Cyrillic", ":", "Јован", ",", "[", "jɔ̌ʋan", "]"])
    True
    >>> only_glosses(["/ˈvɪk/", ";", "born", "1981"]), only_glosses([])
    (False, False)
    """
    pieces: list[list[str]] = [[]]
    for word in words:
        if word in (";", ","):
            pieces.append([])
        else:
            pieces[-1].append(word)
    return bool(words) and all(glosses_a_name(" ".join(p)) for p in pieces)


def opens_bracket(word: str) -> bool:
    """Whether a token opens a round bracket and says nothing else: "(", or "(;" as the
    tokenizer leaves a bracket whose gloss was taken out ("Joyce Mina Godenzi (; born
    1965)").

    >>> opens_bracket("("), opens_bracket("(;"), opens_bracket("(born")
    (True, True, False)
    """
    return word[:1] == "(" and all(c in ";," for c in word[1:])


def bracket_close(words: list[str] | tuple[str, ...], opening: int, longest: int) -> int | None:
    """The token that closes the round bracket opened at token `opening`, counting the
    brackets written inside tokens too ("[luˈi ˈɑndrisə(n)]" is tokenized "ˈɑndrisə(n", ")");
    None where it is not closed within `longest` tokens.

    >>> bracket_close(["(", "ˈɑndrisə(n", ")", "]", ";", "born", ")"], 0, 10)
    6
    """
    depth = 0
    for t in range(opening, min(opening + longest + 2, len(words))):
        depth += words[t].count("(") - words[t].count(")")
        if depth <= 0:
            return t
    return None


def crosses_a_bracket(relation: str, after: str = "") -> bool:
    """Whether a relation's text crosses the edge of a bracket, which puts its head and tail
    on two sides of a parenthesis: it closes a bracket it did not open ("Rayyan claimed
    [two] (*later confirmed) kills against* [Iranian F-5s]", "[Irene Harand] (6 September
    1900 - 3 February *1975) was* [an Austrian activist]"), or opens one that does not close
    before the tail (`after`: the text between the relation and its tail): "[Sandvik] was
    awarded the Holmenkollen *medal (shared with* [Alevtina Kolchina], ...)". A bracket
    written inside the relation and closed before the tail is part of it: "[he]
    *collaborated with (and was signed by*) [Shapeshifters]".

    >>> crosses_a_bracket("1975) was"), crosses_a_bracket("medal (shared with")
    (True, True)
    >>> crosses_a_bracket("collaborated with (and was signed by", ") "), crosses_a_bracket("was")
    (False, False)
    """
    depth = 0
    for c in relation:
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
            if depth < 0:
                return True
    for c in after:
        if depth == 0:
            break
        depth += (c in "([") - (c in ")]")
    return depth > 0


NAME_SUFFIXES = frozenset("jr jr. sr sr. ii iii iv".split())
"""Generational suffixes written after a person's name ("William Charles DeMott *II*"), which
the person's surname leaves out ("DeMott")."""
STUDENT_NOUNS = frozenset("student students undergraduate graduate postgraduate alumnus "
                          "alumna pupil fellow-student".split())
"""Roles held at a school as its student."""
PREPOSITIONS = frozenset("of for with at in on to by from as than".split())
"""The prepositions (and "as", "than") that join a noun phrase to what follows it."""
PLACE_PREPOSITIONS = frozenset("in at near into across throughout outside inside within around "
                               "towards toward via".split())
"""Prepositions a place is written after ("born *in* Washington"), and a person seldom."""
ROLE_PREPOSITIONS = frozenset({"at", "for", "with"})
"""Prepositions that join a role to where it is held ("a professor *at*")."""
WHERE_PREPOSITIONS = frozenset({"in", "at", "on"})
"""Prepositions that give a verb its place or time ("died *at* Yarrawonga", "graduated *in*
1990")."""
SOURCE_PREPOSITIONS = frozenset({"of", "from"})
"""Prepositions that give a verb what its subject comes from, dies of or is made of ("died
*of* cancer", "graduated *from* Yale", "made *from* glass"): after one verb, never its place or
time (`WHERE_PREPOSITIONS`)."""
ALL_PREPOSITIONS = PREPOSITIONS | PLACE_PREPOSITIONS | frozenset(
    "about after against along among before behind beneath below beside between beyond despite "
    "during onto over since through under until upon".split())
"""Every preposition a relation phrase or a property's name may end with."""


def final_preposition(phrase: str) -> str:
    """The preposition a phrase ends with, or "" when its last word is none.

    >>> final_preposition("killed by"), final_preposition("at"), final_preposition("founded")
    ('by', 'at', '')
    """
    words = phrase.split()
    return words[-1].lower() if words and words[-1].lower() in ALL_PREPOSITIONS else ""


def head_word(phrase: str) -> str:
    """The word that heads a noun phrase as English writes it: the last with a letter, before
    the first "of" ("University of Toronto": University; "iPhone 4": iPhone).

    >>> [head_word(p) for p in ("University of Toronto", "iPhone 4", "fellow NASA astronaut")]
    ['University', 'iPhone', 'astronaut']
    """
    words = phrase.split()
    if "of" in words[1:]:
        words = words[:words.index("of", 1)]
    return next((w for w in reversed(words) if any(c.isalpha() for c in w)), "")

# --- months ------------------------------------------------------------------------------

MONTH_NUMBERS = {name: number for number, names in enumerate(
    ["january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul",
     "august aug", "september sep sept", "october oct", "november nov", "december dec"],
    start=1) for name in names.split()}
"""English month names and their abbreviations, with the month's number."""
MONTHS = frozenset(MONTH_NUMBERS)


def is_month(word: str) -> bool:
    """Whether a word names a month ("November", "Nov.").

    >>> is_month("Nov."), is_month("Monday")
    (True, False)
    """
    return word.lower().rstrip(".") in MONTHS
