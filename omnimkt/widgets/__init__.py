"""ipywidgets explorers over the models, one module per family (no model logic here)."""
