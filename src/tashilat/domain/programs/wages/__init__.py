"""Worker wages, housing affordability and Labour Law article 149 (docs/rules.md §3)."""
