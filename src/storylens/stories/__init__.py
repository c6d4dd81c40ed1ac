"""Stories: articles grouped by the event they report.

inputs.py     what clustering knows about an article (ClusterInput) and how it is computed
scoring.py    pair scoring (PairScorer, PairMatrix), shared by clustering and splitting
splits.py     splitting a story that mixes two events
clustering.py StoryClusterer: batch average link and one-at-a-time placement; stragglers
"""

from .clustering import StoryClusterer, cluster_articles
from .inputs import (TERMS_VERSION, ClusterInput, arrival_order, build_inputs, cluster_terms, cluster_text,
                     day_number, event_weekday, expand_names, key_terms)
from .scoring import PairMatrix, PairScorer
from .splits import best_split, split_story, weekdays_apart

__all__ = [
    "TERMS_VERSION", "ClusterInput", "PairMatrix", "PairScorer", "StoryClusterer", "arrival_order", "best_split",
    "build_inputs", "cluster_articles", "cluster_terms", "cluster_text", "day_number", "event_weekday",
    "expand_names", "key_terms", "split_story", "weekdays_apart",
]
