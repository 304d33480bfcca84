"""The pure model: the record, the gazetteer, control over time, areas, and the features every output reads.

No Streamlit, Folium, branca, matplotlib or python-pptx here (``tests/test_style.py``).
"""

__all__ = ["areas", "changes", "control", "events", "features", "files", "followers", "geography", "labels",
           "model", "months", "names", "palette", "paths", "places", "problems", "sourcing", "stats",
           "territory", "territory_cache", "validation", "wording", "yamlfile"]
