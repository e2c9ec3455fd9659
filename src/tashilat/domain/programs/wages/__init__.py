"""Worker wages, housing affordability and Labour Law article 149 (PROGRAMS.md §3)."""
