"""Display labels in Chinese and English: classes, properties, value vocabularies and UI strings.

The one place pages take their words from. ``term_label(iri, lang)`` names a class,
property, relator or language; ``ui(key, lang, **values)`` gives an interface string.
Languages are ``"zh"`` and ``"en"``; anything else falls back to English.
"""
from __future__ import annotations

from vocab.namespaces import ALLIANCE, BF, BFLC, LANGUAGES, RDFS, RELATORS

UI_LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"

# (English, Chinese) for the terms pages show.
_TERMS: dict[str, tuple[str, str]] = {
    # classes
    BF.Work.value: ("Work", "作品"),
    BF.Instance.value: ("Instance", "版本"),
    BF.Item.value: ("Item", "单册"),
    BF.Text.value: ("Text", "文本"),
    BF.NotatedMusic.value: ("Notated music", "乐谱"),
    BF.Cartography.value: ("Cartography", "地图"),
    BF.MovingImage.value: ("Moving image", "活动影像"),
    BF.Audio.value: ("Audio", "音频"),
    BF.MusicAudio.value: ("Music audio", "音乐录音"),
    BF.StillImage.value: ("Still image", "静态图像"),
    BF.Multimedia.value: ("Multimedia", "多媒体"),
    BF.MixedMaterial.value: ("Mixed material", "混合资料"),
    BF.Object.value: ("Object", "实物"),
    BF.Print.value: ("Print", "印刷本"),
    BF.Agent.value: ("Agent", "责任者"),
    BF.Person.value: ("Person", "个人"),
    BF.Organization.value: ("Organization", "机构"),
    BF.Meeting.value: ("Meeting", "会议"),
    BF.Topic.value: ("Topic", "主题"),
    BF.Place.value: ("Place", "地点"),
    BF.GenreForm.value: ("Genre/form", "体裁/形式"),
    BF.Publication.value: ("Publication", "出版"),
    BF.Production.value: ("Production", "制作"),
    BF.Distribution.value: ("Distribution", "发行"),
    BF.Manufacture.value: ("Manufacture", "印制"),
    BF.Isbn.value: ("ISBN", "ISBN"),
    BF.Issn.value: ("ISSN", "ISSN"),
    BF.Lccn.value: ("LCCN", "LCCN"),
    BF.OclcNumber.value: ("OCLC number", "OCLC 号"),
    BF.Local.value: ("Local identifier", "本地标识符"),
    BF.Barcode.value: ("Barcode", "条码"),
    BF.ClassificationLcc.value: ("LC classification", "美国国会图书馆分类号"),
    BF.ClassificationDdc.value: ("Dewey classification", "杜威分类号"),
    BF.ShelfMark.value: ("Call number", "索书号"),
    BF.ShelfMarkLcc.value: ("LC call number", "LC 索书号"),
    ALLIANCE.MemberLibrary.value: ("Member library", "成员馆"),
    BF.Collection.value: ("Collection", "专藏"),
    BF.Classification.value: ("Classification", "分类号"),
    BF.ClassificationUdc.value: ("Universal Decimal Classification", "国际十进分类号"),
    # properties
    BF.title.value: ("Title", "题名"),
    BF.mainTitle.value: ("Main title", "正题名"),
    BF.subtitle.value: ("Subtitle", "副题名"),
    BF.responsibilityStatement.value: ("Statement of responsibility", "责任说明"),
    BF.editionStatement.value: ("Edition", "版次"),
    BF.provisionActivity.value: ("Publication", "出版发行"),
    BF.provisionActivityStatement.value: ("Publication statement", "出版说明"),
    BF.extent.value: ("Extent", "数量"),
    BF.dimensions.value: ("Dimensions", "尺寸"),
    BF.seriesStatement.value: ("Series", "丛编"),
    BF.note.value: ("Note", "附注"),
    BF.summary.value: ("Summary", "提要"),
    BF.tableOfContents.value: ("Contents", "目次"),
    BF.identifiedBy.value: ("Identifier", "标识符"),
    BF.contribution.value: ("Contributor", "责任者"),
    BF.agent.value: ("Agent", "责任者"),
    BF.role.value: ("Role", "责任方式"),
    BF.subject.value: ("Subject", "主题"),
    BF.genreForm.value: ("Genre/form", "体裁/形式"),
    BF.classification.value: ("Classification", "分类"),
    BF.language.value: ("Language", "语种"),
    BF.heldBy.value: ("Held by", "收藏馆"),
    BF.shelfMark.value: ("Call number", "索书号"),
    BF.sublocation.value: ("Location", "馆藏地"),
    BF.itemOf.value: ("Item of", "所属版本"),
    BF.hasItem.value: ("Items", "单册"),
    BF.instanceOf.value: ("Instance of", "所属作品"),
    BF.hasInstance.value: ("Editions", "版本"),
    BF.electronicLocator.value: ("Online access", "在线访问"),
    BF.copyrightDate.value: ("Copyright date", "版权日期"),
    BFLC.simplePlace.value: ("Place", "出版地"),
    BFLC.simpleAgent.value: ("Publisher", "出版者"),
    BFLC.simpleDate.value: ("Date", "出版日期"),
    RDFS.label.value: ("Label", "标签"),
    ALLIANCE.code.value: ("Code", "代码"),
    ALLIANCE.opacPattern.value: ("Catalogue link pattern", "目录链接模式"),
}

