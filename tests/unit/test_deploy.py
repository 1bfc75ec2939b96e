"""What a kommune's IT deploys is pinned and wired as the README says (issue 18.1, 18.3): the lock files cover
pyproject.toml's dependencies with hashes, every install path uses them, and the image and compose file have
the parts the operations section promises. (No container runtime here: the topology itself runs in
tests/e2e/test_cluster.py from Debian's packages.)"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def locked(name: str) -> dict[str, tuple[Version, int]]:
    """package -> (version, number of hashes) in a uv/pip-tools lock file (pure parsing)."""
    text = (ROOT / name).read_text(encoding="utf-8")
    out = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        m = re.match(r"([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s\\]+)", block)
        if m:
            out[canonicalize_name(m.group(1))] = (Version(m.group(2)), block.count("--hash=sha256:"))
    return out


@pytest.mark.parametrize(("lock", "groups"), [("requirements.lock", []), ("requirements-test.lock", ["test"])])
def test_every_dependency_is_locked_with_hashes_within_its_bounds(lock, groups):
    pins = locked(lock)
    wanted = [*PYPROJECT["project"]["dependencies"],
              *(d for g in groups for d in PYPROJECT["project"]["optional-dependencies"][g])]
    for spec in map(Requirement, wanted):
        name = canonicalize_name(spec.name)
        assert name in pins, f"{spec.name} is not in {lock}: run the upgrade command in README («Drift»)"
        assert spec.specifier.contains(pins[name][0], prereleases=True), f"{lock}: {name} {pins[name][0]} vs {spec}"
    assert all(hashes > 0 for _, hashes in pins.values()), f"{lock}: a package without --hash"


def test_the_streamlit_floor_has_what_the_login_uses():
    """The login's cookie script needs st.html(..., unsafe_allow_javascript=True), new in Streamlit 1.52."""
    spec = next(Requirement(d) for d in PYPROJECT["project"]["dependencies"] if d.startswith("streamlit"))
    assert "auth" in spec.extras
    floor = min(Version(s.version) for s in spec.specifier if s.operator == ">=")
    assert floor >= Version("1.52"), spec
    assert "unsafe_allow_javascript=True" in (ROOT / "dashboard" / "auth.py").read_text(encoding="utf-8")


@pytest.mark.parametrize(("path", "lock"), [("scripts/test.sh", "requirements-test.lock"),
                                            ("scripts/start.sh", "requirements.lock"),
                                            ("Dockerfile", "requirements.lock")])
def test_every_install_uses_the_lock(path, lock):
    text = (ROOT / path).read_text(encoding="utf-8")
    assert re.search(rf"pip install [^\n]*--require-hashes -r {re.escape(lock)}", text), path
    assert re.search(r"pip install [^\n]*--no-deps -e \.", text), path
    unlocked = [line for line in text.splitlines()
                if "pip install" in line and " -e " in line and "--no-deps" not in line]
    assert not unlocked, f"{path}: an install outside the lock: {unlocked}"
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_image():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1] not in {"root", "0"}, "the image runs as a user of its own"
    assert re.search(r"^HEALTHCHECK .*\n?.*_stcore/health", text, re.M)
    assert re.search(r'^CMD \["laget", "run"\]', text, re.M)


def test_the_compose_file():
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    for service in ("db", "migrate", "laget", "nginx"):
        assert re.search(rf"^  {service}:\n", text, re.M), service
    assert 'command: ["laget", "db", "upgrade"]' in text and "service_completed_successfully" in text
    assert re.search(r"replicas: 2", text) and 'LAGET_JOBS: "1"' in text
    assert "./deploy/nginx/laget.conf:" in text
    # the nginx service writes the replicas' file that the repository's file includes
    assert "include /etc/nginx/laget-replicas.conf;" in (ROOT / "deploy" / "nginx" / "laget.conf").read_text(
        encoding="utf-8")
    assert "replicas.sh" in text and "/etc/nginx/laget-replicas.conf" in text
