"""Language of articles that don't declare one: wires rarely say, and stemming, stop words and
sentence splitting all depend on it. py3langid (a maintained langid.py) is small and fast; its
model loads on first use only, so sites whose articles all declare `lang` never pay for it."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

MIN_CONFIDENCE = 0.9
MIN_WORDS = 8
_SAMPLE_CHARS = 300  # about 50 words: plenty for news prose; detection time grows with the sample


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, default: str) -> str:
    """The text's ISO 639-1 code when the classifier is confident, else `default`."""
    sample = text[:_SAMPLE_CHARS]
    if len(sample.split()) < MIN_WORDS:
        return default
    lang, confidence = _identifier().classify(sample)
    return str(lang) if confidence >= MIN_CONFIDENCE else default


def warm_up() -> None:
    """Load the language model ahead of the first new article (it takes ~0.4 s): `sitegen serve`
    calls this in the background so the first edit is not the slow one."""
    _identifier()
