import csv
import importlib.util
from pathlib import Path

import pytest

from intents.understander import Understander

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_gazetteer.py"
spec = importlib.util.spec_from_file_location("build_gazetteer_for_roles", SCRIPT)
assert spec and spec.loader
build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build)


def county(understander: Understander, text: str) -> str | None:
    return understander.gazetteer.resolve(understander.tokens(text)).county_code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("我家在榆次，对方厂在平遥", "140728"),
        ("我住在榆次，被投诉人在介休", "140781"),
        ("我在平遥开店 对方在介休开店 卖仿我专利的电炉", "140781"),
        ("我们公司在祁县，侵权的厂子在灵石", "140729"),
        ("我是太谷人，对方的店在寿阳", "140725"),
        ("我要投诉平遥一家厂，我是榆次的", "140728"),
    ],
)
def test_the_respondents_place_outweighs_the_complainants_home(understander, text, code):
    assert county(understander, text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("我在平遥的集市上看到有人卖仿冒我专利的锅", "140728"),
        ("我们在乔家大院门口的店里看见有人卖仿我外观设计的台灯", "140727"),
        ("有个人在和顺县城赶集的时候卖我专利的磨面机", "140723"),
    ],
)
def test_where_the_complainant_saw_the_act_is_the_place_of_the_act(understander, text, code):
    assert county(understander, text) == code


@pytest.mark.parametrize(
    "text",
    [
        "我在榆次，有人仿冒我的专利",
        "我们公司在平遥，专利被人仿了",
        "我厂在介休 侵权的在外省",
    ],
)
def test_the_complainants_own_place_alone_routes_nowhere(understander, text):
    assert county(understander, text) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("我叫王平遥，介休有家厂仿我专利", "140781"),
        ("我叫张兰，平遥有人仿冒我的专利", "140728"),
        ("联系人：张榆社，灵石有个厂仿我专利", "140729"),
        ("王平遥先生说祁县有人卖假冒专利的醋", "140727"),
    ],
)
def test_a_name_in_a_name_context_is_not_a_place(understander, text, code):
    assert county(understander, text) == code


@pytest.mark.parametrize("text", ["我叫王平遥，有人仿冒我的专利", "联系人张兰女士", "我的名字是李榆社"])
def test_a_name_alone_gives_no_county(understander, text):
    assert county(understander, text) is None


def test_a_shop_name_is_still_a_place(understander):
    assert county(understander, "拼多多有人卖我专利的东西 店名叫平遥老王农具") == "140728"


@pytest.mark.parametrize(
    "text",
    ["包装上写着产地平遥，其实是河南加工的", "对方在孝义 离介休挺近的"],
)
def test_a_place_on_a_label_or_named_for_distance_is_no_ones_place(understander, text):
    assert county(understander, text) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("山西农业大学门口有人卖仿我专利的农具", "140703"),
        ("山西大学城有家打印店卖假冒专利的台灯", "140702"),
        ("王家大院门口有人卖仿冒我外观设计的剪纸", "140729"),
        ("常家庄园里的商店卖仿我专利的茶具", "140702"),
        ("云竹湖边的农家乐卖仿我专利的鱼竿", "140721"),
        ("山西示范区晋中开发区一家企业侵犯我们专利", "140702"),
        ("麻田八路军总部旧址旁边有人卖仿冒的纪念品", "140722"),
        ("大学城快递站旁边的小摊在卖仿我们专利的收纳盒", "140702"),
        ("被农大东门那家店复刻了我的专利", "140703"),
        ("shop in Dazhai village sell copy of my patent thermos", "140724"),
    ],
)
def test_landmarks_name_their_county(understander, text, code):
    assert county(understander, text) == code


def test_every_landmark_row_has_a_source():
    rows = list(csv.DictReader((ROOT / "intents" / "data" / "gazetteer.csv").open(encoding="utf-8")))
    landmarks = [r for r in rows if r["kind"] == "landmark"]
    assert len(landmarks) >= 30
    assert all(r["source"].strip() for r in rows)


def test_a_landmark_placed_in_a_town_of_another_county_stops_the_build():
    units = {"静升镇": {"140729"}}
    good = {"name": "王家大院", "county_code": "140729", "nbs_place": "静升镇", "source": "s"}
    assert build.landmark_rows([good], units) == [("王家大院", "140729", "landmark", "s")]
    with pytest.raises(SystemExit, match="not in county"):
        build.landmark_rows([{**good, "county_code": "140727"}], units)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("fake Pingyao beef in market in Yuci, not from Pingyao beef factory", "140702"),
        ("I sell Pingyao beef online", None),
    ],
)
def test_a_product_named_after_a_place_in_english_is_not_that_place(understander, text, code):
    assert county(understander, text) == code
