"""Each flow's fields, in the order they are asked. This table is the form; the machine is generic."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.config import COUNTY_CODES
from bot.dialogue import fields as f
from bot.dialogue.fields import Field
from bot.dialogue.states import FlowKind
from intents.labels import Intent

COUNTY_CHOICES = (*COUNTY_CODES, "outside", "unknown")

_contact = Field(
    "contact",
    choices=("anonymous", "confidential"),
    free_text=False,
    extract=f.keyword_choice(
        (
            ("anonymous", r"匿名|不留(?:名|姓名|电话|联系方式)|不愿透露|不想留|anonymous"),
            (
                "confidential",
                r"留(?:下|个)?(?:联系方式|电话|手机|号码)|保密|联系我|可以联系|"
                r"contact me|leave (?:my )?contact|"
                r"我叫|我姓|(?<!\d)1[3-9]\d{9}(?!\d)",  # a name or a mobile given: not anonymous
            ),
        )
    ),
)
_name = Field(
    "name",
    extract=f.extract_name,
    reply=f.answer_name,
    validate=f.validate_name,
    applies=f.confidential,
    short=True,
)
_phone = Field("phone", extract=f.extract_phone, validate=f.validate_phone, applies=f.confidential)
_evidence = Field("evidence", required=False, free_text=False, files=True, skip_value=[])
_description = Field("description", required=False, ask=False, extract=f.first_message)
_respondent = Field(
    "respondent",
    extract=f.extract_organisation,
    reply=f.answer_respondent,
    validate=f.validate_respondent,
    unknown=True,
    short=True,
)
_product = Field("product", extract=f.extract_product, validate=f.validate_product, unknown=True, short=True)
_found_at = Field("found_at", required=False, extract=f.extract_when, validate=f.validate_when, short=True)
_fair = Field(
    "fair",
    required=False,
    extract=f.extract_fair,
    validate=f.validate_short_text,
    applies=f.has_channel("exhibition"),
    short=True,
)
_shop = Field(
    "shop",
    required=False,
    extract=f.extract_shop,
    reply=f.answer_shop,
    validate=f.validate_short_text,
    applies=f.has_channel("ecommerce"),
)

FLOWS: dict[FlowKind, tuple[Field, ...]] = {
    FlowKind.INFRINGEMENT: (
        _description,
        _respondent,
        Field(
            "county",
            choices=COUNTY_CHOICES,
            free_text=False,
            extract=f.extract_county,
            reply=f.answer_county,
            unknown=True,
        ),
        _product,
        Field(
            "patents",
            extract=f.extract_patents,
            validate=f.validate_patents,
            free_text=False,
            skip_value=[],
            unknown=True,
        ),
        Field(
            "standing",
            choices=("patentee", "licensee", "interested"),
            free_text=False,
            extract=f.extract_standing,
        ),
        Field("name", extract=f.extract_name, reply=f.answer_name, validate=f.validate_name, short=True),
        Field("phone", extract=f.extract_phone, validate=f.validate_phone),
        _found_at,
        _fair,
        _shop,
        _evidence,
    ),
    FlowKind.COUNTERFEIT: (
        _description,
        _product,
        _respondent,
        Field(
            "county",
            choices=COUNTY_CHOICES,
            free_text=False,
            extract=f.extract_county,
            reply=f.answer_county,
            unknown=True,
        ),
        Field("claim", extract=f.extract_claim, reply=f.answer_claim, unknown=True),
        _shop,
        _evidence,
        _contact,
        _name,
        _phone,
    ),
    FlowKind.OTHER_IP: (
        Field(
            "ip_kind",
            choices=("trademark", "copyright", "fake_goods", "trade_secret", "other"),
            free_text=False,
            extract=f.keyword_choice(
                (
                    ("trademark", r"商标|牌子|品牌|logo|trademark|brand"),
                    ("copyright", r"版权|著作权|盗版|抄袭|copyright|pirat"),
                    ("trade_secret", r"商业秘密|技术秘密|trade secret"),
                    ("fake_goods", r"假冒伪劣|假货|伪劣|山寨|以次充好|fake|counterfeit goods"),
                )
            ),
        ),
        Field("description", extract=f.first_message),
        Field(
            "county",
            required=False,
            choices=COUNTY_CHOICES,
            free_text=False,
            extract=f.extract_county,
            reply=f.answer_county,
            unknown=True,
        ),
        _contact,
        _name,
        _phone,
    ),
    FlowKind.ASSISTANCE: (
        Field(
            "need",
            choices=("aid", "expert", "mediation", "training", "overseas", "other"),
            free_text=False,
            extract=f.keyword_choice(
                (
                    ("overseas", r"海外|国外|境外|涉外|abroad|overseas"),
                    ("expert", r"专家|鉴定|咨询意见|expert"),
                    ("mediation", r"调解|和解|mediat"),
                    ("training", r"培训|讲座|training"),
                    ("aid", r"援助|维权|帮助|帮忙|assist|help"),
                )
            ),
        ),
        _description,
        Field("organisation", extract=f.extract_organisation, validate=f.validate_respondent, short=True),
        Field("name", extract=f.extract_name, reply=f.answer_name, validate=f.validate_name, short=True),
        Field("phone", extract=f.extract_phone, validate=f.validate_phone),
    ),
}

FLOW_OF_INTENT = {
    Intent.REPORT_INFRINGEMENT: FlowKind.INFRINGEMENT,
    Intent.REPORT_COUNTERFEIT: FlowKind.COUNTERFEIT,
    Intent.REPORT_OTHER_IP: FlowKind.OTHER_IP,
    Intent.REQUEST_ASSISTANCE: FlowKind.ASSISTANCE,
}


def field_of(flow: FlowKind, name: str) -> Field | None:
    return next((fd for fd in FLOWS[flow] if fd.name == name), None)


def applicable(flow: FlowKind, values: Mapping[str, Any], channels: tuple[str, ...]) -> list[Field]:
    return [fd for fd in FLOWS[flow] if fd.applies(values, channels)]
