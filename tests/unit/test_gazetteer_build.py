import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_gazetteer.py"
spec = importlib.util.spec_from_file_location("build_gazetteer", SCRIPT)
assert spec and spec.loader
build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build)


def test_village_committee_names_become_the_names_people_use():
    assert build.village_name("鸣谦村委会") == "鸣谦村"
    assert build.village_name("青家寨村村委会") == "青家寨村"
    assert build.village_name("羊毫街社区居民委员会") == "羊毫街社区"


def test_generic_township_short_forms_are_left_out():
    assert build.town_short("张兰镇") == "张兰"
    assert build.town_short("城关乡") is None
    assert build.town_short("古城街道") is None
