"""Pronouns are never entities: resolved within their document or left out
(mamakg.mapping.coref)."""

from __future__ import annotations

import dataclasses

from mamakg.mapping.coref import antecedent_kinds, resolve_document

from helpers import mention as m


def test_he_and_it_resolve_to_the_first_named_person_and_thing():
    doc = [m("d", 0, "Ann Lee", "founded", "Acme", "PERSON", "ORG"),
           m("d", 1, "She", "was born in", "Paris", "PRON", "GPE"),
           m("d", 2, "It", "is based in", "Lyon", "PRON", "GPE")]
    out = resolve_document(doc)
    assert [(r.mention.head_key, r.mention.head_type, r.resolved) for r in out] == [
        ("ann lee", "PERSON", ()), ("ann lee", "PERSON", ("head",)), ("acme", "ORG", ("head",))]
    # texts and offsets stay as written
    assert out[1].mention.head.text == "She"


def test_it_stands_for_a_place_only_where_the_place_is_the_documents_subject():
    # an article on a river whose name NER gives no kind: "it" is not the place it crosses
    doc = [m("d", 0, "The Foix", "is", "a river", "", ""),
           m("d", 0, "The Foix", "rises in", "Catalonia", "", "GPE"),
           m("d", 1, "It", "runs through", "Alt Penedès", "PRON", "GPE")]
    assert resolve_document(doc, names=True)[2].mention.head_key == "the foix"
    doc = [m("d", 0, "Guilderland", "is", "a town", "GPE", ""),
           m("d", 1, "It", "is a suburb of", "Albany", "PRON", "GPE")]
    assert resolve_document(doc, names=True)[1].mention.head_key == "guilderland"
    doc = [m("d", 0, "Ann Lee", "was born in", "Paris", "PERSON", "GPE"),
           m("d", 1, "Ann Lee", "founded", "Acme", "PERSON", "ORG"),
           m("d", 2, "It", "is based in", "Lyon", "PRON", "GPE")]  # the firm, not Paris
    assert resolve_document(doc, names=True)[2].mention.head_key == "acme"


def test_it_and_they_stand_for_the_documents_subject_where_ner_gave_it_no_kind():
    doc = [m("d", 0, "O'Shaughnessy Dam", "is", "a dam", "", ""),
           m("d", 0, "O'Shaughnessy Dam", "forms", "O'Shaughnessy Reservoir", "", "FAC"),
           m("d", 1, "It", "was completed in", "1925", "PRON", "DATE"),
           m("d", 2, "He", "designed", "it", "PRON", "PRON")]
    out = resolve_document(doc, names=True)
    assert out[2].mention.head_key == "o'shaughnessy dam"
    assert out[3].mention is None  # "he" is a person's: none is named
    # named in an earlier sentence only: within one sentence "it" is not its first name
    doc = [m("d", 0, "It Bites", "played at", "The Underfall Yard", "", ""),
           m("d", 0, "it", "is", "a song", "PRON", "")]
    assert resolve_document(doc, names=True)[1].mention is None


def test_unresolvable_pronouns_are_left_out():
    doc = [m("d", 0, "He", "was born in", "Paris", "PRON", "GPE"),  # no one named before
           m("d", 1, "I", "like", "Acme", "PRON", "ORG"),  # first person: never
           m("d", 2, "which", "owns", "Acme", "PRON", "ORG")]  # relative: never here
    assert [r.mention for r in resolve_document(doc)] == [None, None, None]


def test_antecedents_must_come_first_and_fit_the_pronoun():
    doc = [m("d", 0, "Acme", "hired", "Bob Day", "ORG", "PERSON"),
           m("d", 1, "He", "lives in", "Rome", "PRON", "GPE"),
           m("d", 1, "They", "sell", "tools", "PRON", "")]
    out = resolve_document(doc)
    assert out[0].mention is not None
    assert out[1].mention.head_key == "bob day"
    assert out[2].mention.head_key == "acme"
    assert antecedent_kinds("his") == frozenset({"PERSON"})


