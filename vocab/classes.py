"""Main classes of the classification schemes the catalogue's facets group by, in English and Chinese.

Facet values are ``scheme:class``: ``lcc:D`` (Library of Congress Classification main
class), ``clc:K`` (中国图书馆分类法 basic category), ``ddc:9`` (Dewey hundreds).
"""

from __future__ import annotations

SCHEMES: dict[str, tuple[str, str]] = {
    "lcc": ("LCC", "LCC"),
    "clc": ("CLC", "中图法"),
    "ddc": ("DDC", "杜威"),
}

_LCC: dict[str, tuple[str, str]] = {
    "A": ("General works", "总类"),
    "B": ("Philosophy, psychology, religion", "哲学、心理学、宗教"),
    "C": ("Auxiliary sciences of history", "历史辅助科学"),
    "D": ("World history", "世界史"),
    "E": ("History of the Americas", "美洲史"),
    "F": ("History of the Americas (local)", "美洲地方史"),
    "G": ("Geography, anthropology, recreation", "地理、人类学、娱乐"),
    "H": ("Social sciences", "社会科学"),
    "J": ("Political science", "政治学"),
    "K": ("Law", "法律"),
    "L": ("Education", "教育"),
    "M": ("Music", "音乐"),
    "N": ("Fine arts", "美术"),
    "P": ("Language and literature", "语言与文学"),
    "Q": ("Science", "科学"),
    "R": ("Medicine", "医学"),
    "S": ("Agriculture", "农业"),
    "T": ("Technology", "技术"),
    "U": ("Military science", "军事科学"),
    "V": ("Naval science", "海军科学"),
    "Z": ("Bibliography, library science", "目录学、图书馆学"),
}

_CLC: dict[str, tuple[str, str]] = {
    "A": (
        "Marxism, Leninism, Mao Zedong Thought, Deng Xiaoping Theory",
        "马克思主义、列宁主义、毛泽东思想、邓小平理论",
    ),
    "B": ("Philosophy, religion", "哲学、宗教"),
    "C": ("Social sciences (general)", "社会科学总论"),
    "D": ("Politics, law", "政治、法律"),
    "E": ("Military science", "军事"),
    "F": ("Economics", "经济"),
    "G": ("Culture, science, education, sports", "文化、科学、教育、体育"),
    "H": ("Language, linguistics", "语言、文字"),
    "I": ("Literature", "文学"),
    "J": ("Art", "艺术"),
    "K": ("History, geography", "历史、地理"),
    "N": ("Natural sciences (general)", "自然科学总论"),
    "O": ("Mathematics, physics, chemistry", "数理科学和化学"),
    "P": ("Astronomy, earth sciences", "天文学、地球科学"),
    "Q": ("Biology", "生物科学"),
    "R": ("Medicine, health", "医药、卫生"),
    "S": ("Agriculture", "农业科学"),
    "T": ("Industrial technology", "工业技术"),
    "U": ("Transportation", "交通运输"),
    "V": ("Aviation, aerospace", "航空、航天"),
    "X": ("Environmental science, safety", "环境科学、安全科学"),
    "Z": ("General works", "综合性图书"),
}

_DDC: dict[str, tuple[str, str]] = {
    "0": ("Computer science, information, general works", "计算机科学、信息、总类"),
    "1": ("Philosophy and psychology", "哲学与心理学"),
    "2": ("Religion", "宗教"),
    "3": ("Social sciences", "社会科学"),
    "4": ("Language", "语言"),
    "5": ("Science", "科学"),
    "6": ("Technology", "技术"),
    "7": ("Arts and recreation", "艺术与娱乐"),
    "8": ("Literature", "文学"),
    "9": ("History and geography", "历史与地理"),
}

_TABLES = {"lcc": _LCC, "clc": _CLC, "ddc": _DDC}


def class_label(value: str, lang: str = "en") -> str | None:
    """``"clc:K"`` -> ``"中图法 K 历史、地理"`` (or the English); None for an unknown value."""
    scheme, _, code = value.partition(":")
    table = _TABLES.get(scheme)
    if table is None or not code:
        return None
    zh = (lang or "").lower().startswith("zh")
    scheme_name = SCHEMES[scheme][1 if zh else 0]
    names = table.get(code)
    shown = code + ("00" if scheme == "ddc" else "")
    if names is None:
        return f"{scheme_name} {shown}"
    return f"{scheme_name} {shown} {names[1 if zh else 0]}"
