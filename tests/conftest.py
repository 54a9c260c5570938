"""Shared fixtures: a tiny labelled corpus, a model fitted on it, and the seed model (built once)."""

from __future__ import annotations

from pathlib import Path

import pytest

import stance

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def tiny_path() -> Path:
    return FIXTURES / "tiny.jsonl"


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory: pytest.TempPathFactory, tiny_path: Path) -> Path:
    out = tmp_path_factory.mktemp("tiny") / "tiny.joblib"
    stance.train([tiny_path], out)
    return out


@pytest.fixture(scope="session")
def tiny_model(tiny_model_path: Path) -> stance.StanceModel:
    return stance.load_model(tiny_model_path)


@pytest.fixture(scope="session")
def seed_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default model trained on seeds/, once per test run."""
    out = tmp_path_factory.mktemp("seed") / "stance.joblib"
    stance.train([ROOT / "seeds"], out)
    return out


@pytest.fixture(scope="session")
def seed_model(seed_model_path: Path) -> stance.StanceModel:
    return stance.load_model(seed_model_path)
