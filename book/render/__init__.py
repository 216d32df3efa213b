"""Renderers: one book model, many outputs (HTML, PDF, EPUB)."""
