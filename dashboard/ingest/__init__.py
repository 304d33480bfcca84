"""From an article to reviewed events: reading, places, dates, cues, candidates, merge into events.yaml."""

__all__ = ["candidates", "dates", "merge", "reading"]
