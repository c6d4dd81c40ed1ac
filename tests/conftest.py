"""Shared fixtures. Model-loading fixtures are session-scoped; tests that use them are marked slow."""

from __future__ import annotations

from pathlib import Path

import pytest

from storylens.settings import Settings

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"reference seeds not found at {seeds} (they live in ../shared beside the repository)")
    return seeds


@pytest.fixture(scope="session")
def ecbplus_path() -> Path:
    path = SHARED / "bench" / "ecbplus.jsonl"
    if not path.is_file():
        pytest.skip(f"ECB+ corpus not found at {path} (it lives in ../shared beside the repository)")
    return path


@pytest.fixture(scope="session")
def nlp():
    from storylens.read import load_nlp

    return load_nlp(Settings())


@pytest.fixture(scope="session")
def encoder():
    from storylens.embed import load_encoder

    return load_encoder()


@pytest.fixture
def data_dir() -> Path:
    return DATA


class BagOfWordsEncoder:
    """A deterministic stand-in for the sentence encoder: hashed bag of lowercased words."""

    dimensions = 384

    def encode(self, texts):
        import re
        import zlib

        import numpy as np

        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                if len(word) > 2:
                    out[row, zlib.crc32(word.encode()) % self.dimensions] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out


@pytest.fixture
def fake_encoder() -> BagOfWordsEncoder:
    return BagOfWordsEncoder()


@pytest.fixture(scope="session")
def models():
    from storylens.pipeline import Models

    return Models.load(Settings())
