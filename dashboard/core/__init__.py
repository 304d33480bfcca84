"""The pure model: the record, the gazetteer, control over time, areas, and the features every output reads.

No Streamlit, Folium, branca, matplotlib or python-pptx here (``tests/test_style.py``).
"""

__all__ = ["areas", "changes", "control", "events", "features", "files", "geography", "labels", "model",
           "names", "palette", "paths", "places", "problems", "stats", "validation", "wording", "yamlfile"]