def test_they_stands_for_a_people_not_for_a_nationality_adjective():
    # "Acme is an American band ... They toured": "American" describes, it names no one
    doc = [m("d", 0, "Acme", "is", "American", "PERSON", "NORP"),
           m("d", 1, "They", "toured", "Japan", "PRON", "GPE")]
    assert resolve_document(doc)[1].mention is None
    for people in ("The Romans", "Romans", "the Irish"):
        doc = [m("d", 0, people, "conquered", "Gaul", "NORP", "GPE"),
               m("d", 1, "They", "built", "roads", "PRON", "")]
        assert resolve_document(doc)[1].mention.head_key == people.lower()


# --- the sieve: names, acronyms, descriptions (resolve_document(names=..., descriptions=...))

from mamakg.mapping.coref import (  # noqa: E402
    description_kinds,
    is_acronym_of,
    is_common_noun,
    is_partial_name,
    same_name,
    scope_of,
    scoped_key,
    unscoped,
)


def keys(out):
    return [(r.mention.head_key, r.mention.tail_key) if r.mention else None for r in out]


def test_a_partial_name_joins_the_full_name_introduced_before():
    doc = [m("d", 0, "Lise Meitner", "was born in", "Vienna", "PERSON", "GPE"),
           m("d", 1, "Meitner", "worked for", "Kaiser Wilhelm Institute", "PERSON", "ORG"),
           m("d", 2, "Meitner", "died in", "Cambridge", "ORG", "GPE")]
    out = resolve_document(doc, names=True)
    assert [k[0] for k in keys(out)] == ["lise meitner"] * 3
    assert out[1].resolved == ("head",) and out[1].mention.head.text == "Meitner"
    # without the names pass the surname stays its own node
    assert keys(resolve_document(doc))[1][0] == "meitner"


def test_a_persons_name_that_opens_a_longer_name_of_another_kind_is_not_it():
    doc = [m("d", 0, "The Johnny Cash Show", "aired on", "ABC", "ORG", "ORG"),
           m("d", 1, "Johnny Cash", "recorded for", "Columbia Records", "PERSON", "ORG"),
           m("d", 2, "Niels Bohr Institute", "employed", "Lise Meitner", "ORG", "PERSON"),
           m("d", 3, "Niels Bohr", "was born in", "Copenhagen", "PERSON", "GPE"),
           m("d", 4, "Goldman Sachs Group", "hired", "Ann Day", "ORG", "PERSON"),
           m("d", 5, "Goldman Sachs", "grew", "fast", "PERSON", ""),
           m("d", 6, "Goldman Sachs", "is based in", "New York", "ORG", "GPE"),
           m("d", 7, "Kadokawa Group Holdings", "bought", "ASCII", "ORG", "ORG"),
           m("d", 8, "Kadokawa", "owns", "MediaWorks", "PERSON", "ORG")]
    out = keys(resolve_document(doc, names=True))
    assert out[1][0] == "johnny cash" and out[3][0] == "niels bohr"
    assert out[5][0] == out[6][0] == "goldman sachs group"  # also read as a firm
    assert out[8][0] == "kadokawa group holdings"  # one word: a firm's short name
    # a longer name NER gave no kind may be the person's, cut short by NER
    doc = [m("d", 0, "Jacques Dyel du Parquet", "was", "a soldier", "", ""),
           m("d", 1, "Jacques Dyel", "governed", "Martinique", "PERSON", "GPE")]
    assert keys(resolve_document(doc, names=True))[1][0] == "jacques dyel du parquet"
    doc = [m("d", 0, "Roc Kirby AM", "was", "a businessman", "WORK_OF_ART", ""),
           m("d", 1, "Roc Kirby", "retired in", "1988", "PERSON", "DATE")]
    assert keys(resolve_document(doc, names=True))[1][0] == "roc kirby am"


