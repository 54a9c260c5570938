"""Save and load models with a JSON manifest that guards their integrity.

The manifest (``<model file>.json``) records the model file's sha256, its fields and labels,
the ANNOTATION.md version, the training data's sha256 and counts, library versions, the git
commit, creation time and scores. Loading checks the sha256 *before* unpickling, and refuses a
model saved with another scikit-learn version. The sha256 guards integrity (a truncated,
corrupted or swapped file), not trust: whoever ships a model can ship a matching manifest.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import subprocess
import warnings
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from ._atomic import atomic_write
from ._errors import ModelError

FORMAT_VERSION = 1
DEFAULT_MODEL_PATH = Path("models") / "stance.joblib"
MODEL_ENV = "STANCE_MODEL"
#: Module prefixes whose types a ``.skops`` file may contain.
TRUSTED_SKOPS_PREFIXES = ("sklearn.", "stance.", "numpy.", "scipy.sparse.")
_LIBRARIES = ("stance", "scikit-learn", "numpy", "scipy", "joblib")


def manifest_path(model_path: str | Path) -> Path:
    """Where the manifest of ``model_path`` lives: the same name plus ``.json``."""
    path = Path(model_path)
    return path.with_name(path.name + ".json")


def resolve_model_path(path: str | Path | None = None) -> Path:
    """``path`` if given, else ``$STANCE_MODEL``, else ``models/stance.joblib``."""
    if path is not None:
        return Path(path)
    if os.environ.get(MODEL_ENV):
        return Path(os.environ[MODEL_ENV])
    return DEFAULT_MODEL_PATH


def sha256_file(path: str | Path) -> str:
    """The hex sha256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """Versions of Python and the libraries a saved model depends on."""
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[name] = metadata.version(name)
    return versions


def git_commit(cwd: str | Path | None = None) -> str | None:
    """The commit of the working tree, or ``None`` outside a git checkout."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if hasattr(value, "tolist"):
        return value.tolist()
    return repr(value)


class _HashingWriter:
    """A binary file wrapper that hashes what is written through it."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.sha256 = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()

    def tell(self) -> int:
        return int(self.handle.tell())


def build_manifest(model: Any, **extra: Any) -> dict[str, Any]:
    """The manifest of a fitted model, without the file hash (added on save)."""
    fields = list(model.fields_)
    manifest: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "estimator": f"{type(model).__module__.split('.')[0]}.{type(model).__name__}",
        "fields": fields,
        "given": list(model.given),
        "labels": {name: [str(c) for c in classes] for name, classes in zip(fields, model.classes_, strict=True)},
        "params": _json_safe(model.get_params(deep=False)),
        "versions": library_versions(),
        "git_commit": git_commit(Path(__file__).parent),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    manifest.update(_json_safe(extra))
    return manifest


def save_model(
    model: Any, path: str | Path, *, manifest: dict[str, Any] | None = None, save_as: str | None = None
) -> Path:
    """Write ``model`` and its manifest atomically; return the manifest path.

    Parameters
    ----------
    model : StanceModel
        A fitted model.
    path : str or Path
        The model file; ``.skops`` (or ``save_as='skops'``) writes skops format, else joblib.
    manifest : dict, optional
        Extra manifest entries (training data, scores, ...).
    save_as : {'joblib', 'skops'}, optional
        Format; inferred from the extension when omitted.

    Notes
    -----
    Both files are written to temporary files in the same folder and renamed into place, so
    a failure or an interrupt leaves the previous model and manifest untouched.
    """
    path = Path(path)
    fmt = save_as or ("skops" if path.suffix == ".skops" else "joblib")
    content = build_manifest(model, **(manifest or {}))
    content["format"] = fmt
    target = manifest_path(path)
    # Both files go to temporary files first; only then are both renamed into place, so an
    # error or an interrupt while writing leaves the previous model and manifest as they were.
    with atomic_write(path, "wb") as model_handle:
        writer = _HashingWriter(model_handle)
        if fmt == "skops":
            import skops.io

            writer.write(skops.io.dumps(model))
        else:
            import joblib

            # Uncompressed: 25% larger on disk but loads twice as fast, which is most of start-up.
            joblib.dump(model, writer)
        content["model_file"] = path.name
        content["model_sha256"] = writer.sha256.hexdigest()
        with atomic_write(target) as manifest_handle:
            json.dump(content, manifest_handle, indent=2, ensure_ascii=False)
            manifest_handle.write("\n")
            # Leaving this block renames the manifest, then the model; a failure before that
            # removes both temporary files.
    return target


