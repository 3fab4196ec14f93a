"""A meaning vector for short English texts, so headlines that say one thing in other words meet.

Two headlines share few words: "Mt. Gox files for US bankruptcy" and "Bitcoin exchange seeks
Chapter 15 protection" share none that TF-IDF can weigh. WordLlama (PyPI `wordllama`) ships
static token embeddings distilled from a large language model in a 19 MB wheel: numpy only at
run time, about 0.05 ms a headline, no download (the weights and tokenizer are in the wheel; its
loader is pointed at them and told never to fetch). English only: other languages get no vector.

Only short texts get one (fewer than SHORT_TEXT_TERMS distinct terms: headlines and briefs). A
full article has words enough, and on DUC 2002 a vector of its title and lead lowered BCubed F1
(bench/README.md); long texts also make up most of a big archive, which so costs nothing more.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

DIMENSIONS = 256
SHORT_TEXT_TERMS = 60  # also where cluster.py's short-text boost ends
FULL_WEIGHT_TERMS = 30  # texts this short take the whole `cluster.semantic` share; longer, less


@cache
def available() -> bool:
    """Whether wordllama is installed (a dependency, but a platform may lack its wheel): without
    it, texts carry no meaning vector and the build says so once."""
    from importlib.util import find_spec

    return find_spec("wordllama") is not None


@cache
def _model() -> Any:
    from pathlib import Path

    import wordllama

    # the wheel holds weights/ and tokenizers/; as a cache folder it makes the loader find both
    return wordllama.WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def embedding(text: str) -> bytes:
    """The unit-length meaning vector of `text` as float32 bytes; none (b"") for a text the
    model has no token for, whose vector would be 0 / 0."""
    with np.errstate(all="ignore"):
        vector = np.asarray(_model().embed([text], norm=True), dtype=np.float32).reshape(-1)
    if not np.isfinite(vector).all() or not vector.any():
        return b""
    return vector.tobytes()


def share(terms: np.ndarray, weight: float) -> np.ndarray:
    """How much of each short text's similarity its meaning vector gives: `weight` up to
    FULL_WEIGHT_TERMS distinct terms, falling as the text grows, nothing from SHORT_TEXT_TERMS."""
    result: np.ndarray = weight * np.clip(FULL_WEIGHT_TERMS / np.maximum(terms, 1.0), 0.0, 1.0)
    result[terms >= SHORT_TEXT_TERMS] = 0.0
    return result