def test_a_place_the_document_writes_as_one_is_not_what_is_named_from_it():
    doc = [m("d", 0, "Mansfield Borough Council", "employed", "Ann Day", "ORG", "PERSON"),
           m("d", 1, "Mansfield", "elected", "Ann Day", "PERSON", "PERSON"),
           m("d", 2, "Ann Day", "died in", "Mansfield", "PERSON", "GPE"),
           m("d", 3, "University of Padua", "hired", "Bob Lee", "ORG", "PERSON"),
           m("d", 4, "Bob Lee", "died at", "Padua", "PERSON", "GPE"),
           m("d", 5, "Somsak Sithchatchawal", "is", "a boxer", "ORG", ""),
           m("d", 6, "Bob Lee", "fought in", "Sithchatchawal", "PERSON", "GPE"),
           m("d", 7, "Sithchatchawal", "won", "the belt", "PERSON", "")]
    out = keys(resolve_document(doc, names=True))
    assert out[1][0] == out[2][1] == "mansfield"
    assert out[4][1] == "padua"
    # a surname, last in the name and not after its "of", may be written as a place
    assert out[6][1] == "somsak sithchatchawal"


def test_the_body_an_office_is_held_in_is_not_the_office():
    doc = [m("d", 0, "Ann Day", "became", "CEO of Atari", "PERSON", ""),
           m("d", 1, "Atari", "was based in", "Sunnyvale", "ORG", "GPE"),
           m("d", 2, "Bob Lee", "was elected", "Member of Parliament", "PERSON", ""),
           m("d", 3, "Parliament", "met in", "London", "ORG", "GPE"),
           m("d", 4, "the Duke of Wellington", "won", "Waterloo", "PERSON", "EVENT"),
           m("d", 5, "Wellington", "married", "Kitty Pakenham", "PERSON", "PERSON")]
    out = keys(resolve_document(doc, names=True))
    assert out[1][0] == "atari" and out[3][0] == "parliament"
    # a title of nobility may stand for its holder
    assert out[5][0] == "the duke of wellington"


def test_when_several_names_fit_the_first_introduced_wins():
    doc = [m("d", 0, "Ross Patterson Alger", "married", "Ann Day", "PERSON", "PERSON"),
           m("d", 1, "Harry Alger", "was", "his brother", "PERSON", ""),
           m("d", 2, "Alger", "died in", "Paris", "PERSON", "GPE")]
    assert keys(resolve_document(doc, names=True))[2][0] == "ross patterson alger"


def test_a_name_introduced_later_is_not_an_antecedent_and_places_stay_places():
    doc = [m("d", 0, "Meitner", "moved to", "Berlin", "PERSON", "GPE"),
           m("d", 1, "Lise Meitner", "studied in", "Vienna", "PERSON", "GPE"),
           m("d", 2, "George Washington", "visited", "Ohio", "PERSON", "GPE"),
           m("d", 3, "Washington", "borders", "Oregon", "GPE", "GPE"),
           m("d", 4, "Acme", "is based in", "Washington", "ORG", "GPE")]
    out = keys(resolve_document(doc, names=True))
    assert out[0][0] == "meitner"  # nothing before it
    # a place the document writes as one ("in Washington") is not the surname of a person
    assert out[3][0] == out[4][1] == "washington"


def test_other_spellings_and_acronyms_join_the_name():
    doc = [m("d", 0, "The Romans", "conquered", "Gaul", "NORP", "GPE"),
           m("d", 1, "Romans", "built", "roads", "NORP", ""),
           m("d", 2, "EFI", "ran", "canteens", "ORG", ""),
           m("d", 3, "Expeditionary Force Institutes", "served", "the army", "ORG", ""),
           m("d", 4, "Henrik August Angell", "wrote", "books", "PERSON", ""),
           m("d", 5, "Henrik Angell", "lived in", "Oslo", "PERSON", "GPE")]
    out = keys(resolve_document(doc, names=True))
    assert out[1][0] == "the romans"
    assert out[2][0] == "expeditionary force institutes"  # the document gives both
    assert out[5][0] == "henrik august angell"  # an ordered subset of the longer name