def read_manifest(model_path: str | Path) -> dict[str, Any]:
    """The manifest beside ``model_path``."""
    path = manifest_path(model_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"{path}: no manifest beside the model (--trust-unverified loads it anyway)") from exc
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path}: unreadable manifest ({exc})") from exc
    if not isinstance(data, dict):
        raise ModelError(f"{path}: the manifest must be a JSON object")
    return data


def default_min_confidence(model_path: str | Path | None = None) -> float | None:
    """The abstain threshold measured for a model (``stance train --cv``), if its manifest has one.

    A threshold of 0 (abstaining never helped out of fold) and a model trained without
    cross-validation both give ``None``: no abstention.
    """
    try:
        manifest = read_manifest(resolve_model_path(model_path))
    except ModelError:
        return None
    value = manifest.get("calibration", {}).get("min_confidence")
    return float(value) if value else None


def _check_versions(manifest: dict[str, Any], path: Path) -> None:
    saved = manifest.get("versions", {}).get("scikit-learn")
    installed = library_versions().get("scikit-learn")
    if saved != installed:
        raise ModelError(
            f"{path}: saved with scikit-learn {saved}, but {installed} is installed; "
            "retrain it with `stance train` (or pass --allow-version-mismatch to load it anyway)"
        )


def _load_skops(path: Path) -> Any:
    import skops.io

    untrusted = skops.io.get_untrusted_types(file=path)
    refused = [name for name in untrusted if not name.startswith(TRUSTED_SKOPS_PREFIXES)]
    if refused:
        raise ModelError(f"{path}: refusing to load types that are not trusted: {', '.join(sorted(refused))}")
    return skops.io.load(path, trusted=untrusted)


def load_model(
    path: str | Path | None = None,
    *,
    trust_unverified: bool = False,
    allow_version_mismatch: bool = False,
) -> Any:
    """Load a model after checking it against its manifest.

    Parameters
    ----------
    path : str or Path, optional
        The model file; else ``$STANCE_MODEL``, else ``models/stance.joblib``.
    trust_unverified : bool
        Load even without a manifest or with a sha256 that does not match.
    allow_version_mismatch : bool
        Load a model saved with another scikit-learn version.

    Returns
    -------
    StanceModel

    Raises
    ------
    ModelError
        If the file is missing, unverified, from another scikit-learn, or does not load.
    """
    path = resolve_model_path(path)
    if not path.exists():
        raise ModelError(f"{path}: no model here; train one with `stance train` (or `make demo`)")
    if path.is_dir():
        raise ModelError(f"{path}: is a folder, expected a model file")
    manifest: dict[str, Any] | None = None
    try:
        manifest = read_manifest(path)
    except ModelError:
        if not trust_unverified:
            raise
    if manifest is not None and not trust_unverified:
        expected = manifest.get("model_sha256")
        actual = sha256_file(path)
        if expected != actual:
            raise ModelError(
                f"{path}: sha256 {actual[:12]}… does not match the manifest's {str(expected)[:12]}…; "
                "the file is damaged or was replaced (--trust-unverified loads it anyway)"
            )
    if manifest is not None and not allow_version_mismatch:
        _check_versions(manifest, path)
    from sklearn.exceptions import InconsistentVersionWarning

    with warnings.catch_warnings():
        if allow_version_mismatch:
            warnings.simplefilter("ignore", InconsistentVersionWarning)
        else:
            warnings.simplefilter("error", InconsistentVersionWarning)
        try:
            if path.suffix == ".skops" or (manifest or {}).get("format") == "skops":
                model = _load_skops(path)
            else:
                import joblib

                model = joblib.load(path)
        except InconsistentVersionWarning as exc:
            raise ModelError(
                f"{path}: saved with scikit-learn {exc.original_sklearn_version}, but "
                f"{exc.current_sklearn_version} is installed; retrain it with `stance train`"
            ) from exc
        except ModelError:
            raise
        except Exception as exc:  # a damaged pickle raises almost anything
            raise ModelError(f"{path}: cannot load the model ({type(exc).__name__}: {exc})") from exc
    if not hasattr(model, "predict"):
        raise ModelError(f"{path}: holds a {type(model).__name__}, not a model")
    return model
