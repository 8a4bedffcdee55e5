"""Offline model building and training code for the tagger (not needed by `extractor` users)."""