def test_name_rules_on_strings():
    assert same_name("General Motors'", "General Motors") and not same_name("Rome", "Romans")
    assert is_acronym_of("MIT", "Massachusetts Institute of Technology")
    assert not is_acronym_of("IT", "Massachusetts Institute of Technology")
    assert not is_acronym_of("Mit", "Massachusetts Institute Technology")
    assert is_partial_name("Lise", "Lise Meitner") and is_partial_name("Bee", "Sacramento Bee")
    assert not is_partial_name("meitner", "Lise Meitner")  # a name is written with capitals
    assert not is_partial_name("Lise Meitner", "Lise Meitner")


def test_a_definite_description_resolves_only_when_one_name_fits():
    doc = [m("d", 0, "Acme", "hired", "Bob Day", "ORG", "PERSON"),
           m("d", 1, "The company", "is based in", "Lyon", "", "GPE"),
           m("d", 2, "the city", "has", "a river", "", ""),
           m("d", 3, "Bob Day", "visited", "Paris", "PERSON", "GPE"),
           m("d", 4, "the city", "has", "a museum", "", "")]
    out = resolve_document(doc, descriptions=True)
    assert out[1].mention.head_key == "acme" and out[1].mention.head_type == "ORG"
    assert out[2].mention.head_key == "lyon"  # the one place named before it
    assert out[4].mention.head_key == "the city"  # Lyon and Paris: two fit, none chosen
    assert description_kinds("the album") == frozenset({"WORK_OF_ART"})
    assert not description_kinds("the companies") and not description_kinds("his company")


def test_pronouns_can_be_left_alone_while_names_resolve():
    doc = [m("d", 0, "Ann Lee", "met", "Bob", "PERSON", "PERSON"),
           m("d", 1, "He", "met", "Lee", "PRON", "PERSON")]
    out = resolve_document(doc, pronouns=False, names=True)
    assert keys(out)[1] == ("he", "ann lee")


# --- common nouns scoped to their document

def test_common_nouns_are_scoped_to_their_document():
    a = m("d1", 0, "His father", "was", "a lawyer", "", "")
    b = m("d2", 0, "His father", "was", "a lawyer", "", "")
    assert scope_of(a).head_key != scope_of(b).head_key
    assert unscoped(scope_of(a).head_key) == "his father"  # the key m() made
    named = m("d1", 0, "Ann Lee", "is", "1961", "PERSON", "DATE")
    assert scope_of(named) == named  # names and values keep their keys
    assert scope_of(a, ("head",)).head_key == "his father"  # a resolved slot stays
    assert scoped_key("song", "x") == "song@x" and unscoped("song@x", "y") == "song@x"
    assert [is_common_noun(t) for t in ("The song", "Romans", "+", "8/9", "it")] == [
        True, False, False, False, False]


def test_name_particles_and_an_acronym_after_an_article():
    assert is_partial_name("Jefferson Madeira", "Jefferson Madeira da Silva")
    assert is_partial_name("Mola", "Mola di Bari")
    doc = [m("d", 0, "East Asia Economic Caucus", "was", "a proposal", "ORG", ""),
           m("d", 1, "The EAEC", "met in", "Kuala Lumpur", "ORG", "GPE")]
    assert keys(resolve_document(doc, names=True))[1][0] == "east asia economic caucus"


def test_name_roots_keep_order_and_skip_candidates_that_do_not_fit():
    from mamakg.mapping.coref import Antecedent, name_roots

    def names(*texts):
        return [Antecedent(t.lower(), t, kind, (i, 0)) for i, (t, kind) in enumerate(texts)]

    # the first name with the word is a person: the place joins the next name that fits
    assert name_roots(names(("George Washington", "PERSON"), ("Washington County", "GPE"),
                            ("Washington", "GPE"))) == {"washington": "washington county"}
    # an acronym before its name; other spellings of both join the name too
    assert name_roots(names(("EFI", "ORG"), ("Expeditionary Force Institutes", "ORG"),
                            ("the Expeditionary Force Institutes", "ORG"), ("E.F.I.", "ORG"))) \
        == dict.fromkeys(("efi", "the expeditionary force institutes", "e.f.i."),
                         "expeditionary force institutes")
    # a part of two names joins the one introduced first; a later name takes its own parts
    assert name_roots(names(("Lise Meitner", "PERSON"), ("Meitner", "PERSON"),
                            ("Ann Meitner", "PERSON"), ("Ann", "PERSON"))) == {
        "meitner": "lise meitner", "ann": "ann meitner"}


