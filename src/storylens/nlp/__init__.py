"""Per-article analysis rules: attribution, figures, time, framing, actors."""