_RELATORS: dict[str, tuple[str, str]] = {
    "aut": ("author", "著"), "edt": ("editor", "编"), "trl": ("translator", "译"),
    "ill": ("illustrator", "绘"), "com": ("compiler", "编纂"), "ctb": ("contributor", "贡献者"),
    "pbl": ("publisher", "出版者"), "cmp": ("composer", "作曲"), "prf": ("performer", "表演者"),
    "cre": ("creator", "创作者"), "isb": ("issuing body", "发布机构"), "aui": ("author of introduction", "序"),
    "pht": ("photographer", "摄影"), "ctg": ("cartographer", "制图"), "drt": ("director", "导演"),
}

_LANGUAGES: dict[str, tuple[str, str]] = {
    "chi": ("Chinese", "中文"), "eng": ("English", "英语"), "jpn": ("Japanese", "日语"),
    "kor": ("Korean", "朝鲜语"), "ger": ("German", "德语"), "fre": ("French", "法语"),
    "spa": ("Spanish", "西班牙语"), "rus": ("Russian", "俄语"), "ita": ("Italian", "意大利语"),
    "ara": ("Arabic", "阿拉伯语"), "heb": ("Hebrew", "希伯来语"), "por": ("Portuguese", "葡萄牙语"),
    "lat": ("Latin", "拉丁语"), "dut": ("Dutch", "荷兰语"), "mul": ("Multiple languages", "多语种"),
    "und": ("Undetermined", "未定"),
}

