"""Typed response models of every API operation, documented in ``/openapi.json``."""
