"""Employment-generating qard al-hasan loans (docs/rules.md §2)."""
