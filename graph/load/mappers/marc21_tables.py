"""The MARC 21 code tables the BIBFRAME mapping needs (after marc2bibframe2's ConvSpec), as data."""

from __future__ import annotations

from vocab.namespaces import BF, BFLC

LC = "http://id.loc.gov/"
RELATORS = LC + "vocabulary/relators/"
LANGUAGES = LC + "vocabulary/languages/"
COUNTRIES = LC + "vocabulary/countries/"
CONTENT = LC + "vocabulary/contentTypes/"
MEDIA = LC + "vocabulary/mediaTypes/"
CARRIERS = LC + "vocabulary/carriers/"
ISSUANCE = LC + "vocabulary/issuance/"
RELATIONSHIP = LC + "vocabulary/relationship/"
ORGANIZATIONS = LC + "vocabulary/organizations/"
CONVENTIONS = LC + "vocabulary/descriptionConventions/"
STATUS_INVALID = LC + "vocabulary/mstatus/cancinv"
STATUS_INCORRECT = LC + "vocabulary/mstatus/incorrect"
LCSH = LC + "authorities/subjects"
MESH = LC + "vocabulary/subjectSchemes/mesh"
LCGFT = LC + "authorities/genreForms"

WORK_CLASS = {  # leader/06
    "a": BF.Text,
    "t": BF.Text,
    "c": BF.NotatedMusic,
    "d": BF.NotatedMusic,
    "e": BF.Cartography,
    "f": BF.Cartography,
    "g": BF.MovingImage,
    "i": BF.Audio,
    "j": BF.MusicAudio,
    "k": BF.StillImage,
    "m": BF.Multimedia,
    "o": BF.Kit,
    "p": BF.MixedMaterial,
    "r": BF.Object,
}
MANUSCRIPT_TYPES = frozenset("dfpt")  # leader/06 values that mean manuscript material
WORK_LEVEL_CLASS = {
    "m": BF.Monograph,
    "a": BF.Monograph,
    "s": BF.Serial,
    "b": BF.Serial,
    "i": BF.Integrating,
    "c": BF.Collection,
    "d": BF.Collection,
}
ISSUANCE_CODE = {"a": "mono", "c": "mulm", "d": "mulm", "i": "intg", "m": "mono", "s": "serl", "b": "serl"}
BIB_TYPES = frozenset("acdefgijkmoprt")
HOLDINGS_TYPES = frozenset("uvxy")

PROVISION_CLASS = {"0": BF.Production, "1": BF.Publication, "2": BF.Distribution, "3": BF.Manufacture}
AGENT_CLASS = {  # (tag suffix, first indicator) -> class
    "00": BF.Person,
    "10": BF.Organization,
    "11": BF.Meeting,
    "20": BF.Agent,
}
SUBJECT_CLASS = {
    "600": BF.Person,
    "610": BF.Organization,
    "611": BF.Meeting,
    "630": BF.Hub,
    "647": BF.Event,
    "648": BF.Temporal,
    "650": BF.Topic,
    "651": BF.Place,
    "653": BF.Topic,
    "654": BF.Topic,
    "655": BF.GenreForm,
    "656": BF.Topic,
    "657": BF.Topic,
    "662": BF.Place,
}
SUBJECT_NAME_CODES = {"600": "abcdq", "610": "abcdn", "611": "acdenq"}
# subfields after which a 6XX is a complex (pre-coordinated) subject
SUBDIVISIONS = frozenset("vxyz")
SUBJECT_SOURCE = {
    "0": LCSH,
    "1": LC + "authorities/childrensSubjects",
    "2": MESH,
    "3": LC + "vocabulary/subjectSchemes/nal",
    "5": LC + "vocabulary/subjectSchemes/cash",
    "6": LC + "vocabulary/subjectSchemes/rvm",
}

CLASSIFICATION_CLASS = {
    "050": BF.ClassificationLcc,
    "055": BF.ClassificationLcc,
    "060": BF.ClassificationNlm,
    "070": BF.ClassificationNal,
    "080": BF.ClassificationUdc,
    "082": BF.ClassificationDdc,
    "083": BF.ClassificationDdc,
    "084": BF.Classification,
    "086": BF.Classification,
}
SHELFMARK_CLASS = {
    "0": BF.ShelfMarkLcc,
    "1": BF.ShelfMarkDdc,
    "2": BF.ShelfMarkNlm,
    "5": BF.ShelfMark,
    "8": BF.ShelfMark,
}

