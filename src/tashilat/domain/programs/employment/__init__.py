"""Employment-generating qard al-hasan loans (PROGRAMS.md §2)."""
