"""Chinese dynasties, reign periods and edition dates: text as catalogued -> a dynasty and a year.

Local literature is dated the way its title pages are: ``清光绪十年(1884)刻本``,
``民国二十年``, ``明万历``, ``(清)王夫之撰``. :func:`parse_period` reads such text
into a canonical dynasty (``清``), a Gregorian year when one is said or can be
computed from a reign year, and raises :class:`PeriodError` when the text says a
date that cannot be (``光绪九十年``, ``清 1200``, ``abc``). Keys only: the text a
cataloguer wrote is stored as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class PeriodError(ValueError):
    """Text that claims to be a date or period but is not one."""


@dataclass(frozen=True)
class Dynasty:
    name: str  # canonical Simplified form, e.g. "清"
    pinyin: str  # "Qing"
    english: str  # "Qing dynasty"
    start: int  # first year (negative = BCE)
    end: int  # last year


DYNASTIES = (
    Dynasty("先秦", "Xian Qin", "Pre-Qin", -2100, -221),
    Dynasty("周", "Zhou", "Zhou dynasty", -1046, -256),
    Dynasty("秦", "Qin", "Qin dynasty", -221, -207),
    Dynasty("汉", "Han", "Han dynasty", -202, 220),
    Dynasty("三国", "San Guo", "Three Kingdoms", 220, 280),
    Dynasty("晋", "Jin", "Jin dynasty (266–420)", 266, 420),
    Dynasty("南北朝", "Nan Bei Chao", "Northern and Southern dynasties", 420, 589),
    Dynasty("隋", "Sui", "Sui dynasty", 581, 618),
    Dynasty("唐", "Tang", "Tang dynasty", 618, 907),
    Dynasty("五代", "Wu Dai", "Five Dynasties", 907, 979),
    Dynasty("宋", "Song", "Song dynasty", 960, 1279),
    Dynasty("辽", "Liao", "Liao dynasty", 907, 1125),
    Dynasty("金", "Jin", "Jin dynasty (1115–1234)", 1115, 1234),
    Dynasty("元", "Yuan", "Yuan dynasty", 1271, 1368),
    Dynasty("明", "Ming", "Ming dynasty", 1368, 1644),
    Dynasty("清", "Qing", "Qing dynasty", 1636, 1912),
    Dynasty("民国", "Min Guo", "Republic of China (1912–1949)", 1912, 1949),
)
BY_NAME = {d.name: d for d in DYNASTIES}
# other spellings -> canonical (Traditional forms, sub-dynasties, suffixes 朝/代)
ALIASES = {
    "漢": "汉",
    "西汉": "汉",
    "东汉": "汉",
    "西漢": "汉",
    "東漢": "汉",
    "晉": "晋",
    "西晋": "晋",
    "东晋": "晋",
    "西晉": "晋",
    "東晉": "晋",
    "三國": "三国",
    "北宋": "宋",
    "南宋": "宋",
    "遼": "辽",
    "民國": "民国",
    "中华民国": "民国",
    "中華民國": "民国",
    "五代十国": "五代",
    "五代十國": "五代",
    "南朝": "南北朝",
    "北朝": "南北朝",
}
# Reign periods (年号) of the Ming and Qing, when most surviving local literature was printed: first year.
REIGNS = {
    "洪武": ("明", 1368, 31),
    "建文": ("明", 1399, 4),
    "永乐": ("明", 1403, 22),
    "洪熙": ("明", 1425, 1),
    "宣德": ("明", 1426, 10),
    "正统": ("明", 1436, 14),
    "景泰": ("明", 1450, 8),
    "天顺": ("明", 1457, 8),
    "成化": ("明", 1465, 23),
    "弘治": ("明", 1488, 18),
    "正德": ("明", 1506, 16),
    "嘉靖": ("明", 1522, 45),
    "隆庆": ("明", 1567, 6),
    "万历": ("明", 1573, 48),
    "泰昌": ("明", 1620, 1),
    "天启": ("明", 1621, 7),
    "崇祯": ("明", 1628, 17),
    "顺治": ("清", 1644, 18),
    "康熙": ("清", 1662, 61),
    "雍正": ("清", 1723, 13),
    "乾隆": ("清", 1736, 60),
    "嘉庆": ("清", 1796, 25),
    "道光": ("清", 1821, 30),
    "咸丰": ("清", 1851, 11),
    "同治": ("清", 1862, 13),
    "光绪": ("清", 1875, 34),
    "宣统": ("清", 1909, 3),
    "民国": ("民国", 1912, 38),
}
_REIGN_TRAD = {
    "永樂": "永乐",
    "正統": "正统",
    "天順": "天顺",
    "隆慶": "隆庆",
    "萬曆": "万历",
    "天啓": "天启",
    "天啟": "天启",
    "崇禎": "崇祯",
    "順治": "顺治",
    "嘉慶": "嘉庆",
    "咸豐": "咸丰",
    "光緒": "光绪",
    "宣統": "宣统",
    "民國": "民国",
}
_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "廿": 20,
    "卅": 30,
}
_NUMERAL = "〇零一二两三四五六七八九十廿卅"
_NAMES = sorted([*BY_NAME, *ALIASES], key=len, reverse=True)
_DYNASTY_RE = re.compile("(" + "|".join(map(re.escape, _NAMES)) + ")(?:朝|代)?")
_REIGN_RE = re.compile(
    "(" + "|".join(map(re.escape, [*REIGNS, *_REIGN_TRAD])) + ")"
    rf"(?:([{_NUMERAL}]+|元|\d+)年)?"
)
_YEAR_RE = re.compile(r"(?<!\d)(\d{3,4})(?!\d)")
_BRACKETED = re.compile(r"^\s*[\(\[（〔【［]\s*([^\)\]）〕】］]{1,8})\s*[\)\]）〕】］]\s*")


@dataclass(frozen=True)
class Period:
    text: str  # as catalogued
    dynasty: Dynasty | None
    year: int | None  # Gregorian, when said or computable
    reign: str | None = None  # 光绪


def dynasty(name: str) -> Dynasty | None:
    """The dynasty a name stands for ('清', '清代', '淸朝', '東漢' ...), or None."""
    name = name.strip().replace("淸", "清")
    match = _DYNASTY_RE.fullmatch(name) or _DYNASTY_RE.match(name)
    if not match:
        return None
    key = match.group(1)
    return BY_NAME.get(ALIASES.get(key, key))


def chinese_number(text: str) -> int | None:
    """'十' -> 10, '二十三' -> 23, '元' -> 1, '34' -> 34; None if not a number."""
    if text == "元":
        return 1
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGITS for ch in text):
        return None
    if "十" not in text and len(text) > 1 and all(_DIGITS[c] < 10 for c in text):
        return int("".join(str(_DIGITS[c]) for c in text))  # 一八八四
    total, current = 0, 0
    for ch in text:
        value = _DIGITS[ch]
        if value == 10:
            total += (current or 1) * 10
            current = 0
        elif value >= 20:
            total += value
        else:
            current = value
    return total + current


def parse_period(text: str, *, max_year: int = 2100) -> Period:
    """A dynasty and/or year from an edition date ('清光绪十年(1884)', '1930', '明'), or PeriodError."""
    raw = (text or "").strip()
    if not raw:
        raise PeriodError("empty")
    norm = raw.replace("淸", "清")
    for trad, simp in _REIGN_TRAD.items():
        norm = norm.replace(trad, simp)
    found = None
    reign = None
    year = None
    if m := _REIGN_RE.search(norm):
        reign = m.group(1)
        dyn_name, first, length = REIGNS[reign]
        found = BY_NAME[dyn_name]
        if m.group(2):
            n = chinese_number(m.group(2))
            if n is None or n < 1 or n > length:
                raise PeriodError(f"{reign} lasted {length} years; '{m.group(2)}年' is not one of them")
            year = first + n - 1
    if m := _DYNASTY_RE.match(norm.lstrip("([（〔【［ ")):
        named = BY_NAME[ALIASES.get(m.group(1), m.group(1))]
        if found is not None and named is not found and found.name != "民国":
            raise PeriodError(f"the reign {reign} belongs to the {found.name}, not the {named.name}")
        found = found or named
    written = [int(y) for y in _YEAR_RE.findall(norm)]
    if written:
        if year is not None and written[0] != year:
            raise PeriodError(f"{reign} year gives {year}, but the text says {written[0]}")
        year = written[0]
        if year > max_year:
            raise PeriodError(f"year {year} is in the future")
    elif m := re.search(rf"([{_NUMERAL}]{{4}})年?", norm):
        if found is None and (n := chinese_number(m.group(1))):
            year = n
    if year is not None and found is not None and not (found.start <= year <= found.end + 1):
        raise PeriodError(f"{year} is outside the {found.name} ({found.start}–{found.end})")
    if found is None and year is None:
        raise PeriodError("no dynasty, reign period or year found")
    return Period(raw, found, year, reign)


def split_dynasty(text: str) -> tuple[Dynasty | None, str]:
    """A leading bracketed dynasty and the rest: '(清)王夫之撰' -> (清, '王夫之撰')."""
    match = _BRACKETED.match(text or "")
    if match:
        found = dynasty(match.group(1))
        if found is not None:
            return found, text[match.end() :].strip()
    return None, (text or "").strip()
