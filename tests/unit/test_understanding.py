import pytest

from intents import Intent


@pytest.mark.parametrize(
    ("text", "county"),
    [
        ("我是榆次的，发现平遥有个厂仿我的专利", "140728"),
        ("我住太原，灵石县有家工厂在卖仿我专利的产品", "140729"),
        ("张兰镇一家店卖假冒专利的锅", "140781"),
        ("在介休北关街道看到侵权产品", "140781"),
        ("明星镇那边有个厂抄袭我的设计", "140703"),
        ("太谷县有人仿冒我的实用新型", "140703"),
        ("晋中开发区一家企业侵犯我们专利", "140702"),
        ("someone copied our patent at a shop in Pingyao", "140728"),
        ("a factory in qixian copies our product", "140727"),
        ("青家寨村的农资店卖仿我专利的播种机", "140723"),
        ("齐县有家厂仿我专利", "140727"),
    ],
)
def test_the_county_is_where_the_respondent_or_the_act_is(understander, text, county):
    assert understander.understand(text).entities.county_code == county


@pytest.mark.parametrize(
    "text",
    [
        "北关街道有人卖仿冒我专利的产品",
        "城区一家店标的专利号是假的",
        "平遥牛肉的包装上印了假专利号",
        "张平遥仿冒我的专利",
        "我是平遥的，有人仿冒我的专利",
        "地理标志被乱用，北京卖的根本不是平遥产的",
    ],
)
def test_ambiguous_names_products_people_and_homes_route_nowhere(understander, text):
    assert understander.understand(text).entities.county_code is None


@pytest.mark.parametrize(
    "text", ["义乌有个网店卖仿我专利的产品", "浙江东阳一家厂抄了我的外观设计", "临汾古县有个厂仿我的专利"]
)
def test_places_outside_jinzhong_are_marked_out_of_area(understander, text):
    entities = understander.understand(text).entities
    assert entities.out_of_area is True and entities.county_code is None


def test_a_jinzhong_place_of_the_act_wins_over_an_outside_home(understander):
    entities = understander.understand("我是太原的，灵石有个厂仿我专利").entities
    assert (entities.county_code, entities.out_of_area) == ("140729", False)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("有人抄袭我的专利，我要投诉", Intent.REPORT_INFRINGEMENT),
        ("这个产品标着专利号，其实根本没有专利", Intent.REPORT_COUNTERFEIT),
        ("有人卖假名牌运动鞋", Intent.REPORT_OTHER_IP),
        ("ZL201710601862.3 还有效吗", Intent.PATENT_STATUS),
        ("我上周投诉的怎么样了", Intent.CASE_STATUS),
        ("什么叫假冒专利", Intent.LEGAL_FAQ),
        ("我们企业想申请维权援助", Intent.REQUEST_ASSISTANCE),
        ("转人工", Intent.HUMAN_AGENT),
        ("你好", Intent.GREETING),
        ("算了不投诉了", Intent.CANCEL),
        ("明天天气怎么样", Intent.OUT_OF_SCOPE),
        ("Someone is selling copies of our patented product at the expo", Intent.REPORT_INFRINGEMENT),
    ],
)
def test_each_intent_is_recognised_from_a_typical_message(understander, text, intent):
    assert understander.understand(text).intent is intent


def test_common_typos_are_understood(understander):
    assert understander.understand("有人侵全我的专力 我要投拆").intent is Intent.REPORT_INFRINGEMENT


def test_a_message_with_no_signal_is_weak_so_the_bot_asks(understander):
    result = understander.understand("嗯嗯")
    assert result.weak and result.intent is Intent.OUT_OF_SCOPE


def test_a_greeting_in_front_of_a_complaint_is_a_complaint(understander):
    assert understander.understand("你好，有人仿冒我的专利").intent is Intent.REPORT_INFRINGEMENT


def test_phones_sectors_channels_and_language_are_extracted(understander):
    text = "淘宝上有人卖仿我专利的空气净化器，电话 0354-3012345 或 138 1234 5678"
    e = understander.understand(text).entities
    assert e.phones == ("0354-3012345", "13812345678")
    assert "environment" in e.sectors and "ecommerce" in e.channels
    assert e.language == "zh"


def test_english_messages_are_marked_english(understander):
    assert understander.understand("Our patent was copied at the fair").entities.language == "en"


def test_a_chinese_message_with_a_zl_number_stays_chinese(understander):
    assert understander.understand("ZL201710601862.3 有效吗").entities.language == "zh"


def test_the_json_form_uses_the_design_names(understander):
    data = understander.understand("平遥有人仿我专利ZL201710601862.3").to_dict()
    assert set(data) >= {"text", "intent", "confidence", "entities"}
    assert set(data["entities"]) == {
        "county_code", "county_name", "out_of_area", "patent_numbers", "phones",
        "sectors", "channels", "language",
    }
    assert data["entities"]["patent_numbers"][0] == {
        "raw": "ZL201710601862.3", "normalized": "201710601862.3", "number_type": "application",
        "kind": "invention", "valid": True,
    }