def _with_node(mention, slot, node):
    """The mention with its `slot` chunk standing for the narrower node `node`."""
    import dataclasses

    from mamakg.types import TextSpan
    chunk = getattr(mention, slot)
    at = chunk.start + chunk.text.index(node)
    return dataclasses.replace(mention, **{f"{slot}_node": TextSpan(node, at, at + len(node)),
                                           f"{slot}_key": node.lower()})


def test_names_are_read_from_nodes_and_kinds_from_the_whole_document():
    # the name is the node inside the chunk: "Hamasaki" is part of "Ayumi Hamasaki"
    first = _with_node(m("d", 0, "Surreal", "is a song by",
                         "Japanese recording artist Ayumi Hamasaki", "WORK_OF_ART", "PERSON"),
                       "tail", "Ayumi Hamasaki")
    doc = [first, m("d", 1, "Hamasaki", "wrote", "the lyrics", "PERSON", "")]
    assert keys(resolve_document(doc, names=True))[1] == ("ayumi hamasaki", "the lyrics")
    # NER reads "Parton" as a place once and as a person once: it may be Dolly Parton's part
    doc = [m("d", 0, "Dolly Parton", "wrote", "Two Doors Down", "PERSON", "WORK_OF_ART"),
           m("d", 1, "Parton", "recorded", "it", "GPE", "PRON"),
           m("d", 2, "Parton", "released", "an album", "PERSON", "")]
    assert [k[0] for k in keys(resolve_document(doc, names=True))] == ["dolly parton"] * 3
    # "The agreement" is no name; "the Agreement" is part of the name before it
    doc = [m("d", 0, "Chile Free Trade Agreement", "is", "a treaty", "LAW", ""),
           m("d", 1, "The agreement", "covers", "trade", "", ""),
           m("d", 2, "the Agreement", "calls for", "Chile", "LAW", "GPE")]
    out = resolve_document(doc, names=True)
    assert [k[0] for k in keys(out)] == ["chile free trade agreement"] * 3


def test_a_common_noun_phrase_that_holds_a_name_is_scoped_like_a_common_noun():
    from mamakg.mapping.coref import common_keys, is_role_of_name
    mayor = m("d", 0, "Ann Lee", "was", "mayor of Calgary", "PERSON", "")
    assert scope_of(mayor).tail_key == "mayor of calgary@d"
    assert not is_role_of_name("University of Toronto", "")
    assert not is_role_of_name("de Gaulle", "PERSON")  # NER named it
    # a common noun written with a capital at the start of a sentence, lower case elsewhere
    doc = [m("d", 0, "Ramadas", "are", "shelters", "", ""),
           m("d", 1, "Parks", "have", "ramadas", "", ""),
           m("d", 2, "Lyon", "has", "Parks", "GPE", "ORG")]
    common = common_keys(doc)
    assert common == {"shelters", "ramadas"}
    assert scope_of(doc[0], common=common).head_key == "ramadas@d"
    assert scope_of(doc[1], common=common).head_key == "parks"  # never written as a noun
    assert scope_of(doc[2], common=frozenset({"parks"})).tail_key == "parks"  # NER named it
    # a word that opens its sentence, of no kind and nowhere else written with a capital, is
    # a common noun ("Work on the palace began ..."); "All streets" is one past its amount word
    doc = [m("d", 0, "Work", "began in", "1747", "", "DATE"),
           dataclasses.replace(m("d", 1, "All streets", "take", "the name", "", ""),
                               head_key="streets"),
           m("d", 2, "Ramadas", "are", "shelters", "", ""),
           m("d", 3, "Jim", "built", "Ramadas", "PERSON", "")]
    common = common_keys(doc)
    assert {"work", "streets"} <= common and "ramadas" not in common
    assert scope_of(doc[0], common=common).head_key == "work@d"
    assert scope_of(doc[1], common=common).head_key == "streets@d"


