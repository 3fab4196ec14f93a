"""sitegen.same_fact on MSRP train: is this outlet's sentence the same fact as that one?

Stratified 10-fold cross-validation on the 4,076 training pairs (MSRP: sentence pairs from
different outlets' reports of one story, labelled by people). In each fold the logistic
regression is fitted on the other nine folds (on the pairs that the module's rules do not rule
out: contradicting figures or negation, coverage under MIN_COVERAGE) and its threshold picked
there (the logit at which it finds TARGET_RECALL of their same-fact pairs); both are then applied
to the held-out fold. The "chosen threshold" line is what that whole procedure, which made the
shipped constants, does on pairs it has not seen; the precision-recall points come from the
pooled held-out scores (ruled-out pairs last). Baselines: cosine on index terms as summarize
does it (story-local TF-IDF, here over the pair), and IDF-weighted two-way containment (the
smaller of the two directions) with IDF from the whole training split.

    python bench/same_fact_msrp.py            # CV figures, baselines, speed
    python bench/same_fact_msrp.py --fit      # + the coefficients and threshold to ship

Data: ../shared/data/msrp-train/ (research use only: never copied here). The test split is
kept apart by others and is not read here.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "msrp-train" / "msrp_train.jsonl"
sys.path.insert(0, str(REPO))

from sitegen import same_fact as sf  # noqa: E402
from sitegen.summarize import _term_ids, _vectors  # noqa: E402
from sitegen.terms import index_terms  # noqa: E402

FOLDS = 10
OLD_ALIGN_THRESHOLD = 0.35  # the story-local cosine summarize aligned sentences at before the same-fact decision
TARGET_RECALL = 0.55  # the threshold is picked here on the training folds: 0.50 is the floor to keep
RECALLS = (0.5, 0.6, 0.7)
L2 = 1.0  # ridge on the standardised features (scikit-learn's C=1)


def load() -> tuple[list[tuple[str, str]], np.ndarray]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["a"], r["b"]) for r in rows], np.array([int(r["label"]) for r in rows])


def folds(y: np.ndarray, k: int, seed: int) -> list[np.ndarray]:
    """Stratified folds: each label's indexes shuffled, dealt round-robin."""
    rng = np.random.default_rng(seed)
    assignment = np.empty(len(y), dtype=np.int64)
    for label in np.unique(y):
        idx = np.flatnonzero(y == label)
        rng.shuffle(idx)
        assignment[idx] = np.arange(len(idx)) % k
    return [np.flatnonzero(assignment == f) for f in range(k)]


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2) -> tuple[np.ndarray, float]:
    """L2-penalised logistic regression by Newton's method on standardised features; returns the
    coefficients and intercept on the raw features."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        grad = z.T @ (p - y) + penalty * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    coef = w[1:] / scale
    return coef, float(w[0] - coef @ mean)


def threshold_at_recall(scores: np.ndarray, y: np.ndarray, recall: float) -> float:
    """The highest threshold at which `scores > threshold` finds `recall` of the positives."""
    positives = np.sort(scores[y == 1])[::-1]
    k = max(int(math.ceil(recall * len(positives))), 1)
    return float(np.nextafter(positives[k - 1], -np.inf))


def precision_at_recall(scores: np.ndarray, y: np.ndarray, recall: float) -> float:
    """Precision of the smallest top-scored set that reaches `recall` (ties broken pessimistically)."""
    order = np.lexsort((y, -scores))  # among equal scores, negatives first
    tp = np.cumsum(y[order])
    i = int(np.searchsorted(tp, math.ceil(recall * y.sum())))
    return float(tp[i] / (i + 1))


def prf(pred: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    tp = float((pred & (y == 1)).sum())
    p = tp / max(pred.sum(), 1)
    r = tp / max((y == 1).sum(), 1)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def curve(scores: np.ndarray, y: np.ndarray) -> str:
    return "  ".join(f"P@R{r:.1f} {precision_at_recall(scores, y, r):.3f}" for r in RECALLS)


def model_features(pairs: Sequence[tuple[sf.Sentence, sf.Sentence]]) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([sf.features(a, b) for a, b in pairs])
    veto = np.array([sf.contradict(a, b) for a, b in pairs]) | (x[:, 0] < sf.MIN_COVERAGE)
    return x, veto


def cross_validate(x: np.ndarray, veto: np.ndarray, y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Held-out logits (-inf where figures conflict) and held-out decisions at each fold's threshold."""
    logits = np.empty(len(y))
    decided = np.zeros(len(y), dtype=bool)
    for held in folds(y, FOLDS, seed):
        train = np.setdiff1d(np.arange(len(y)), held)
        coef, intercept = fit_logistic(x[train][~veto[train]], y[train][~veto[train]])
        fitted = np.where(veto[train], -np.inf, x[train] @ coef + intercept)
        threshold = threshold_at_recall(fitted, y[train], TARGET_RECALL)
        logits[held] = np.where(veto[held], -np.inf, x[held] @ coef + intercept)
        decided[held] = logits[held] > threshold
    return logits, decided


def baseline_story_cosine(texts: Sequence[tuple[str, str]]) -> np.ndarray:
    """summarize's alignment score: TF-IDF cosine with IDF from the story's sentences (here the pair)."""
    out = np.empty(len(texts))
    for i, (a, b) in enumerate(texts):
        v = _vectors([_term_ids(a, "en"), _term_ids(b, "en")]).toarray()
        out[i] = float(v[0] @ v[1])
    return out


