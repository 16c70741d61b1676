"""The one-way rule, checked in the source: lms/ builds on curriculum/, and nothing in curriculum/ (its Python, its
templates and the includes they render) knows lms/. Curriculum pages leave places (`{% page_part %}`) that lms fills
through hooks; their reads come from curriculum.selectors without an import cycle back to the page models."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CURRICULUM_TEMPLATES = [
    *sorted((ROOT / "templates/curriculum").rglob("*.html")),
    *sorted((ROOT / "templates/includes").glob("*.html")),
]
LMS_TAG_LIBRARIES = {path.stem for path in (ROOT / "lms").glob("*/templatetags/*.py") if path.stem != "__init__"}
TAG = re.compile(r"{%\s*(\w+)\s+(.*?)\s*%}")


def imported_modules(path: Path) -> list[tuple[str, ast.AST]]:
    """Every module `path` imports, with the statement that does."""
    tree = ast.parse(path.read_text(), filename=str(path))
    modules = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules += [(alias.name, node) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.append((node.module, node))
    return modules


@pytest.mark.parametrize(
    "path", sorted((ROOT / "curriculum").rglob("*.py")), ids=lambda path: str(path.relative_to(ROOT))
)
def test_curriculum_python_imports_nothing_from_lms(path):
    assert not [module for module, _node in imported_modules(path) if module.split(".")[0] == "lms"]


def test_the_lms_template_libraries_are_known():
    assert {"progress_tags"} <= LMS_TAG_LIBRARIES  # the scan below would pass vacuously without them


@pytest.mark.parametrize("path", CURRICULUM_TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_curriculum_templates_load_no_lms_tags_and_include_no_lms_template(path):
    for name, arguments in TAG.findall(path.read_text()):
        if name == "load":
            assert not set(arguments.split()) & LMS_TAG_LIBRARIES, arguments
        if name in {"include", "extends", "include_block"}:
            assert not re.match(r"""["']lms/""", arguments), arguments


def test_the_page_models_and_selectors_import_each_other_only_one_way():
    """The selectors read the page models; the models never import the selectors (no cycle), and no import hides
    inside a function to get round one."""
    for path in [*(ROOT / "curriculum/models").glob("*.py"), *(ROOT / "curriculum/selectors").glob("*.py")]:
        tree = ast.parse(path.read_text())
        functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
        hidden = [
            node.lineno
            for function in functions
            for node in ast.walk(function)
            if isinstance(node, ast.Import | ast.ImportFrom)
        ]
        assert not hidden, f"{path.relative_to(ROOT)} imports inside a function, lines {hidden}"
        if path.parent.name == "models":
            modules = [module for module, _node in imported_modules(path)]
            assert not [
                module for module in modules if module.startswith(("curriculum.selectors", "curriculum.page_context"))
            ]
