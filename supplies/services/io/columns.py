"""The columns of every import/export kind, with English and Chinese headers and value labels."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...errors import InvalidInput
from ...i18n import t


@dataclass(frozen=True)
class Column:
    """One column of a kind: its key, its English and Chinese headers, other accepted headers."""

    key: str
    zh: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    note: str = ""

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.key


def _c(key: str, zh: str, required: bool = False, *aliases: str, note: str = "") -> Column:
    return Column(key, zh, required, aliases, note)


KINDS: dict[str, tuple[Column, ...]] = {
    "agencies": (
        _c("code", "单位编码", True, "编码", "代码", note="unique code of the agency"),
        _c("name", "单位名称", True, "名称", "责任单位"),
        _c("contact", "联系人"),
        _c("phone", "联系电话", False, "电话"),
        _c("level", "级别", False, "行政级别", note="province, city, county, township or village"),
        _c("region_code", "行政区划代码", False, "区划代码"),
    ),
    "points": (
        _c("code", "储备点编码", True, "编码", "代码"),
        _c("name", "储备点名称", True, "名称"),
        _c("kind", "类型", False, "储备点类型", note="depot, prepositioned, shelter, agreement or factory"),
        _c("level", "级别", True, "行政级别", note="province, city, county, township or village"),
        _c("region_code", "行政区划代码", False, "区划代码"),
        _c("address", "地址"),
        _c("lat", "纬度", True, "latitude"),
        _c("lon", "经度", True, "longitude", "lng"),
        _c("capacity_m3", "库容(立方米)", False, "库容", "capacity"),
        _c("status", "状态", note="active or closed"),
    ),
    "classes": (
        _c("code", "分类编码", True, "编码", "代码"),
        _c("name", "分类名称", True, "名称"),
        _c("name_en", "英文名称"),
        _c("agency", "责任单位", True, "责任单位编码", note="code of the responsible agency"),
        _c(
            "parent",
            "上级分类",
            False,
            "上级分类编码",
            "parent_code",
            note="code of the parent class; empty at the top",
        ),
    ),
    "items": (
        _c("code", "物资编码", True, "编码", "代码"),
        _c("name", "物资名称", True, "名称"),
        _c("name_en", "英文名称"),
        _c("supply_class", "物资分类", True, "分类编码", "class", note="code of the supply class"),
        _c("unit", "计量单位", True, "单位"),
        _c("spec", "规格型号", False, "规格", "specification"),
        _c("shelf_life_days", "保质期(天)", False, "保质期"),
        _c("unit_weight_kg", "单件重量(千克)", False, "单件重量"),
        _c("unit_volume_m3", "单件体积(立方米)", False, "单件体积"),
        _c(
            "reusable",
            "可重复使用",
            False,
            "周转使用",
            "可回收",
            note="yes for equipment lent and returned (tents, folding beds, pumps, generators)",
        ),
    ),
    "stock": (
        _c("point", "储备点", True, "储备点编码", note="code of the storage point"),
        _c("item", "物资编码", True, "物资", note="code of the item"),
        _c("qty", "数量", True, "quantity", "on_hand", "库存数量", note="whole units received"),
        _c("batch", "批次", False, "批次号", "lot"),
        _c("expires_on", "有效期至", False, "有效期", "失效日期", "expires", note="YYYY-MM-DD"),
        _c("mode", "储备方式", False, "储备模式", note="physical, agreement, capacity or donation"),
        _c(
            "lead_time_hours",
            "供货时间(小时)",
            False,
            "供货时间",
            "lead_time",
            note="hours an agreement or capacity reserve needs before it can leave",
        ),
        _c("unit_cost", "单价(元)", False, "单价"),
        _c("agency", "责任单位", False, "责任单位编码", note="checked against the class's agency"),
        _c("reference", "凭证号", False, "单据号"),
        _c("reason", "备注", False, "说明"),
    ),
    "targets": (
        _c("item", "物资编码", True, "物资"),
        _c("point", "储备点", False, "储备点编码", note="a storage point, or leave empty and give a region"),
        _c("region_code", "行政区划代码", False, "区划代码"),
        _c("quantity", "储备定额", True, "目标数量", "储备目标", "target"),
    ),
}

# Chinese labels of the closed vocabularies, as offices write them; the first label is the one
# exports write.
VALUE_LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "level": {
        "province": ("省级", "省"),
        "city": ("市级", "市", "地市级"),
        "county": ("县级", "县", "区", "县区", "区县"),
        "township": ("乡镇级", "乡镇", "乡", "镇", "街道"),
        "village": ("村级", "村", "社区"),
    },
    "kind": {
        "depot": ("储备库", "仓库"),
        "prepositioned": ("前置储备点", "储备点", "前置点"),
        "shelter": ("避难场所", "应急避难场所"),
        "agreement": ("协议储备库", "代储仓库", "代储点"),
        "factory": ("生产企业", "工厂"),
    },
    "status": {"active": ("启用", "在用", "正常"), "closed": ("停用", "关闭")},
    "mode": {
        "physical": ("实物储备", "实物", "政府储备"),
        "agreement": ("协议储备", "协议", "代储", "商业储备"),
        "capacity": ("产能储备", "产能", "生产能力储备"),
        "donation": ("社会捐赠", "捐赠"),
        "repair": ("待修", "维修"),
        "requisition": ("征用", "应急征用"),
    },
}

_TO_VALUE: dict[str, dict[str, str]] = {
    col: {label: value for value, labels in vocab.items() for label in labels} for col, vocab in VALUE_LABELS.items()
}
_NORMALISE = re.compile(r"[\s_\-*（）()]+")


def _norm(header: str) -> str:
    return _NORMALISE.sub("", header.replace("（", "(").replace("）", ")")).lower()


def columns(kind: str) -> tuple[Column, ...]:
    """The columns of ``kind``, or :class:`InvalidInput` naming the kinds there are."""
    try:
        return KINDS[kind]
    except KeyError:
        raise InvalidInput(t("must be one of: {value}", value=", ".join(KINDS)), "kind") from None


def headers(kind: str, lang: str = "en") -> list[str]:
    if lang not in ("en", "zh"):
        raise InvalidInput(t("must be en or zh"), "lang")
    return [c.header(lang) for c in columns(kind)]


def match_headers(kind: str, found: list[str]) -> tuple[dict[int, Column], list[tuple[str, str]]]:
    """Map each header cell of a file to a column (English, Chinese or an alias, any case/spacing).

    Returns the mapping by position and the problems as (header, reason) pairs: unknown or
    repeated headers, and required columns that are missing.
    """
    lookup: dict[str, Column] = {}
    for known_column in columns(kind):
        for name in (known_column.key, known_column.zh, *known_column.aliases):
            lookup.setdefault(_norm(name), known_column)
    mapping: dict[int, Column] = {}
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for pos, cell in enumerate(found):
        if not cell.strip():
            continue
        col = lookup.get(_norm(cell))
        if col is None:
            known = ", ".join(c.key for c in columns(kind))
            problems.append((cell, f"unknown column for {kind}; the columns are: {known}"))
        elif col.key in seen:
            problems.append((cell, f"the column {col.key} appears twice"))
        else:
            seen.add(col.key)
            mapping[pos] = col
    for known_column in columns(kind):
        if known_column.required and known_column.key not in seen:
            name = known_column.zh if _has_cjk(found) else known_column.key
            problems.append((name, "this required column is missing"))
    return mapping, problems


def to_value(column: str, text: str) -> str:
    """The stored value for a cell of a closed vocabulary written in Chinese or any case of English."""
    vocab = _TO_VALUE.get(column)
    if vocab is None:
        return text
    return vocab.get(text, text.lower() if text.isascii() else text)


def label(column: str, value: str | None, lang: str) -> str | None:
    """How an export writes a stored value: the first Chinese label when ``lang`` is zh."""
    if value is None or lang != "zh":
        return value
    labels = VALUE_LABELS.get(column, {}).get(value)
    return labels[0] if labels else value


def _has_cjk(cells: list[str]) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for cell in cells for ch in cell)