ID_024 = {"0": BF.Isrc, "1": BF.Upc, "2": BF.Ismn, "3": BF.Ean, "4": BF.Sici}
ID_024_SOURCE = {
    "doi": BF.Doi,
    "hdl": BF.Hdl,
    "urn": BF.Urn,
    "isni": BF.Isni,
    "uri": BF.Identifier,
    "ansi": BF.Ansi,
    "eidr": BF.Eidr,
    "iso": BF.Identifier,
    "istc": BF.Istc,
    "iswc": BF.Iswc,
}
ID_028 = {
    "0": BF.AudioIssueNumber,
    "1": BF.MatrixNumber,
    "2": BF.MusicPlate,
    "3": BF.MusicPublisherNumber,
    "4": BF.VideoRecordingNumber,
    "5": BF.PublisherNumber,
    "6": BF.MusicDistributorNumber,
}

TITLE_246 = {"0": BF.VariantTitle, "1": BF.ParallelTitle, "2": BF.VariantTitle, "3": BF.VariantTitle}

# 76X-78X linking entries: relationship codes (second indicator refines 780/785)
LINK_RELATIONSHIP = {
    "760": "series",
    "762": "subseries",
    "765": "translationof",
    "767": "translatedas",
    "770": "supplement",
    "772": "supplementto",
    "773": "partof",
    "774": "part",
    "775": "otheredition",
    "776": "otherphysicalformat",
    "777": "issuedwith",
    "780": "precededby",
    "785": "succeededby",
    "786": "datasource",
    "787": "relatedwork",
}
LINK_780 = {
    "0": "continues",
    "1": "continuesinpart",
    "2": "supersedes",
    "3": "supersedesinpart",
    "4": "mergerof",
    "5": "absorbed",
    "6": "absorbedinpart",
    "7": "separatedfrom",
}
LINK_785 = {
    "0": "continuedby",
    "1": "continuedinpartby",
    "2": "supersededby",
    "3": "supersededinpartby",
    "4": "absorbedby",
    "5": "absorbedinpartby",
    "6": "splitinto",
    "7": "mergedtoform",
    "8": "continuedby",
}

# $e relator terms as catalogued, to MARC relator codes
RELATOR_TERMS = {
    "author": "aut",
    "editor": "edt",
    "translator": "trl",
    "illustrator": "ill",
    "compiler": "com",
    "contributor": "ctb",
    "publisher": "pbl",
    "composer": "cmp",
    "arranger": "arr",
    "lyricist": "lyr",
    "performer": "prf",
    "conductor": "cnd",
    "director": "drt",
    "film director": "fmd",
    "producer": "pro",
    "photographer": "pht",
    "printer": "prt",
    "writer of introduction": "win",
    "author of introduction": "aui",
    "writer of preface": "wpr",
    "writer of foreword": "wfw",
    "author of afterword": "aft",
    "writer of afterword": "wac",
    "narrator": "nrt",
    "singer": "sng",
    "instrumentalist": "itr",
    "artist": "art",
    "cartographer": "ctg",
    "creator": "cre",
    "degree granting institution": "dgg",
    "dedicatee": "dte",
    "former owner": "fmo",
    "host institution": "his",
    "issuing body": "isb",
    "interviewee": "ive",
    "interviewer": "ivr",
    "librettist": "lbt",
    "organizer": "orm",
    "sponsor": "spn",
    "thesis advisor": "ths",
    "transcriber": "trc",
    "editor of compilation": "edc",
    "screenwriter": "aus",
    "adapter": "adp",
    "annotator": "ann",
    "commentator": "cmm",
    "copyright holder": "cph",
    "designer": "dsr",
    "engraver": "egr",
    "funder": "fnd",
    "joint author": "aut",
    "joint ed": "edt",
    "ed": "edt",
    "tr": "trl",
    "ill": "ill",
    "comp": "com",
    "auteur": "aut",
    "hrsg": "edt",
    "herausgeber": "edt",
    "verfasser": "aut",
    "übersetzer": "trl",
    "illustrator.": "ill",
    "编": "edt",
    "著": "aut",
    "译": "trl",
    "主编": "edt",
}

CONTENT_LABELS = {
    "txt": "text",
    "sti": "still image",
    "prm": "performed music",
    "ntm": "notated music",
    "cri": "cartographic image",
    "tdi": "two-dimensional moving image",
    "spw": "spoken word",
    "snd": "sounds",
    "cod": "computer program",
    "cop": "computer dataset",
}
MEDIA_LABELS = {
    "n": "unmediated",
    "c": "computer",
    "s": "audio",
    "v": "video",
    "h": "microform",
    "g": "projected",
    "p": "microscopic",
    "e": "stereographic",
    "x": "other",
    "z": "unspecified",
}
CARRIER_LABELS = {
    "nc": "volume",
    "cr": "online resource",
    "sd": "audio disc",
    "vd": "videodisc",
    "he": "microfiche",
    "hd": "microfilm reel",
    "no": "card",
    "nb": "sheet",
    "cd": "computer disc",
    "ss": "audiocassette",
    "zu": "unspecified",
}
# leader/06 -> (content, media, carrier) when a record has no 336/337/338 (pre-RDA records)
DEFAULT_RDA = {
    "a": ("txt", "n", "nc"),
    "t": ("txt", "n", "nc"),
    "c": ("ntm", "n", "nc"),
    "d": ("ntm", "n", "nc"),
    "e": ("cri", "n", "nb"),
    "f": ("cri", "n", "nb"),
    "i": ("spw", "s", "sd"),
    "j": ("prm", "s", "sd"),
    "k": ("sti", "n", "nb"),
    "g": ("tdi", "v", "vd"),
    "m": ("cop", "c", "cr"),
}
CONTENT_TERMS = {v: k for k, v in CONTENT_LABELS.items()}
MEDIA_TERMS = {v: k for k, v in MEDIA_LABELS.items()}
CARRIER_TERMS = {v: k for k, v in CARRIER_LABELS.items()}
ELECTRONIC_FORMS = frozenset("oqs")  # 008/23 (books) or /29 (maps, visual): online, direct, electronic