def test_it_stands_for_a_name_not_for_a_common_noun_ner_gave_a_kind():
    doc = [m("d", 0, "Valli", "spent", "a week", "PERSON", "WORK_OF_ART"),
           m("d", 1, "It", "was", "a hit", "PRON", "")]
    assert [r.mention for r in resolve_document(doc)][1] is None


# --- other names a document gives, names written in lower case, chunks that spell a name


def aliased(head, rel, tail, key, head_type="ORG", tail_type="ORG", doc="d", index=0):
    x = m(doc, index, head, rel, tail, head_type, tail_type)
    return dataclasses.replace(x, relation_key=key)


def test_other_names_the_text_gives_join_the_name_given_first():
    doc = [aliased("The Winnebago War", "also known as", "the Winnebago Uprising", "know as",
                   "EVENT", "EVENT"),
           m("d", 1, "the Winnebago Uprising", "ended in", "1827", "EVENT", "DATE"),
           aliased("Ernesto D'Alessio", "born", "Ernesto Alonso Vargas Contreras", "bear",
                   "PERSON", "", index=2),
           aliased("a policy", "known as", "Indian removal", "know as", "", "", index=3),
           aliased("Ann Lee", "born", "Paris", "bear", "PERSON", "GPE", index=4)]
    out = keys(resolve_document(doc, names=True))
    assert out[0] == ("the winnebago war", "the winnebago war")
    assert out[1][0] == "the winnebago war"  # every mention of the other name
    assert out[2] == ("ernesto d'alessio", "ernesto d'alessio")  # a birth name
    assert out[3] == ("a policy", "indian removal")  # a common noun has no other name
    assert out[4] == ("ann lee", "paris")  # born in a place: no name
    assert keys(resolve_document(doc[:2], names=False))[0][1] == "the winnebago uprising"


def test_an_acronym_in_brackets_after_a_name_joins_it():
    from mamakg.mapping.coref import abbreviates
    from mamakg.types import Mention, TextSpan

    text = "United States Naval Forces Germany (NAVFORGER) was a command"
    name = "United States Naval Forces Germany"
    first = Mention("d", 0, text, 0, TextSpan(name, 0, len(name)), TextSpan("was", 48, 51),
                    TextSpan("a command", 52, 61), name.lower(), "be", "command", 1.0,
                    head_type="ORG")
    later = m("d", 1, "NAVFORGER", "moved to", "Naples", "ORG", "GPE")
    assert keys(resolve_document([first, later], names=True))[1][0] == name.lower()
    london = m("d", 0, "London", "is in", "England", "GPE", "GPE")
    london = dataclasses.replace(london, sentence="London (UK) is in England")
    uk = m("d", 1, "UK", "is in", "Europe", "GPE", "LOC")
    # no acronym of London: the United Kingdom, which the table of states names "UK"
    assert keys(resolve_document([london, uk], names=True))[1][0] == "united kingdom"
    assert abbreviates("ASEAN", "Association of Southeast Asian Nations")
    assert not abbreviates("ON", "Toronto")


def test_an_acronym_of_a_name_is_an_alias_of_its_entity():
    from mamakg.config import Config
    from mamakg.mapping.resolve import resolve_window
    from mamakg.types import Mention, TextSpan

    text = "The Arab Organization for Industrialization (AOI) is owned by Egypt"
    name = "Arab Organization for Industrialization"
    first = Mention("d", 0, text, 0, TextSpan(name, 4, 4 + len(name)),
                    TextSpan("is owned by", 50, 61), TextSpan("Egypt", 62, 67), name.lower(),
                    "be own by", "egypt", 1.0, head_type="ORG", tail_type="GPE")
    later = m("d", 1, "AOI", "was founded in", "1975", "ORG", "DATE")
    config = Config.preset("default")
    forms = resolve_window([first, later], None, None, config).forms
    # given in brackets after the name, and used for it later: an alias, once
    assert forms.entity_aliases(name.lower(), name) == ("AOI",)
    assert forms.entity_label(name.lower()) == name
    # given in brackets only, it is one too; no acronym of the name is none
    assert resolve_window([first], None, None, config).forms.entity_aliases(
        name.lower(), name) == ("AOI",)
    london = dataclasses.replace(m("d", 0, "London", "is in", "England", "GPE", "GPE"),
                                 sentence="London (UK) is in England")
    assert resolve_window([london], None, None, config).forms.entity_aliases(
        "london", "London") == ()


