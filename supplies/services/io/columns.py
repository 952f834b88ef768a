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
        _c(
            "tracked",
            "按台件管理",
            False,
            "序列号管理",
            note="yes for equipment tracked by unit (serial numbers, maintenance): received with supplies unit receive",
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
    # One row per contract line; the rows with one code are one contract (协议储备).
    "contracts": (
        _c("code", "合同编号", True, "协议编号", "编号", note="rows with the same code are the lines of one contract"),
        _c("company", "企业名称", True, "协议企业", "企业"),
        _c("credit_code", "统一社会信用代码", False, "信用代码", note="checked against GB 32100-2015"),
        _c("contact", "联系人", note="a phone number in it is exported masked"),
        _c("point", "储备点", True, "储备点编码", note="an agreement warehouse or a factory"),
        _c("item", "物资编码", True, "物资"),
        _c("quantity", "协议数量", True, "数量", "qty"),
        _c("unit_price", "单价(元)", False, "单价"),
        _c("valid_from", "有效期起", True, "起始日期", note="YYYY-MM-DD"),
        _c("valid_to", "有效期止", True, "截止日期", note="YYYY-MM-DD; a contract that has ended is not signed"),
        _c("lead_time_hours", "供货时间(小时)", True, "供货时间", "lead_time"),
        _c("mode", "储备方式", False, "储备模式", note="agreement or capacity"),
    ),
    "donors": (
        _c("code", "捐赠人编码", True, "编码", "代码"),
        _c("name", "捐赠人", True, "捐赠人名称", "名称"),
        _c("kind", "类型", False, "捐赠人类型", note="person, company or organisation"),
        _c("anonymous", "匿名", False, "是否匿名", note="yes or no (是/否): shown as 匿名 in public"),
        _c("contact", "联系方式", False, "联系人", note="imported, never exported (personal data)"),
    ),
    # One row per receipt (捐赠接收).
    "donations": (
        _c("donor", "捐赠人编码", True, "捐赠人", note="code of the donor"),
        _c("point", "储备点", True, "储备点编码"),
        _c("item", "物资编码", True, "物资"),
        _c("qty", "数量", True, "quantity"),
        _c("batch", "批次", False, "批次号", "lot"),
        _c("expires_on", "有效期至", False, "有效期", "失效日期", note="YYYY-MM-DD"),
        _c("certificate", "捐赠票据号", False, "票据号", note="a receipt already recorded is not received twice"),
        _c("triage", "分拣", False, "分类处置", note="urgent, later or unusable"),
        _c("reason", "说明", False, "备注", note="required when unusable"),
        _c(
            "restriction",
            "定向",
            False,
            "定向捐赠",
            note="incident:ID, region:CODE or purpose:TYPE (flood, earthquake ...); empty: none",
        ),
    ),
    # One row per requisition line; the rows with one id are one requisition order (征用).
    "requisitions": (
        _c("id", "征用单号", False, "编号", note="rows with the same id are one requisition; a new one gets its own"),
        _c("authority", "征用机关", True, "决定机关"),
        _c("basis", "法律依据", True, "依据"),
        _c("owner", "被征用人", True, "所有人"),
        _c("owner_kind", "被征用人类型", False, "所有人类型", note="person or company"),
        _c(
            "owner_id",
            "身份证号/信用代码",
            False,
            "证件号码",
            "身份证号",
            "统一社会信用代码",
            note="a person's ID number (kept and exported masked only) or a company's credit code",
        ),
        _c("point", "储备点", True, "储备点编码"),
        _c("item", "物资编码", True, "物资"),
        _c("qty", "数量", True, "quantity"),
        _c("unit_value", "评估单价(元)", True, "评估价值", "value"),
        _c("daily_rate", "日租金(元)", False, "日租金", note="for equipment paid by the day"),
        _c("started_at", "征用时间", False, "开始时间", "started", note="YYYY-MM-DD HH:MM (UTC); empty: now"),
        _c("status", "状态", False, note="exported; an import records open requisitions only"),
        _c("compensation_status", "补偿状态", False, note="exported; leave empty in an import"),
        _c("compensation_total", "补偿金额(元)", False, "补偿金额", note="exported; leave empty in an import"),
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
        # a donor's kind
        "person": ("个人",),
        "company": ("企业", "公司", "单位"),
        "organisation": ("社会组织", "组织", "机构"),
    },
    "owner_kind": {"person": ("个人",), "company": ("企业", "公司", "单位")},
    "triage": {"urgent": ("急用",), "later": ("暂存", "缓用"), "unusable": ("不可用", "无法使用")},
    "status": {"active": ("启用", "在用", "正常"), "closed": ("停用", "关闭")},
    "mode": {
        "physical": ("实物储备", "实物", "政府储备"),
        "agreement": ("协议储备", "协议", "代储", "商业储备"),
        "capacity": ("产能储备", "产能", "生产能力储备"),
        "donation": ("社会捐赠", "捐赠"),
        "repair": ("待修", "维修"),
        "requisition": ("征用", "应急征用"),
    },
    # a unit of equipment's condition (supplies.services.equipment)
    "unit_status": {
        "serviceable": ("完好",),
        "needs_maintenance": ("待保养",),
        "under_repair": ("维修中",),
        "out_of_service": ("停用",),
    },
}

# Closed values whose labels depend on the kind (a requisition's status is no storage point's).
KIND_VALUE_LABELS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "requisitions": {
        "status": {"open": ("未结",), "closed": ("已结",)},
        "compensation_status": {"assessed": ("已核定",), "approved": ("已批准",), "paid": ("已支付",)},
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


def label(column: str, value: str | None, lang: str, kind: str | None = None) -> str | None:
    """How an export writes a stored value: the first Chinese label when ``lang`` is zh."""
    if value is None or lang != "zh":
        return value
    vocab = KIND_VALUE_LABELS.get(kind or "", {}).get(column) or VALUE_LABELS.get(column, {})
    labels = vocab.get(value)
    return labels[0] if labels else value


def kind_value(kind: str, column: str, text: str) -> str:
    """The stored value of a kind's own closed vocabulary (a requisition's status) from English or Chinese."""
    vocab = KIND_VALUE_LABELS.get(kind, {}).get(column, {})
    for value, labels in vocab.items():
        if text == value or text in labels or text.lower() == value:
            return value
    return text


def _has_cjk(cells: list[str]) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for cell in cells for ch in cell)