NOTE_TAGS = frozenset(f"{t}" for t in range(500, 600)) - {"505", "520", "533", "534", "583", "586"}
BFLC_PRIMARY = BFLC.PrimaryContribution  # kept for readers of older data; new output uses bf:PrimaryContribution

# Genre/forms that 008 codes stand for (LC Genre/Form Terms), for records that say them only in codes
GF = LC + "authorities/genreForms/"
LITERARY_FORM = {  # books 008/33
    "1": ("gf2014026339", "Fiction"),
    "d": ("gf2014026297", "Drama"),
    "e": ("gf2014026094", "Essays"),
    "f": ("gf2015026020", "Novels"),
    "h": ("gf2014026110", "Humor"),
    "i": ("gf2014026141", "Personal correspondence"),
    "j": ("gf2014026542", "Short stories"),
    "m": ("gf2014026339", "Fiction"),
    "p": ("gf2014026481", "Poetry"),
    "s": ("gf2011026363", "Speeches"),
}
BIOGRAPHY = {
    "a": ("gf2014026047", "Autobiographies"),
    "b": ("gf2014026049", "Biographies"),
    "c": ("gf2014026049", "Biographies"),
    "d": ("gf2014026049", "Biographies"),
}
NATURE_OF_CONTENTS = {  # books 008/24-27, continuing resources 008/24-27
    "c": ("gf2014026057", "Catalogs"),
    "d": ("gf2014026086", "Dictionaries"),
    "e": ("gf2014026092", "Encyclopedias"),
    "f": ("gf2014026109", "Handbooks and manuals"),
    "g": ("gf2011026351", "Law materials"),
    "h": ("gf2014026049", "Biographies"),
    "i": ("gf2014026112", "Indexes"),
    "j": ("gf2011026438", "Patents"),
    "l": ("gf2011026351", "Law materials"),
    "m": ("gf2014026039", "Academic theses"),
    "r": ("gf2014026087", "Directories"),
    "s": ("gf2014026181", "Statistics"),
    "t": ("gf2015026093", "Technical reports"),
    "v": ("gf2011026351", "Law materials"),
    "w": ("gf2011026351", "Law materials"),
    "y": ("gf2014026208", "Yearbooks"),
    "z": ("gf2011026707", "Treaties"),
    "5": ("gf2014026055", "Calendars"),
    "6": ("gf2014026266", "Comics (Graphic works)"),
}
CONFERENCE = ("gf2014026068", "Conference papers and proceedings")  # books/serials 008/29 = 1
FESTSCHRIFT = ("gf2016026082", "Festschriften")  # books 008/30 = 1
MUSIC_FORM = {  # music 008/18-19: the commonest forms of composition
    "an": ("gf2014026635", "Anthems"),
    "bt": ("gf2014026650", "Ballets (Music)"),
    "ct": ("gf2014026688", "Cantatas"),
    "co": ("gf2014026725", "Concertos"),
    "fg": ("gf2014026818", "Fugues"),
    "fm": ("gf2014026809", "Folk music"),
    "hy": ("gf2014026872", "Hymns"),
    "jz": ("gf2014026879", "Jazz"),
    "md": ("gf2014026915", "Madrigals (Music)"),
    "mo": ("gf2014026949", "Motets"),
    "ms": ("gf2014026926", "Masses"),
    "op": ("gf2014026976", "Operas"),
    "or": ("gf2014026977", "Oratorios"),
    "ov": ("gf2014026980", "Overtures"),
    "sn": ("gf2014027099", "Sonatas"),
    "sy": ("gf2014027121", "Symphonies"),
    "su": ("gf2014027116", "Suites"),
    "rq": ("gf2014027048", "Requiems"),
    "pp": ("gf2014027009", "Popular music"),
    "rc": ("gf2014027054", "Rock music"),
    "sg": ("gf2014027103", "Songs"),
}
