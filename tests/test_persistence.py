"""Saving and loading: manifest, integrity checks before unpickling, atomic writes."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import joblib
import pytest

import stance
from stance import ModelError, load_model, read_manifest, save_model
from stance._persistence import manifest_path, sha256_file


def copy_model(src: Path, dst_dir: Path, name: str = "m.joblib") -> Path:
    dst = dst_dir / name
    dst.write_bytes(src.read_bytes())
    manifest_path(dst).write_text(manifest_path(src).read_text())
    return dst


def test_round_trip_gives_the_same_predictions(tiny_model, tmp_path: Path) -> None:
    path = tmp_path / "copy.joblib"
    save_model(tiny_model, path)
    again = load_model(path)
    texts = ["Moscow rejected the bid.", "Snow fell."]
    assert again.predict(texts).tolist() == tiny_model.predict(texts).tolist()


def test_the_manifest_describes_the_model(tiny_model_path: Path) -> None:
    manifest = read_manifest(tiny_model_path)
    assert manifest["fields"] == ["actor", "target", "stance"]
    assert manifest["labels"]["stance"] == ["against", "favor", "neutral", "none"]
    assert manifest["guide_version"] == "1.0"
    assert manifest["model_sha256"] == sha256_file(tiny_model_path)
    assert len(manifest["training_data"]["sha256"]) == 64
    assert manifest["training_data"]["n_records"] == 42
    assert {"python", "scikit-learn", "numpy", "joblib"} <= set(manifest["versions"])
    assert "created" in manifest
    assert "git_commit" in manifest


def test_a_missing_model_says_how_to_train_one(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no model here; train one with `stance train`"):
        load_model(tmp_path / "none.joblib")


def test_the_model_path_comes_from_the_environment(tiny_model_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("STANCE_MODEL", str(tiny_model_path))
    assert load_model().fields_ == ("actor", "target", "stance")


def test_a_truncated_model_is_refused(tiny_model_path: Path, tmp_path: Path) -> None:
    path = copy_model(tiny_model_path, tmp_path)
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(ModelError, match="does not match the manifest"):
        load_model(path)


def test_a_model_without_manifest_is_refused_unless_trusted(tiny_model_path: Path, tmp_path: Path) -> None:
    path = copy_model(tiny_model_path, tmp_path)
    manifest_path(path).unlink()
    with pytest.raises(ModelError, match="no manifest"):
        load_model(path)
    assert load_model(path, trust_unverified=True).fields_ == ("actor", "target", "stance")


class _Planted:
    """Unpickling this creates a marker file: stands for code hidden in a model file."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (Path(self.marker), "pwned"))


def test_a_planted_pickle_with_a_mismatching_manifest_runs_nothing(tiny_model_path: Path, tmp_path: Path) -> None:
    path = copy_model(tiny_model_path, tmp_path)
    marker = tmp_path / "marker"
    path.write_bytes(pickle.dumps(_Planted(str(marker))))
    with pytest.raises(ModelError, match="does not match"):
        load_model(path)
    assert not marker.exists()


def test_a_model_from_another_scikit_learn_is_refused(tiny_model_path: Path, tmp_path: Path) -> None:
    path = copy_model(tiny_model_path, tmp_path)
    manifest = json.loads(manifest_path(path).read_text())
    manifest["versions"]["scikit-learn"] = "0.24.2"
    manifest_path(path).write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match=r"saved with scikit-learn 0.24.2, but .* retrain it with `stance train`"):
        load_model(path)
    assert load_model(path, allow_version_mismatch=True) is not None


def test_skops_round_trip_and_untrusted_types_refused(tiny_model, tmp_path: Path) -> None:
    import skops.io

    path = tmp_path / "m.skops"
    save_model(tiny_model, path)
    assert load_model(path).predict(["Moscow rejected it."]).shape == (1, 3)
    bad = tmp_path / "bad.skops"
    bad.write_bytes(skops.io.dumps({"model": tiny_model, "extra": _Planted("x")}))
    save_model_manifest = json.loads(manifest_path(path).read_text())
    save_model_manifest["model_sha256"] = sha256_file(bad)
    manifest_path(bad).write_text(json.dumps(save_model_manifest))
    with pytest.raises(ModelError, match=r"not trusted: .*_Planted"):
        load_model(bad)


def test_a_failed_save_leaves_the_previous_model_and_no_partial_file(tiny_model, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "m.joblib"
    save_model(tiny_model, path)
    before = (path.read_bytes(), manifest_path(path).read_text())

    for error in (OSError("disk full"), KeyboardInterrupt()):

        def failing_dump(*args, error=error, **kwargs):
            raise error

        monkeypatch.setattr(joblib, "dump", failing_dump)
        with pytest.raises(type(error)):
            save_model(tiny_model, path)
        assert (path.read_bytes(), manifest_path(path).read_text()) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["m.joblib", "m.joblib.json"]


def test_train_python_api_returns_the_fitted_model(tiny_path: Path, tmp_path: Path) -> None:
    model = stance.train([tiny_path], None)
    assert model.predict(["x"]).shape == (1, 3)
    assert not any(tmp_path.iterdir())
