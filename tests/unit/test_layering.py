"""intents/ and knowledge/ are pure libraries: no telegram, no sqlalchemy, no bot."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"telegram", "sqlalchemy", "bot", "aiosqlite", "asyncpg", "alembic"}


@pytest.mark.parametrize("package", ["intents", "knowledge"])
def test_pure_libraries_import_nothing_from_the_outer_layers(package):
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_importing_the_libraries_does_not_load_jieba():
    import subprocess
    import sys

    code = "import intents, intents.understander, knowledge.faq, bot.cli, sys; print('jieba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"