def baseline_containment(texts: Sequence[tuple[str, str]]) -> np.ndarray:
    """IDF-weighted containment, the smaller of the two directions; IDF over all training sentences."""
    bags = [(set(index_terms(a, "en")), set(index_terms(b, "en"))) for a, b in texts]
    df = Counter(t for pair in bags for bag in pair for t in bag)
    n = 2 * len(bags)

    def idf(t: str) -> float:
        return math.log((n + 1) / (df[t] + 1)) + 1

    def share(a: set[str], b: set[str]) -> float:
        total = sum(idf(t) for t in a)
        return sum(idf(t) for t in a & b) / total if total else 0.0

    return np.array([min(share(a, b), share(b, a)) for a, b in bags])


def wordfreq_rarity() -> Callable[[str, str], float] | None:
    """Rarity in the language, when the wordfreq package is installed (it is not a dependency)."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        return None
    return lambda word, lang: max(0.5, 7.0 - zipf_frequency(word, lang))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fit", action="store_true", help="print the coefficients and threshold to ship")
    parser.add_argument("--seeds", type=int, default=3, help="CV repeats with different fold splits")
    args = parser.parse_args()

    texts, y = load()
    print(f"MSRP train: {len(y)} pairs, {y.mean():.3f} same; {FOLDS}-fold stratified CV x {args.seeds} seeds")

    start = time.perf_counter()
    pairs = [(sf.sentence(a, "en"), sf.sentence(b, "en")) for a, b in texts]
    prepared = time.perf_counter()
    x, veto = model_features(pairs)

    print(
        f"\nsame_fact ({', '.join(sf.FEATURES)}); ruled out ({veto.mean():.1%} of pairs): contradicting figures "
        f"or negation, or coverage under {sf.MIN_COVERAGE}"
    )
    runs = [cross_validate(x, veto, y, seed) for seed in range(args.seeds)]
    for seed, (logits, decided) in enumerate(runs):
        p, r, f = prf(decided, y)
        print(f"  seed {seed}: chosen threshold P {p:.3f} R {r:.3f} F1 {f:.3f}   {curve(logits, y)}")
    mean = np.mean([[*prf(d, y), *(precision_at_recall(s, y, r) for r in RECALLS)] for s, d in runs], axis=0)
    print(
        f"  mean:   chosen threshold P {mean[0]:.3f} R {mean[1]:.3f} F1 {mean[2]:.3f}   "
        + "  ".join(f"P@R{r:.1f} {v:.3f}" for r, v in zip(RECALLS, mean[3:], strict=True))
    )
    no_veto = cross_validate(x, np.zeros(len(y), dtype=bool), y, 0)[0]
    print(f"  without the rules (seed 0):                           {curve(no_veto, y)}")
    shipped = np.array([sf.same_fact(a, b) for a, b in pairs])
    p, r, f = prf(shipped, y)
    print(f"  shipped constants on the pairs they were fitted on: P {p:.3f} R {r:.3f} F1 {f:.3f}")

    rarity = wordfreq_rarity()
    if rarity is not None:
        weighted = [(sf.sentence(a, "en", rarity), sf.sentence(b, "en", rarity)) for a, b in texts]
        wx, wveto = model_features(weighted)
        print(f"  with wordfreq rarity weights (seed 0):                {curve(cross_validate(wx, wveto, y, 0)[0], y)}")

    print("\nbaselines (threshold picked afterwards, on all pairs):")
    story = baseline_story_cosine(texts)
    p, r, f = prf(story >= OLD_ALIGN_THRESHOLD, y)
    print(f"  story-local TF-IDF cosine   {curve(story, y)}   at {OLD_ALIGN_THRESHOLD} (before): P {p:.3f} R {r:.3f}")
    print(f"  IDF two-way containment     {curve(baseline_containment(texts), y)}")
    print(f"  coverage feature alone      {curve(x[:, 0], y)}")

    n = len(pairs)
    t0 = time.perf_counter()
    for first, second in texts:
        sf.sentence(first, "en"), sf.sentence(second, "en")
    warm = time.perf_counter() - t0
    repeat = 5
    t0 = time.perf_counter()
    for _ in range(repeat):
        for a, b in pairs:
            sf.same_fact(a, b)
    decide = (time.perf_counter() - t0) / repeat
    print(
        f"\nspeed: sentence() {2 * n / (prepared - start):,.0f}/s cold (term caches empty), "
        f"{2 * n / warm:,.0f}/s warm; same_fact() on prepared sentences {n / decide:,.0f} pairs/s"
    )

    if args.fit:
        coef, intercept = fit_logistic(x[~veto], y[~veto])
        fitted = np.where(veto, -np.inf, x @ coef + intercept)
        threshold = threshold_at_recall(fitted, y, TARGET_RECALL)
        print("\nto ship (fitted on all of MSRP train):")
        print(f"COEFFICIENTS = ({', '.join(f'{c:.4f}' for c in coef)})")
        print(f"INTERCEPT = {intercept:.4f}")
        print(f"THRESHOLD = {threshold:.4f}")


if __name__ == "__main__":
    main()