def test_a_name_written_in_lower_case_is_no_common_noun():
    from mamakg.mapping.coref import name_keys

    doc = [m("d", 0, "Velocifero", "is", "an album", "WORK_OF_ART", ""),
           m("d", 1, "velocifero", "was recorded in", "Paris", "", "GPE"),
           m("d", 2, "his father", "was", "a lawyer", "", "")]
    names = name_keys(doc)
    assert "velocifero" in names and "his father" not in names
    assert scope_of(doc[1], names=names).head_key == "velocifero"
    assert scope_of(doc[2], names=names).head_key == "his father@d"


def test_a_chunk_that_spells_a_name_of_the_document_is_that_name():
    from mamakg.types import TextSpan

    named = m("d", 0, "Beibu Gulf Economic Rim", "is", "a zone", "ORG", "")
    chunk = "The Beibu Gulf economic rim"
    cut = dataclasses.replace(m("d", 1, chunk, "has emerged as", "a highlight", "", ""),
                              head_node=TextSpan("economic rim", 15, 27),
                              head_key="economic rim")
    out = resolve_document([named, cut], names=True)
    assert out[1].mention.head_key == "beibu gulf economic rim"
    assert "head" in out[1].resolved  # a name now: not scoped as a common noun


def test_folded_spellings_and_partial_names_with_particles():
    assert same_name("Qurʾān", "Qur'an") and same_name("Mediaș", "Medias")
    assert not same_name("Mediaș", "Media")
    assert is_partial_name("Carl Gösta Björn Joachim von der", "Carl Gösta Björn Joachim von "
                           "der Esch")
    assert not is_partial_name("von der Esch", "Carl von der Esch Berg")  # starts lower case


def test_a_surname_joins_its_person_however_ner_reads_it():
    doc = [m("d", 0, "Mark Harmsworth", "is", "a politician", "PERSON", ""),
           m("d", 1, "Harmsworth", "was elected to", "the Senate", "LOC", "ORG"),
           m("d", 2, "William Charles DeMott II", "trained", "wrestlers", "PERSON", ""),
           m("d", 3, "DeMott", "retired in", "2015", "ORG", "DATE"),
           m("d", 4, "Guillermo David Endara Galimany", "led", "Panama", "PERSON", "GPE"),
           m("d", 5, "Endara", "died in", "2009", "PERSON", "DATE"),
           m("d", 6, "Adachi Kenzō", "led", "a party", "PERSON", ""),
           m("d", 7, "Adachi", "left", "the party", "GPE", ""),
           m("d", 8, "William Hepburn Armstrong", "was", "a lawyer", "PERSON", ""),
           m("d", 9, "William H. Armstrong", "died in", "1919", "PERSON", "DATE"),
           m("d", 10, "Newell Convers Wyeth", "painted", "murals", "PERSON", ""),
           m("d", 11, "N. C. Wyeth", "died in", "1945", "PERSON", "DATE")]
    out = keys(resolve_document(doc, names=True))
    assert [k[0] for k in out] == ["mark harmsworth"] * 2 + [
        "william charles demott ii"] * 2 + ["guillermo david endara galimany"] * 2 + [
        "adachi kenzō"] * 2 + ["william hepburn armstrong"] * 2 + ["newell convers wyeth"] * 2
    # a surname NER read as a place joins the person, unless the document writes it as a
    # place; a middle word joins persons only
    doc = [m("d", 0, "Acme Corp", "hired", "Ann Day", "ORG", "PERSON"),
           m("d", 1, "Dolly Parton", "wrote", "songs", "PERSON", ""),
           m("d", 2, "Parton", "sang", "a song", "GPE", ""),
           m("d", 3, "Day", "is", "a town", "GPE", ""),
           m("d", 4, "Bob", "lives in", "Day", "PERSON", "GPE"),
           m("d", 5, "Royal Grand Hotel", "is in", "Bath", "FAC", "GPE"),
           m("d", 6, "Grand", "is", "a brand", "ORG", "")]
    out = keys(resolve_document(doc, names=True))
    assert [k[0] for k in out] == ["acme corp", "dolly parton", "dolly parton", "day", "bob",
                                   "royal grand hotel", "grand"]
    assert out[4][1] == "day"