_UI: dict[str, tuple[str, str]] = {
    "site_name": ("Alliance Graph", "联盟书目图谱"),
    "site_tagline": ("The union catalogue of the library alliance, as linked data",
                     "图书馆联盟联合目录 · 关联数据"),
    "home": ("Home", "首页"),
    "search": ("Search", "检索"),
    "search_placeholder": ("Title, author, subject, ISBN…", "题名、责任者、主题、ISBN……"),
    "sparql": ("SPARQL", "SPARQL"),
    "language_switch": ("中文", "English"),
    "members": ("Member libraries", "成员馆"),
    "works": ("Works", "作品"),
    "instances": ("Editions", "版本"),
    "items": ("Copies", "馆藏册数"),
    "counts": ("The catalogue in numbers", "目录概况"),
    "work": ("Work", "作品"),
    "instance": ("Edition", "版本"),
    "item": ("Copy", "单册"),
    "agent": ("Person or organization", "责任者"),
    "subject": ("Subject", "主题"),
    "collection": ("Collection", "专藏"),
    "collections": ("Collections", "专藏"),
    "in_collections": ("In the collection", "所属专藏"),
    "collection_size": ("Titles", "题名数"),
    "edition": ("Edition", "版次"),
    "copyright": ("Copyright date", "版权日期"),
    "extent": ("Extent", "数量及尺寸"),
    "series": ("Series", "丛编"),
    "contents": ("Contents", "目次"),
    "online": ("Online access", "在线访问"),
    "invalid": ("(invalid)", "（无效）"),
    "sources": ("Files", "文件"),
    "holdings": ("Holdings", "馆藏"),
    "held_by": ("Held by", "收藏馆"),
    "copies": ("{n} copies", "{n} 册"),
    "copy": ("1 copy", "1 册"),
    "call_number": ("Call number", "索书号"),
    "location": ("Location", "馆藏地"),
    "barcode": ("Barcode", "条码"),
    "library_catalogue": ("Open in the library's catalogue", "在本馆目录中查看"),
    "no_holdings": ("No member reports a copy.", "暂无成员馆馆藏。"),
    "editions_of_work": ("Editions of this work", "该作品的版本"),
    "other_editions": ("Other editions", "其他版本"),
    "edition_of": ("Edition of", "所属作品"),
    "contributors": ("Contributors", "责任者"),
    "subjects": ("Subjects", "主题"),
    "genres": ("Genre/form", "体裁/形式"),
    "classification": ("Classification", "分类"),
    "language": ("Language", "语种"),
    "publication": ("Publication", "出版发行"),
    "identifiers": ("Identifiers", "标识符"),
    "notes": ("Notes", "附注"),
    "summary": ("Summary", "提要"),
    "other_titles": ("Other forms of the title", "题名其他形式"),
    "other_names": ("Other forms of the name", "名称其他形式"),
    "works_by": ("Works by this agent", "该责任者的作品"),
    "works_about": ("Works about this agent", "关于该责任者的作品"),
    "works_on_subject": ("Works on this subject", "该主题的作品"),
    "library_profile": ("Library", "图书馆"),
    "code": ("Code", "代码"),
    "own_catalogue": ("Own catalogue", "本馆目录"),
    "holdings_count": ("Copies held", "馆藏册数"),
    "titles_held": ("Editions held", "馆藏版本"),
    "some_titles": ("Some titles held here", "部分馆藏"),
    "loads": ("Loads", "数据装载"),
    "loaded_at": ("Loaded", "装载时间"),
    "triples": ("Triples", "三元组"),
    "item_of": ("Copy of", "所属版本"),
    "data": ("This record as data", "本记录的数据"),
    "not_found": ("Not found", "未找到"),
    "not_found_text": ("There is no such record in the catalogue. Try a search.",
                       "目录中没有该记录，请尝试检索。"),
    "not_acceptable": ("Not acceptable", "无法提供所需格式"),
    "sparql_title": ("SPARQL query", "SPARQL 查询"),
    "sparql_intro": ("Query the union catalogue. The default graph is the union of every member's data.",
                     "查询联合目录。默认图为所有成员馆数据的并集。"),
    "query": ("Query", "查询语句"),
    "run_query": ("Run query", "执行查询"),
    "results_format": ("Results as", "结果格式"),
    "examples": ("Examples", "示例"),
    "results": ("Results", "查询结果"),
    "rows": ("{n} rows", "{n} 行"),
    "answer_yes": ("Yes (true)", "是 (true)"),
    "answer_no": ("No (false)", "否 (false)"),
    "query_error": ("The query could not be run", "查询无法执行"),
    "footer": ("Data: BIBFRAME 2 linked data from the member libraries' catalogues.",
               "数据：来自各成员馆目录的 BIBFRAME 2 关联数据。"),
    "unnamed": ("(untitled)", "（无题名）"),
    "item_label": ("Copy at {library}", "{library} 馆藏"),
    # overlap and collection reports
    "reports": ("Reports", "统计报告"),
    "overlap_title": ("Overlap of the members' collections", "成员馆馆藏重复率"),
    "overlap_intro": ("Which titles members hold in common, which only one holds, and where the alliance buys "
                      "the same title several times.", "各成员馆共同收藏哪些题名、哪些为一馆独有，联盟在哪些领域重复采购。"),
    "overlap_level": ("Count as titles", "统计单位"),
    "overlap_scarce": ("Scarce: held by at most", "稀缺：至多收藏馆数"),
    "overlap_apply": ("Show", "显示"),
    "overlap_titles": ("Titles", "题名数"),
    "overlap_duplication": ("Duplication ratio", "复本率"),
    "overlap_everyone": ("Held by every member", "全体成员馆均有"),
    "overlap_one": ("Held by one member", "仅一馆收藏"),
    "overlap_matrix": ("Member × member", "成员馆两两重合"),
    "overlap_matrix_help": ("Each cell: the share of row library A's titles that column library B also holds "
                            "(darker is more), and the number in common.",
                            "每格：行馆 A 的题名中列馆 B 也收藏的比例（颜色越深越高）及共同题名数。"),
    "overlap_coefficient": ("overlap coefficient", "重叠系数"),
    "overlap_members": ("Per member", "各成员馆"),
    "overlap_unique": ("Only here", "独有"),
    "overlap_scarce_n": ("Held by ≤ {n}", "至多 {n} 馆收藏"),
    "overlap_uniqueness": ("Uniqueness rate", "独有率"),
    "overlap_lists": ("Lists (CSV)", "清单 (CSV)"),
    "overlap_only_we": ("only we hold", "本馆独有"),
    "overlap_scarce_list": ("scarce", "稀缺"),
    "overlap_everyone_list": ("Titles every member holds (CSV)", "全体成员馆均收藏的题名 (CSV)"),
    "overlap_distribution": ("Titles by number of holding members", "按收藏馆数统计题名"),
    "overlap_holders": ("Members holding", "收藏馆数"),
    "overlap_by_lcc": ("By LC classification class", "按美国国会图书馆分类法大类"),
    "overlap_by_clc": ("By Chinese Library Classification class", "按中图法大类"),
    "overlap_by_decade": ("By decade of publication", "按出版年代"),
    "overlap_class": ("Class", "类目"),
    "overlap_decade": ("Decade", "年代"),
    "local_literature": ("Local literature", "地方文献"),
    "local_literature_intro": ("Local histories, gazetteers, genealogies and old editions that members hold, "
                               "across the whole alliance.",
                               "各成员馆所藏地方史志、家谱与古籍，全联盟统一浏览。"),
    "local_facet_place": ("Place", "地区"),
    "local_facet_dynasty": ("Dynasty / period", "朝代"),
    "local_facet_type": ("Type", "文献类型"),
    "local_facet_edition": ("Edition type", "版本类型"),
    "local_facet_collection": ("Collection", "专藏"),
    "local_all_facets": ("All places, periods and types", "全部地区、朝代与类型"),
    "local_none": ("Nothing yet.", "暂无。"),
    "overlap_sparql": ("the same numbers from queries (see the examples)", "可用查询得到相同数字（见示例）"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if (lang or "").lower().startswith("zh") else pair[0]


def term_label(iri: str, lang: str = DEFAULT_LANGUAGE) -> str | None:
    """The display name of a class, property, relator or language IRI, or None if we have none."""
    iri = getattr(iri, "value", iri)
    pair = _TERMS.get(iri)
    if pair is None and iri.startswith(RELATORS):
        pair = _RELATORS.get(iri[len(RELATORS):])
    if pair is None and iri.startswith(LANGUAGES):
        pair = _LANGUAGES.get(iri[len(LANGUAGES):])
    return _pick(pair, lang) if pair else None


def ui(key: str, lang: str = DEFAULT_LANGUAGE, **values) -> str:
    """An interface string; ``{name}`` placeholders are filled from ``values``."""
    text = _pick(_UI[key], lang)
    return text.format(**values) if values else text


def copies(n: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """"1 copy", "3 copies", "3 册"."""
    return ui("copy", lang) if n == 1 else ui("copies", lang, n=n)
