"""Language of articles that don't declare one: wires rarely say, and stemming, stop words and
sentence splitting all depend on it. py3langid (a maintained langid.py) is small and fast; its
model loads on first use only, so sites whose articles all declare `lang` never pay for it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

MIN_CONFIDENCE = 0.9
MIN_WORDS = 8
_SAMPLE_CHARS = 300  # about 50 words: plenty for news prose; detection time grows with the sample


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


# what the classifier said of each sample seen, by a hash of the sample ("" when it was not
# sure): filled from the parse cache, so a warm build that parses an edited article whose
# opening is unchanged never loads the model (which costs ~0.5 s, more than the rest of the edit)
_decided: dict[bytes, str] = {}


def _sample(text: str) -> tuple[str, bytes] | None:
    sample = text[:_SAMPLE_CHARS]
    if len(sample.split()) < MIN_WORDS:
        return None
    return sample, hashlib.blake2b(sample.encode(), digest_size=12).digest()


def detect_language(text: str, default: str) -> str:
    """The text's ISO 639-1 code when the classifier is confident, else `default`."""
    found = _sample(text)
    if found is None:
        return default
    sample, key = found
    decided = _decided.get(key)
    if decided is None:
        lang, confidence = _identifier().classify(sample)
        decided = _decided[key] = str(lang) if confidence >= MIN_CONFIDENCE else ""
    return decided or default


def decision(text: str) -> tuple[bytes, str] | None:
    """What `detect_language` decided for this text, to be cached with the article."""
    found = _sample(text)
    if found is None or found[1] not in _decided:
        return None
    return found[1], _decided[found[1]]


def remember(decisions: Iterable[tuple[bytes, str]]) -> None:
    """Decisions cached by earlier builds (see `decision`)."""
    _decided.update(decisions)


def warm_up() -> None:
    """Load the language model ahead of the first new article (it takes ~0.4 s): `sitegen serve`
    calls this in the background so the first edit is not the slow one."""
    _identifier()