def test_a_groups_plural_and_a_states_other_name_join_it():
    doc = [m("d", 0, "The Ho-Chunks", "fought", "the U.S.", "NORP", "GPE"),
           m("d", 1, "Ho-Chunk", "chiefs signed", "a treaty", "NORP", ""),
           m("d", 2, "William Smith", "met", "Robin Williams", "PERSON", "PERSON"),
           m("d", 3, "Williams", "met", "William", "PERSON", "PERSON")]
    out = keys(resolve_document(doc, names=True))
    assert out[0] == ("the ho-chunks", "united states") and out[1][0] == "the ho-chunks"
    assert out[3] == ("robin williams", "william smith")  # persons: no plurals


def test_another_name_is_no_fact_of_its_own_but_an_alias_of_the_entity():
    from mamakg.config import Config
    from mamakg.mapping.resolve import resolve_mentions, resolve_window
    from mamakg.types import Drop

    doc = [aliased("William Walsh", "also referred to as", "Willie Walsh", "refer to as",
                   "PERSON", "PERSON"),
           m("d", 1, "Willie Walsh", "played for", "Leeds", "PERSON", "ORG"),
           m("d", 2, "Walsh", "said", "he", "PERSON", "PRON"),
           aliased("Stephen Marlowe", "born", "Milton Lesser", "bear", "PERSON", "", index=3),
           aliased("Cobb's Legion", "also known as", "the Georgia Legion", "know as", index=4)]
    config = Config.preset("default")
    done = resolve_mentions(doc, config)
    # "William Walsh | also referred to as | Willie Walsh", "Walsh | said | he" and the
    # birth name link a node to itself: no fact, counted as self loops
    assert [why for _, why in done.dropped] == [Drop.SELF_LOOP] * 4
    assert [x.fact_key for x in done.mentions] == [("william walsh", "played for", "leeds")]
    assert [(x.head_key, x.tail_key) for x in done.named] == [
        ("william walsh", "william walsh"), ("william walsh", "william walsh"),
        ("stephen marlowe", "stephen marlowe"), ("cobb's legion", "cobb's legion")]
    # the other names the text gives are the entity's aliases; "he" is none
    forms = resolve_window(doc, None, None, config).forms
    assert forms.entity_aliases("william walsh", "William Walsh") == ("Willie Walsh",)
    assert forms.entity_aliases("stephen marlowe", "Stephen Marlowe") == ("Milton Lesser",)
    assert forms.entity_aliases("cobb's legion", "Cobb's Legion") == ("Georgia Legion",)
    assert forms.entity_label("william walsh") == "William Walsh"  # its forms still count
    # nothing resolved: nothing is one node with another
    assert resolve_mentions(doc, Config()).dropped == ()


def test_a_name_in_a_mention_that_states_no_fact_still_labels_its_entity():
    from mamakg.config import Config
    from mamakg.mapping.resolve import resolve_window
    from mamakg.types import Drop

    # "Moisej Teif (Hebrew: משה ...": a relation that cuts a name states no fact, but the
    # person "he" stands for later is labelled as written there, not by its lower-case key
    cut = dataclasses.replace(m("d", 0, "Moisej Teif", "Hebrew:", "משה טייף", "PERSON", ""),
                              cuts_name=True)
    doc = [cut, m("d", 1, "He", "died in", "Moscow", "PRON", "GPE")]
    done = resolve_window(doc, None, None, Config.preset("default"))
    assert [reason for _, reason in done.parts[0].dropped] == [Drop.NAME_RELATION.value]
    assert done.forms.entity_label("moisej teif") == "Moisej Teif"
    assert done.forms.kind("moisej teif") == "PERSON"
