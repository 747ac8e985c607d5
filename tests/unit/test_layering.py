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


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_the_dialogue_is_pure_no_telegram_no_database_no_storage():
    forbidden = (
        "telegram",
        "sqlalchemy",
        "aiosqlite",
        "asyncpg",
        "alembic",
        "bot.leads",
        "bot.notify",
        "bot.channels",
        "bot.intake",
    )
    for path in (ROOT / "bot" / "dialogue").rglob("*.py"):
        for name in _imports(path):
            assert not name.startswith(forbidden), f"{path.name} imports {name}"


def test_only_the_telegram_channel_and_the_composition_root_import_telegram():
    for path in (ROOT / "bot").rglob("*.py"):
        if (
            path.parent.name == "channels" and path.name.startswith("telegram")
        ) or path.name == "composition.py":
            continue
        for name in _imports(path):
            assert name.split(".")[0] != "telegram", f"{path.relative_to(ROOT)} imports {name}"


def test_the_case_lifecycle_is_pure_no_telegram_no_database():
    for name in _imports(ROOT / "bot" / "casework" / "lifecycle.py") + _imports(
        ROOT / "bot" / "casework" / "inputs.py"
    ):
        assert not name.startswith(("telegram", "sqlalchemy", "bot.leads", "bot.notify")), name


def _module_graph() -> dict[str, set[str]]:
    """bot's modules and the bot modules each imports, type-checking-only and lazy imports included."""
    files = {".".join(p.relative_to(ROOT).with_suffix("").parts): p for p in (ROOT / "bot").rglob("*.py")}
    files = {name.removesuffix(".__init__"): path for name, path in files.items()}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets.add(full if full in files else node.module)
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
        graph[module] = {t for t in targets if t in files and t != module}
    return graph


def test_no_module_of_bot_imports_itself_round_a_cycle():
    graph = _module_graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target] if target in path else [module, target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []
