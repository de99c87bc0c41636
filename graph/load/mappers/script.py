"""Language tags for vernacular text, told from its script (Han, kana, hangul, Cyrillic, ...)."""

from __future__ import annotations

import functools
import unicodedata

_MARC_TO_BCP47 = {
    "chi": "zh",
    "jpn": "ja",
    "kor": "ko",
    "rus": "ru",
    "ara": "ar",
    "heb": "he",
    "gre": "el",
    "per": "fa",
    "ukr": "uk",
    "tha": "th",
}


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc  # opencc-python-reimplemented: Traditional -> Simplified, for tagging only

    return opencc.OpenCC("t2s")


def script_of(text: str) -> str | None:
    """The dominant non-Latin script of ``text``: Hani, Kana, Hang, Cyrl, Arab, Hebr, Grek or None."""
    counts: dict[str, int] = {}
    for ch in text:
        if ord(ch) < 0x250:
            continue
        name = unicodedata.name(ch, "")
        for prefix, script in (
            ("CJK", "Hani"),
            ("HIRAGANA", "Kana"),
            ("KATAKANA", "Kana"),
            ("HANGUL", "Hang"),
            ("CYRILLIC", "Cyrl"),
            ("ARABIC", "Arab"),
            ("HEBREW", "Hebr"),
            ("GREEK", "Grek"),
        ):
            if name.startswith(prefix):
                counts[script] = counts.get(script, 0) + 1
                break
    if not counts:
        return None
    if "Kana" in counts:
        return "Kana"
    return max(counts, key=counts.__getitem__)


def vernacular_tag(text: str, marc_language: str) -> str | None:
    """A BCP 47 tag for vernacular text: zh-Hans / zh-Hant for Chinese, ja, ko, ru, ... or None."""
    script = script_of(text)
    if script is None:
        return None
    lang = _MARC_TO_BCP47.get(marc_language)
    if script == "Hani" and lang in (None, "zh"):
        han = "".join(ch for ch in text if unicodedata.name(ch, "").startswith("CJK"))
        return "zh-Hant" if _t2s().convert(han) != han else "zh-Hans"
    if script == "Kana":
        return "ja"
    if script == "Hang":
        return "ko"
    if lang:
        return lang
    return {"Cyrl": "ru", "Arab": "ar", "Hebr": "he", "Grek": "el", "Hani": "zh"}.get(script)
