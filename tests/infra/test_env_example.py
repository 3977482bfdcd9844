""".env.example documents every variable the platform reads, each with a comment."""

from __future__ import annotations

import re

from infra.devstack.processes import REPO_ROOT
from infra.devstack.run import PORT_ENV
from infra.nginx.render import DEFAULTS as NGINX_DEFAULTS

READ = re.compile(
    r"""(?:env_(?:str|int|float|bool|list)|os\.environ\.get|os\.getenv|_int)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
)
DOCUMENTED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.M)
EXAMPLE = REPO_ROOT / ".env.example"


def variables_read_by_code() -> set[str]:
    names: set[str] = set()
    for root in ("services", "infra"):
        for path in (REPO_ROOT / root).rglob("*.py"):
            names |= set(READ.findall(path.read_text()))
    names |= set(PORT_ENV.values()) | set(NGINX_DEFAULTS)
    names |= {f"GATEWAY_{svc.upper()}_URL" for svc in ("auth", "content", "quiz")}
    # Read to extend, never configured: not platform settings.
    return names - {"PATH", "HOSTNAME"}


def test_every_variable_read_by_the_code_is_documented() -> None:
    documented = set(DOCUMENTED.findall(EXAMPLE.read_text()))
    missing = variables_read_by_code() - documented
    assert not missing, f"add to .env.example (and docs/operations.md): {sorted(missing)}"


def test_every_variable_has_a_comment_above_it() -> None:
    lines = EXAMPLE.read_text().splitlines()
    for index, line in enumerate(lines):
        if DOCUMENTED.match(line):
            # Variables may share one comment: walk up past the group to its comment.
            above = index - 1
            while above >= 0 and DOCUMENTED.match(lines[above]):
                above -= 1
            assert lines[above].startswith("# ") and len(lines[above]) > 4, line


def test_secrets_are_placeholders_not_real_values() -> None:
    text = EXAMPLE.read_text()
    for name in ("POSTGRES_PASSWORD", "AUTH_SECRET_KEY", "QUIZ_CLIENT_SECRET"):
        assert f"{name}=change-me" in text


def test_readme_configuration_table_lists_every_variable() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    table = readme[readme.index("## Configuration") : readme.index("## Troubleshooting")]
    in_table = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", table, re.M))
    documented = set(DOCUMENTED.findall(EXAMPLE.read_text()))
    assert documented - in_table == set(), "add these to the README's configuration table"
    assert in_table - documented == set(), "these README rows are not in .env.example"
